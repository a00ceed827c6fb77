import { systemClock } from "./clock.js";
import type { Cache, Clock } from "./ports.js";

interface Entry<V> {
  value: V;
  expiresAt: number;
  /** When the entry last moved to the recent end, counted in moves. */
  stamp: number;
}

/** Options of {@link LruCache}. */
export interface LruCacheOptions {
  /** Most entries kept; the least recently used goes first. */
  maxEntries: number;
  /** Expiry applied when `set` is given none; Infinity keeps entries until evicted. */
  defaultTtlMs?: number;
  clock?: Clock;
}

/**
 * The embedded {@link Cache}: least-recently-used eviction with per-entry expiry.
 * A Map keeps insertion order, so re-inserting on access makes its first key the LRU one.
 *
 * A read re-inserts only an entry in the older half of that order. Each re-insertion is a
 * delete and an insert in the Map, and every few of them a new hash table: for the handful of
 * keys read thousands of times a second (API keys, the accounts pushes come for) that was a
 * steady stream of garbage the long-lived Map kept alive into the old generation. Eviction
 * still takes the older half first, which is all that least-recently-used promises a cache.
 */
export class LruCache<V = unknown> implements Cache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly maxEntries: number;
  private readonly defaultTtlMs: number;
  private readonly clock: Clock;
  /** Moves to the recent end so far. */
  private moves = 0;

  constructor(options: LruCacheOptions) {
    if (!(options.maxEntries >= 1)) throw new RangeError("maxEntries must be at least 1");
    this.maxEntries = options.maxEntries;
    this.defaultTtlMs = options.defaultTtlMs ?? Number.POSITIVE_INFINITY;
    this.clock = options.clock ?? systemClock;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const entry = this.live(key);
    if (!entry) return undefined;
    if (this.moves - entry.stamp >= this.maxEntries / 2) {
      this.entries.delete(key);
      entry.stamp = ++this.moves;
      this.entries.set(key, entry);
    }
    return entry.value;
  }

  set(key: string, value: V, ttlMs: number = this.defaultTtlMs): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.clock.now() + ttlMs, stamp: ++this.moves });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  setIfAbsent(key: string, value: V, ttlMs?: number): boolean {
    if (this.live(key)) return false;
    this.set(key, value, ttlMs);
    return true;
  }

  delete(key: string): boolean {
    return this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  private live(key: string): Entry<V> | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // An entry that never expires (the statement cache's) needs no reading of the clock.
    if (entry.expiresAt !== Number.POSITIVE_INFINITY && entry.expiresAt <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
