import { pooledRandomBytes } from "../crypto/random-pool.js";

/** A random decimal nonce, as WeChat sends them (up to 10 digits). */
export function randomNonce(): string {
  return String(pooledRandomBytes(4).readUInt32BE(0));
}

/** 16 fresh random bytes: the prefix every encrypted message starts with. */
export function randomPrefix(): Buffer {
  return pooledRandomBytes(16);
}

/** Seconds since the epoch, as text. */
export function secondsText(nowMs: number): string {
  return String(Math.floor(nowMs / 1000));
}
