import { createHash, timingSafeEqual } from "node:crypto";

/** sha1 over the parts sorted by code unit and joined: WeChat's signature for URL checks and pushes. */
export function sha1Signature(...parts: string[]): string {
  const hash = createHash("sha1");
  for (const part of parts.sort()) hash.update(part);
  return hash.digest("hex");
}

/** `signature` of a URL check or plaintext push: sha1(sorted([token, timestamp, nonce])). */
export function urlSignature(token: string, timestamp: string, nonce: string): string {
  return sha1Signature(token, timestamp, nonce);
}

/** `msg_signature` of an encrypted push or reply: sha1(sorted([token, timestamp, nonce, encrypt])). */
export function msgSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return sha1Signature(token, timestamp, nonce, encrypt);
}

/**
 * Compares two signatures in constant time (for equal lengths). A signature of the wrong
 * length is rejected at once: length is not secret, a SHA-1 hex digest is always 40.
 */
export function signaturesEqual(expected: string, given: string | undefined | null): boolean {
  if (typeof given !== "string" || given.length !== expected.length) return false;
  const a = Buffer.from(expected.toLowerCase(), "latin1");
  const b = Buffer.from(given.toLowerCase(), "latin1");
  return a.length === b.length && timingSafeEqual(a, b);
}

/** True when `timestamp` (seconds) lies within `windowSeconds` of `nowMs`. */
export function timestampFresh(timestamp: string, nowMs: number, windowSeconds = 300): boolean {
  if (!/^\d{1,12}$/.test(timestamp)) return false;
  return Math.abs(Number(timestamp) * 1000 - nowMs) <= windowSeconds * 1000;
}
