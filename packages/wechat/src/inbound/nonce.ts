import { randomBytes } from "node:crypto";

/*
 * Nonces come from a pool of random bytes refilled 4 KiB at a time: one call into the
 * random generator per thousand nonces instead of one per reply.
 */
let pool = Buffer.alloc(0);
let offset = 0;

/** A random decimal nonce, as WeChat sends them (up to 10 digits). */
export function randomNonce(): string {
  if (offset + 4 > pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  const value = pool.readUInt32BE(offset);
  offset += 4;
  return String(value);
}

/** Seconds since the epoch, as text. */
export function secondsText(nowMs: number): string {
  return String(Math.floor(nowMs / 1000));
}
