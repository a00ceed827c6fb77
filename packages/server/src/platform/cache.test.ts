import { describe, expect, it } from "vitest";
import { LruCache } from "./cache.js";
import { ManualClock } from "./clock.js";

describe("LruCache", () => {
  it("evicts the least recently used entry when full", () => {
    const cache = new LruCache<number>({ maxEntries: 2 });
    cache.set("a", 1);
    cache.set("b", 2);
    expect(cache.get("a")).toBe(1); // a is now more recent than b
    cache.set("c", 3);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe(1);
    expect(cache.get("c")).toBe(3);
    expect(cache.size).toBe(2);
  });

  it("keeps a key read between inserts, moving it only once it falls into the older half", () => {
    const cache = new LruCache<number>({ maxEntries: 10 });
    cache.set("hot", 0);
    for (let i = 1; i <= 100; i++) {
      cache.set(`k${i}`, i);
      expect(cache.get("hot")).toBe(0);
    }
    expect(cache.size).toBe(10);
    // Entries in the recent half stay where they are; the older half goes first.
    const small = new LruCache<number>({ maxEntries: 4 });
    for (const key of ["a", "b", "c", "d"]) small.set(key, 0);
    small.get("d");
    small.get("a");
    small.set("e", 0);
    expect(small.get("b")).toBeUndefined();
    expect([small.get("a"), small.get("c"), small.get("d"), small.get("e")]).toEqual([0, 0, 0, 0]);
  });

  it("expires entries by the clock", () => {
    const clock = new ManualClock();
    const cache = new LruCache<string>({ maxEntries: 10, defaultTtlMs: 1000, clock });
    cache.set("nonce", "x");
    cache.set("longer", "y", 5000);
    clock.advance(999);
    expect(cache.get("nonce")).toBe("x");
    clock.advance(1);
    expect(cache.get("nonce")).toBeUndefined();
    expect(cache.get("longer")).toBe("y");
  });

  it("setIfAbsent remembers a nonce once within its window", () => {
    const clock = new ManualClock();
    const cache = new LruCache<true>({ maxEntries: 100, clock });
    expect(cache.setIfAbsent("msg:1", true, 300_000)).toBe(true);
    expect(cache.setIfAbsent("msg:1", true, 300_000)).toBe(false);
    clock.advance(300_000);
    expect(cache.setIfAbsent("msg:1", true, 300_000)).toBe(true);
  });

  it("deletes and clears", () => {
    const cache = new LruCache({ maxEntries: 3 });
    cache.set("a", 1);
    cache.set("b", 2);
    expect(cache.delete("a")).toBe(true);
    expect(cache.delete("a")).toBe(false);
    cache.clear();
    expect(cache.size).toBe(0);
  });
});
