import { pooledRandomBytes } from "@wxgate/wechat";

let lastMs = -1;
let sequence = 0;

/**
 * A UUIDv7 (RFC 9562): 48-bit epoch milliseconds, then randomness. Ids made later sort
 * after ids made earlier — as text too — so primary keys double as a creation order.
 * Within one millisecond a 12-bit counter keeps ids of this process strictly increasing.
 */
export function newId(nowMs: number = Date.now()): string {
  let ms = Math.max(nowMs, lastMs);
  if (ms === lastMs) {
    sequence++;
    if (sequence > 0xfff) {
      ms++;
      sequence = 0;
    }
  } else {
    sequence = pooledRandomBytes(2).readUInt16BE(0) & 0x3ff;
  }
  lastMs = ms;
  // Pooled: one call into the random generator per few hundred ids (one per event on the gateway).
  const bytes = pooledRandomBytes(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The creation time (epoch ms) encoded in a UUIDv7 made by {@link newId}. */
export function idTimestamp(id: string): number {
  return Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16);
}

/** The smallest id {@link newId} can make at `ms` or later: a lower bound for range scans by time. */
export function idFloor(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}
