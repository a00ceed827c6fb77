import { hash32 } from "./memory.js";

/**
 * What is being worked on now, by key: an open-addressed table in arrays allocated once
 * (linear probing; a deletion shifts the entries after it back, so no tombstones pile up).
 *
 * The gateway adds and removes an entry per push. A Map doing that rebuilt its hash table
 * every few pushes, and because the Map itself is long-lived, each of those tables went to
 * the old generation: thousands a second of garbage that only a full collection reclaims.
 * Here an entry costs two array writes; the arrays grow (doubling) only when more than half
 * full, which a few thousand pushes at a time never reach.
 */
export class InFlightTable<V> {
  #keys: (string | undefined)[];
  #values: (V | undefined)[];
  #hashes: Uint32Array;
  #mask: number;
  #size = 0;

  constructor(slotsLog2 = 10) {
    const slots = 2 ** slotsLog2;
    this.#keys = new Array<string | undefined>(slots).fill(undefined);
    this.#values = new Array<V | undefined>(slots).fill(undefined);
    this.#hashes = new Uint32Array(slots);
    this.#mask = slots - 1;
  }

  get size(): number {
    return this.#size;
  }

  get(key: string): V | undefined {
    const at = this.#find(key, hash32(key));
    return at < 0 ? undefined : this.#values[at];
  }

  set(key: string, value: V): void {
    const hash = hash32(key);
    const found = this.#find(key, hash);
    if (found >= 0) {
      this.#values[found] = value;
      return;
    }
    if (2 * (this.#size + 1) > this.#keys.length) this.#grow();
    this.#place(key, hash, value);
    this.#size++;
  }

  delete(key: string): boolean {
    let hole = this.#find(key, hash32(key));
    if (hole < 0) return false;
    const keys = this.#keys;
    const mask = this.#mask;
    // Backward shift: every entry after the hole that could have sat in it moves up.
    let next = (hole + 1) & mask;
    while (keys[next] !== undefined) {
      const home = (this.#hashes[next] as number) & mask;
      // Whether `home` lies cyclically outside (hole, next]: the entry may move to the hole.
      const movable = hole <= next ? home <= hole || home > next : home <= hole && home > next;
      if (movable) {
        keys[hole] = keys[next];
        this.#values[hole] = this.#values[next];
        this.#hashes[hole] = this.#hashes[next] as number;
        hole = next;
      }
      next = (next + 1) & mask;
    }
    keys[hole] = undefined;
    this.#values[hole] = undefined;
    this.#size--;
    return true;
  }

  /** The slot holding `key`, or -1. */
  #find(key: string, hash: number): number {
    const keys = this.#keys;
    let at = hash & this.#mask;
    for (;;) {
      const there = keys[at];
      if (there === undefined) return -1;
      if (there === key) return at;
      at = (at + 1) & this.#mask;
    }
  }

  #place(key: string, hash: number, value: V): void {
    let at = hash & this.#mask;
    while (this.#keys[at] !== undefined) at = (at + 1) & this.#mask;
    this.#keys[at] = key;
    this.#values[at] = value;
    this.#hashes[at] = hash;
  }

  #grow(): void {
    const keys = this.#keys;
    const values = this.#values;
    const hashes = this.#hashes;
    const slots = keys.length * 2;
    this.#keys = new Array<string | undefined>(slots).fill(undefined);
    this.#values = new Array<V | undefined>(slots).fill(undefined);
    this.#hashes = new Uint32Array(slots);
    this.#mask = slots - 1;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (key !== undefined) this.#place(key, hashes[i] as number, values[i] as V);
    }
  }
}
