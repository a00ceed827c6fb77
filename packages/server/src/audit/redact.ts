/**
 * What of a request body the audit log keeps: its shape and plain values, never a secret.
 * A key that names a secret anywhere (password, AppSecret, token, EncodingAESKey, key, ticket,
 * a one-time code and the sign-in challenge it answers) keeps only that it was given; long strings are cut; deep or wide values are summarised. The
 * whole summary is bounded, so a large body cannot fill the log.
 */
const SECRET_KEY = /secret|passw|token|aes|ticket|^key$|apikey|api_key|otp|^code$|^challenge$/i;
const REDACTED = "[redacted]";
const MAX_STRING = 200;
const MAX_KEYS = 40;
const MAX_ITEMS = 20;
const MAX_DEPTH = 4;
export const MAX_SUMMARY = 4096;

export function redactBody(body: unknown): string | null {
  if (body === undefined || body === null) return null;
  const json = JSON.stringify(redact(body, 0));
  if (json.length <= MAX_SUMMARY) return json;
  // Kept as a string under `truncated`: its escaping may lengthen it, so cut until it fits.
  let cut = MAX_SUMMARY - 20;
  for (;;) {
    const truncated = JSON.stringify({ truncated: json.slice(0, cut) });
    if (truncated.length <= MAX_SUMMARY) return truncated;
    cut -= truncated.length - MAX_SUMMARY;
  }
}

function redact(value: unknown, depth: number): unknown {
  if (typeof value === "string") return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return "[…]";
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((item) => redact(item, depth + 1));
    if (value.length > MAX_ITEMS) items.push(`[+${value.length - MAX_ITEMS}]`);
    return items;
  }
  const copy: Record<string, unknown> = {};
  const keys = Object.keys(value);
  for (const key of keys.slice(0, MAX_KEYS)) {
    copy[key] = SECRET_KEY.test(key) ? REDACTED : redact((value as Record<string, unknown>)[key], depth + 1);
  }
  if (keys.length > MAX_KEYS) copy["…"] = `+${keys.length - MAX_KEYS} keys`;
  return copy;
}
