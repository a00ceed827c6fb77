import type { Clock } from "../platform/ports.js";

/** Nonces per generation, at most: a generation that fills up turns over early. */
const NONCE_ENTRIES = 100_000;
/** Seen-hashes per generation: 2^19, in a table of 2^20 slots (4 MiB), half full at most. */
const SEEN_SLOTS_LOG2 = 20;

/** Options of {@link PushMemory}. */
export interface PushMemoryOptions {
  clock: Clock;
  /** How long a push is remembered: at least the replay window. */
  memoryMs: number;
}

/**
 * Two generations of a Map: entries go into the current one, lookups read both, and when the
 * current one is `periodMs` old (or full) the older is dropped whole. An entry lives at least
 * `periodMs` unless its generation filled up. Nothing is ever deleted one by one: a Map used as
 * an LRU (delete the oldest on every insert) spends its time skipping the holes that leaves.
 */
class Generations<V> {
  #current = new Map<string | number, V>();
  #previous = new Map<string | number, V>();
  #startedAt: number;

  constructor(
    private readonly clock: Clock,
    private readonly periodMs: number,
    private readonly maxEntries: number,
  ) {
    this.#startedAt = clock.now();
  }

  get(key: string | number): V | undefined {
    this.#turn();
    return this.#current.get(key) ?? this.#previous.get(key);
  }

  set(key: string | number, value: V): void {
    this.#turn();
    this.#current.set(key, value);
  }

  #turn(): void {
    const now = this.clock.now();
    if (now - this.#startedAt < this.periodMs && this.#current.size < this.maxEntries) return;
    // Idle for two whole periods: the older generation is stale too.
    this.#previous = now - this.#startedAt >= 2 * this.periodMs ? new Map() : this.#current;
    this.#current = new Map();
    this.#startedAt = now;
  }
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

/**
 * What the gateway remembers of recent pushes, in process memory:
 *
 * - which pushes were answered, for the whole memory time, as 32-bit hashes of their dedupe
 *   keys in typed arrays: nothing for the garbage collector to trace. The answers themselves
 *   stay in the events table: WeChat retries only a push whose answer it did not get, which
 *   is rare, and keeping every answer string in memory cost every push its share of garbage
 *   collection. A hash may collide, so "seen" means "look in the events table", which decides;
 * - the nonces of plaintext pushes, whose `signature` does not cover the body: a second body
 *   under the same timestamp, nonce and signature is a forgery. (An encrypted push's
 *   `msg_signature` covers its body, so another body cannot carry the same signature.)
 */
export class PushMemory {
  readonly #enabled: boolean;
  readonly #nonces: Generations<string>;
  readonly #seen: SeenHashes;

  constructor(options: PushMemoryOptions) {
    const { clock, memoryMs } = options;
    this.#enabled = memoryMs > 0;
    this.#nonces = new Generations(clock, memoryMs, NONCE_ENTRIES);
    this.#seen = new SeenHashes(clock, memoryMs, SEEN_SLOTS_LOG2);
  }

  /**
   * Plaintext pushes: claims (timestamp, nonce, signature) for `bodyHash`. False when they
   * were already used with another body.
   */
  claimNonce(nonceKey: string, bodyHash: string): boolean {
    if (!this.#enabled) return true;
    const seen = this.#nonces.get(nonceKey);
    if (seen === undefined) this.#nonces.set(nonceKey, bodyHash);
    return seen === undefined || seen === bodyHash;
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
function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
