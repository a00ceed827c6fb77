import { hash } from "node:crypto";

/**
 * WeChat's signature scheme: SHA-1 (lowercase hex) over the parts sorted by UTF-16 code
 * unit (for the ASCII values WeChat uses, the same as byte order) and concatenated without a
 * separator.
 *
 * @param parts the strings to sign, in any order
 * @returns 40 lowercase hex characters
 */
export function sha1Signature(...parts: string[]): string {
  // One-shot over the joined text: no Hash object, one call into native code.
  return hash("sha1", parts.sort().join(""), "hex");
}

/**
 * The `signature` query parameter of a URL check or of any push:
 * sha1(sorted([token, timestamp, nonce]).join("")).
 *
 * @param token the Token configured on the WeChat side
 * @param timestamp the `timestamp` query parameter, verbatim
 * @param nonce the `nonce` query parameter, verbatim
 */
export function urlSignature(token: string, timestamp: string, nonce: string): string {
  return sha1Signature(token, timestamp, nonce);
}

/**
 * The `msg_signature` of an encrypted push (query parameter) or encrypted reply
 * (`<MsgSignature>`): sha1(sorted([token, timestamp, nonce, encrypt]).join("")).
 *
 * @param encrypt the base64 ciphertext exactly as carried in `<Encrypt>`
 */
export function msgSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return sha1Signature(token, timestamp, nonce, encrypt);
}

/**
 * Compares a computed signature with the one received, ignoring ASCII case (hex digests
 * arrive in either case), in constant time for inputs of equal length: every character is
 * visited and differences are accumulated, never returned early.
 *
 * A `given` of another length, or that is not a string (a missing query parameter), is
 * rejected at once: the length is not secret, a SHA-1 hex digest is always 40 characters.
 * Only A–Z are folded (Unicode case mapping would let e.g. U+212A, the Kelvin sign, stand for
 * `k`), and code units are compared whole, so a non-ASCII character never matches an ASCII one.
 *
 * @param expected the signature computed locally
 * @param given the signature from the request; `undefined`/`null` when absent
 * @returns true only when both denote the same digest
 */
export function signaturesEqual(expected: string, given: string | undefined | null): boolean {
  if (typeof given !== "string" || given.length !== expected.length) return false;
  let difference = 0;
  for (let i = 0; i < expected.length; i++) {
    difference |= asciiLower(expected.charCodeAt(i)) ^ asciiLower(given.charCodeAt(i));
  }
  return difference === 0;
}

function asciiLower(code: number): number {
  return code >= 0x41 && code <= 0x5a ? code | 0x20 : code;
}

/**
 * Replay protection: true when `timestamp` (decimal Unix seconds, 1–12 digits, nothing
 * else) lies within `windowSeconds` of `nowMs`, in the past or the future; the bounds
 * themselves count as fresh.
 *
 * @param timestamp the `timestamp` query parameter, verbatim
 * @param nowMs the current time in milliseconds (pass a clock, not `Date.now()`, in tests)
 * @param windowSeconds the accepted skew; 300 by default
 */
export function timestampFresh(timestamp: string, nowMs: number, windowSeconds = 300): boolean {
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  return Math.abs(Number(timestamp) * 1000 - nowMs) <= windowSeconds * 1000;
}
