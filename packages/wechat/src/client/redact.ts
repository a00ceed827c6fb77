const SECRET_FIELD = /secret|token|ticket|password|auth_code|authorization_code/i;

/**
 * The values of a request that must never leave in an error or a log line: the token that was
 * sent and every query or top-level body field whose name says it is a secret
 * (`secret`, `component_appsecret`, `authorizer_refresh_token`, `component_verify_ticket`, …).
 */
export function collectSecrets(
  token: string | undefined,
  query: Record<string, string | number | undefined> | undefined,
  body: unknown,
): string[] {
  const secrets: string[] = [];
  if (token) secrets.push(token);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (SECRET_FIELD.test(name) && typeof value === "string" && value) secrets.push(value);
  }
  if (body !== null && typeof body === "object" && !Array.isArray(body)) {
    for (const [name, value] of Object.entries(body)) {
      if (SECRET_FIELD.test(name) && typeof value === "string" && value) secrets.push(value);
    }
  }
  return secrets;
}

/** `text` with every secret replaced by `***` (WeChat sometimes echoes request values in errmsg). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    // Very short values would blank out ordinary words; they are not real secrets anyway.
    if (secret.length >= 6) out = out.split(secret).join("***");
  }
  return out;
}

/**
 * The error to keep as `cause`, or undefined when anything in its chain mentions a secret
 * (a failed URL parse, for one, quotes the whole URL with its access_token).
 */
export function safeCause(error: unknown, secrets: readonly string[]): unknown {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    const text = current instanceof Error ? `${current.message} ${current.stack ?? ""}` : String(current);
    if (secrets.some((secret) => secret && text.includes(secret))) return undefined;
    current = current instanceof Error ? current.cause : undefined;
  }
  return error;
}
