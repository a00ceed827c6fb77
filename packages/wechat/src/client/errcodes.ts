/** WeChat's "system busy, try later": worth a bounded retry with backoff. */
export const SYSTEM_BUSY = -1;

/** The token was rejected: invalid, not the latest, or expired. Refresh once and retry once. */
export const TOKEN_REJECTED_ERRCODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);

/** Daily (45009) and per-minute (45011) API quota exhausted: retrying only burns more. */
export const QUOTA_ERRCODES: ReadonlySet<number> = new Set([45009, 45011]);

/**
 * The request id WeChat appends to errmsg, as `rid: 6523a3f1-2c3a9e0b-1f5e7a55` or, in older
 * answers, `hints: [ req_id: xxxx ]`. It is what `/cgi-bin/openapi/rid/get` looks up.
 */
export function parseRid(errmsg: string): string | undefined {
  const match = /\brid:\s*([A-Za-z0-9_-]+)/.exec(errmsg) ?? /\breq_id:\s*([A-Za-z0-9_-]+)/.exec(errmsg);
  return match?.[1];
}
