import type { Clock } from "../platform/ports.js";

/**
 * A nonce table has 2^22 slots (64 MiB, two million pushes per generation): complete for the
 * replay window up to about 3,300 pushes a second sustained. It is allocated whole, never
 * grown: a zero-filled typed array this large is mapped by the system page by page as slots
 * are first written, so an idle server holds little of it, and a busy one reaches its size
 * within seconds and stays there. Growing by doubling instead stopped the event loop for a
 * rehash (25 ms at a million slots) and raised the resident size in steps for as long as a
 * generation lasted.
 */
const NONCE_SLOTS_LOG2 = 22;
/** Seen-hashes per generation: 2^19, in a table of 2^20 slots (4 MiB), half full at most. */
const SEEN_SLOTS_LOG2 = 20;
/** The generation before the first: nothing to find in it. */
const EMPTY_NONCES = new Uint32Array(4);

/**
 * Two generations of a table from 64-bit key hashes to 64-bit content fingerprints, open
 * addressed in one interleaved Uint32Array (key high, key low, value high, value low per slot):
 * no object per entry, nothing for the garbage collector to trace. When the current generation
 * is `periodMs` old (or half full) the older one is dropped whole and a fresh one starts, so an
 * entry lives at least `periodMs` unless its generation filled up.
 *
 * 64-bit key hashes make a false "same key" between two genuine pushes about one in 2^45 at
 * a million entries; the 64-bit fingerprint is a prefix of a SHA-256, which a forger cannot
 * match with a body of their choosing.
 */
class NonceTable {
  readonly #maxEntries: number;
  #current: Uint32Array;
  #previous: Uint32Array = EMPTY_NONCES;
  #entries = 0;
  #startedAt: number;
  #turnedEarly = false;

  constructor(
    private readonly clock: Clock,
    private readonly periodMs: number,
    private readonly slotsLog2: number,
  ) {
    this.#maxEntries = 2 ** slotsLog2 / 2;
    this.#current = this.#fresh();
    this.#startedAt = clock.now();
  }

  /** Whether the table had to forget entries younger than `periodMs` (a generation filled up). */
  get turnedEarly(): boolean {
    return this.#turnedEarly;
  }

  /** The fingerprint stored for the key, if any: [high, low]. */
  get(k1: number, k2: number): [number, number] | undefined {
    this.#turn();
    return find(this.#current, k1, k2) ?? find(this.#previous, k1, k2);
  }

  set(k1: number, k2: number, v1: number, v2: number): void {
    this.#turn();
    if (this.#entries >= this.#maxEntries) {
      this.#turnedEarly = true;
      this.#rotate(false);
    }
    if (insert(this.#current, k1, k2, v1, v2)) this.#entries++;
  }

  #fresh(): Uint32Array {
    return new Uint32Array(4 * 2 ** this.slotsLog2);
  }

  #turn(): void {
    const age = this.clock.now() - this.#startedAt;
    if (age < this.periodMs) return;
    this.#rotate(age >= 2 * this.periodMs);
  }

  #rotate(stale: boolean): void {
    // The current generation becomes the previous one; the fresh one is new memory, not the
    // old array cleared (clearing 64 MiB would stop the event loop as long as a rehash did).
    this.#previous = stale ? EMPTY_NONCES : this.#current;
    this.#current = this.#fresh();
    this.#entries = 0;
    this.#startedAt = this.clock.now();
  }
}

/** (0, 0) marks an empty slot: a key hashing to it is stored as (0, 1). */
function keyLow(k1: number, k2: number): number {
  return k1 === 0 && k2 === 0 ? 1 : k2;
}

/**
 * Where the key lives in the table, or the empty slot where it would go (linear probing from
 * its home slot): the offset of the slot's first word.
 */
function slotOf(table: Uint32Array, k1: number, low: number): number {
  const mask = table.length / 4 - 1;
  let slot = (k1 ^ low) & mask;
  for (;;) {
    const at = slot * 4;
    const h = table[at] as number;
    const l = table[at + 1] as number;
    if ((h === 0 && l === 0) || (h === k1 && l === low)) return at;
    slot = (slot + 1) & mask;
  }
}

function find(table: Uint32Array, k1: number, k2: number): [number, number] | undefined {
  const at = slotOf(table, k1, keyLow(k1, k2));
  if (table[at] === 0 && table[at + 1] === 0) return undefined;
  return [table[at + 2] as number, table[at + 3] as number];
}

/** Stores the key's fingerprint unless the key is there already; true when it was added. */
function insert(table: Uint32Array, k1: number, k2: number, v1: number, v2: number): boolean {
  const low = keyLow(k1, k2);
  const at = slotOf(table, k1, low);
  if (table[at] !== 0 || table[at + 1] !== 0) return false;
  table[at] = k1;
  table[at + 1] = low;
  table[at + 2] = v1;
  table[at + 3] = v2;
  return true;
}

/**
 * Two generations of a set of 32-bit hashes, in open-addressed typed arrays: no object per
 * entry, and nothing the garbage collector has to trace — a Map of half a million entries
 * cost a rehash on every doubling and a long walk at every major collection.
 */
class SeenHashes {
  readonly #mask: number;
  readonly #maxEntries: number;
  #current: Uint32Array;
  #previous: Uint32Array;
  #entries = 0;
  #startedAt: number;

  constructor(
    private readonly clock: Clock,
    private readonly periodMs: number,
    slotsLog2: number,
  ) {
    const slots = 2 ** slotsLog2;
    this.#mask = slots - 1;
    this.#maxEntries = slots / 2;
    this.#current = new Uint32Array(slots);
    this.#previous = new Uint32Array(slots);
    this.#startedAt = clock.now();
  }

  has(hash: number): boolean {
    this.#turn();
    return contains(this.#current, this.#mask, hash) || contains(this.#previous, this.#mask, hash);
  }

  add(hash: number): void {
    this.#turn();
    const table = this.#current;
    // 0 marks an empty slot: hash 0 is stored as 1 (a false alarm at worst, which the table resolves).
    const value = hash === 0 ? 1 : hash;
    let slot = value & this.#mask;
    while (table[slot] !== 0) {
      if (table[slot] === value) return;
      slot = (slot + 1) & this.#mask;
    }
    table[slot] = value;
    this.#entries++;
  }

  #turn(): void {
    const now = this.clock.now();
    if (now - this.#startedAt < this.periodMs && this.#entries < this.#maxEntries) return;
    const stale = now - this.#startedAt >= 2 * this.periodMs;
    const recycled = this.#previous;
    this.#previous = this.#current;
    this.#current = recycled.fill(0);
    if (stale) this.#previous.fill(0);
    this.#entries = 0;
    this.#startedAt = now;
  }
}

function contains(table: Uint32Array, mask: number, hash: number): boolean {
  const value = hash === 0 ? 1 : hash;
  let slot = value & mask;
  while (table[slot] !== 0) {
    if (table[slot] === value) return true;
    slot = (slot + 1) & mask;
  }
  return false;
}

/** Options of {@link PushMemory}. */
export interface PushMemoryOptions {
  clock: Clock;
  /** How long an answered push is remembered (0: not at all; the events table still decides). */
  memoryMs: number;
  /**
   * How long accepted (timestamp, nonce) pairs are remembered: at least twice the replay
   * window, since a timestamp is accepted from one window before it to one window after.
   */
  nonceMemoryMs: number;
}

/**
 * What the gateway remembers of recent pushes, in process memory:
 *
 * - which pushes were answered, for the whole memory time, as 32-bit hashes of their dedupe
 *   keys in typed arrays: nothing for the garbage collector to trace. The answers themselves
 *   stay in the events table: WeChat retries only a push whose answer it did not get, which
 *   is rare, and keeping every answer string in memory cost every push its share of garbage
 *   collection. A hash may collide, so "seen" means "look in the events table", which decides;
 * - every accepted (account, timestamp, nonce), whatever the mode, with a fingerprint of the
 *   content it carried. WeChat's `signature` covers only the Token, timestamp and nonce, and
 *   it travels on encrypted pushes too: whoever sees one could put another body under it. So
 *   the pair is claimed by the first content, and any other content under it is a forgery.
 */
export class PushMemory {
  readonly #enabled: boolean;
  readonly #nonces: NonceTable;
  readonly #seen: SeenHashes;

  constructor(options: PushMemoryOptions) {
    const { clock, memoryMs, nonceMemoryMs } = options;
    this.#enabled = memoryMs > 0;
    this.#nonces = new NonceTable(clock, nonceMemoryMs, NONCE_SLOTS_LOG2);
    this.#seen = new SeenHashes(clock, memoryMs, SEEN_SLOTS_LOG2);
  }

  /**
   * Claims (account, timestamp, nonce) — `nonceKey` — for the content whose SHA-256 is
   * `fingerprint` (its first 8 bytes are kept). False when the pair was already claimed by
   * other content.
   */
  claimNonce(nonceKey: string, fingerprint: Buffer): boolean {
    const k1 = hash32(nonceKey);
    const k2 = hash32b(nonceKey);
    const v1 = fingerprint.readUInt32BE(0);
    const v2 = fingerprint.readUInt32BE(4);
    const held = this.#nonces.get(k1, k2);
    if (held === undefined) {
      this.#nonces.set(k1, k2, v1, v2);
      return true;
    }
    return held[0] === v1 && held[1] === v2;
  }

  /** True once the nonce memory had to forget pairs within their window (overload). */
  get nonceMemoryOverflowed(): boolean {
    return this.#nonces.turnedEarly;
  }

  /** Whether a push with this key may have been answered: true can be a false alarm, false is sure. */
  maybeSeen(key: string): boolean {
    return this.#enabled && this.#seen.has(hash32(key));
  }

  /** Remembers that the push with this key was answered (the answer is in the events table). */
  markSeen(key: string): void {
    if (this.#enabled) this.#seen.add(hash32(key));
  }
}

/** FNV-1a over the UTF-16 code units: fast, and spreads keys that differ only at the end. */
export function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A second, independent 32-bit hash (multiply–xorshift with other constants) for 64-bit keys. */
function hash32b(text: string): number {
  let hash = 0x9747b28c;
  for (let i = 0; i < text.length; i++) {
    hash = Math.imul(hash ^ text.charCodeAt(i), 0x5bd1e995);
    hash ^= hash >>> 15;
  }
  return hash >>> 0;
}
