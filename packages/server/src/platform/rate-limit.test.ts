import { describe, expect, it } from "vitest";
import { ManualClock } from "./clock.js";
import { MemoryRateLimitStore } from "./rate-limit.js";

describe("MemoryRateLimitStore", () => {
  it("counts hits per key in a window that starts at the first hit and ends by the clock", async () => {
    const clock = new ManualClock();
    const store = new MemoryRateLimitStore({ clock });
    expect(await store.hit("a", 60_000)).toEqual({ count: 1, resetInMs: 60_000 });
    clock.advance(20_000);
    expect(await store.hit("a", 60_000)).toEqual({ count: 2, resetInMs: 40_000 });
    expect(await store.hit("b", 60_000)).toEqual({ count: 1, resetInMs: 60_000 });
    clock.advance(39_999);
    expect(await store.hit("a", 60_000)).toEqual({ count: 3, resetInMs: 1 });
    clock.advance(1);
    expect(await store.hit("a", 60_000)).toEqual({ count: 1, resetInMs: 60_000 });
  });

  it("counts hits made at the same moment one by one", async () => {
    const store = new MemoryRateLimitStore({ clock: new ManualClock() });
    const counts = await Promise.all(Array.from({ length: 8 }, () => store.hit("k", 1_000)));
    expect(counts.map((c) => c.count).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("forgets the least recently hit key beyond its capacity", async () => {
    const store = new MemoryRateLimitStore({ clock: new ManualClock(), maxKeys: 2 });
    await store.hit("a", 1_000);
    await store.hit("b", 1_000);
    await store.hit("a", 1_000);
    await store.hit("c", 1_000);
    expect((await store.hit("a", 1_000)).count).toBe(3);
    expect((await store.hit("b", 1_000)).count).toBe(1);
  });
});
