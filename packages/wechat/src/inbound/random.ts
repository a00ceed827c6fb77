import { randomBytes } from "node:crypto";

/*
 * Random values come from a pool of cryptographically random bytes refilled 4 KiB at a time:
 * one call into the random generator per few hundred replies instead of two per reply
 * (a 16-byte randomBytes call costs about as much as the AES encryption itself).
 * Bytes are handed out once and the pool is replaced, never rewritten, when used up.
 */
const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

function take(length: number): Buffer {
  if (offset + length > pool.length) {
    pool = randomBytes(POOL_SIZE);
    offset = 0;
  }
  const bytes = pool.subarray(offset, offset + length);
  offset += length;
  return bytes;
}

/** A random decimal nonce, as WeChat sends them (up to 10 digits). */
export function randomNonce(): string {
  return String(take(4).readUInt32BE(0));
}

/** 16 fresh random bytes: the prefix every encrypted message starts with. */
export function randomPrefix(): Buffer {
  return take(16);
}

/** Seconds since the epoch, as text. */
export function secondsText(nowMs: number): string {
  return String(Math.floor(nowMs / 1000));
}
