import { createHmac } from "node:crypto";
import { safeEqual } from "../platform/secrets.js";

/** The header carrying a delivery's signature: `t=<unix seconds>,v1=<hex>`. */
export const SIGNATURE_HEADER = "x-wxgate-signature";
/** The header carrying the event id: the same on every attempt, for idempotent receivers. */
export const EVENT_ID_HEADER = "x-wxgate-event-id";
/** The header carrying the delivery id. */
export const DELIVERY_ID_HEADER = "x-wxgate-delivery-id";

/**
 * Signs a webhook body: HMAC-SHA256 with the webhook's secret over `<t>.<body>`, where `t` is
 * the sending time in unix seconds; the header value is `t=<t>,v1=<hex digest>`.
 */
export function signWebhookBody(secret: string, timestampSeconds: number, body: string): string {
  const digest = createHmac("sha256", secret).update(`${timestampSeconds}.`).update(body).digest("hex");
  return `t=${timestampSeconds},v1=${digest}`;
}

/**
 * What a receiver does: recompute the HMAC over `<t>.<raw body>` and compare in constant
 * time, then refuse a `t` too far from now (`toleranceSeconds`, default 300) against replays.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  body: string,
  options: { nowSeconds?: number; toleranceSeconds?: number } = {},
): boolean {
  if (!header) return false;
  const parts = new Map(
    header.split(",").map((part) => {
      const at = part.indexOf("=");
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    }),
  );
  const t = Number(parts.get("t"));
  const given = parts.get("v1");
  if (!Number.isSafeInteger(t) || !given) return false;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (options.toleranceSeconds ?? 300)) return false;
  const expected = signWebhookBody(secret, t, body).slice(`t=${t},v1=`.length);
  return safeEqual(expected, given);
}
