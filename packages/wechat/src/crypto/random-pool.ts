import { randomBytes } from "node:crypto";

/*
 * Cryptographically random bytes cut from a pool refilled 4 KiB at a time: one call into the
 * random generator per few hundred messages instead of one or two per message (a 16-byte
 * randomBytes call costs about as much as the AES work on a short message). Bytes are handed
 * out once; a used-up pool is replaced, never rewritten, so earlier slices stay valid.
 */
const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

/** `length` (≤ 4096) fresh random bytes. */
export function pooledRandomBytes(length: number): Buffer {
  if (offset + length > pool.length) {
    pool = randomBytes(Math.max(POOL_SIZE, length));
    offset = 0;
  }
  const bytes = pool.subarray(offset, offset + length);
  offset += length;
  return bytes;
}
