import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../platform/clock.js";
import { PushMemory } from "./memory.js";

const MINUTE = 60_000;
const sha = (text: string) => createHash("sha256").update(text).digest();
const memoryOf = (clock: ManualClock, memoryMs = 10 * MINUTE) =>
  new PushMemory({ clock, memoryMs, nonceMemoryMs: 10 * MINUTE });

describe("PushMemory", () => {
  it("refuses a (timestamp, nonce) claimed again for other content, and accepts the same content again", () => {
    const memory = memoryOf(new ManualClock());
    expect(memory.claimNonce("wx1|1700000000|n1", sha("a"))).toBe(true);
    expect(memory.claimNonce("wx1|1700000000|n1", sha("a"))).toBe(true);
    expect(memory.claimNonce("wx1|1700000000|n1", sha("b"))).toBe(false);
    expect(memory.claimNonce("wx1|1700000000|n2", sha("b"))).toBe(true);
    expect(memory.claimNonce("wx2|1700000000|n1", sha("b"))).toBe(true);
  });

  it("knows a push was answered for at least the memory time, and forgets it within twice that", () => {
    const clock = new ManualClock();
    const memory = memoryOf(clock);
    memory.markSeen("wx1|msg:1");
    expect(memory.maybeSeen("wx1|msg:1")).toBe(true);
    expect(memory.maybeSeen("wx1|msg:2")).toBe(false);

    clock.advance(10 * MINUTE);
    memory.markSeen("wx1|msg:3");
    expect(memory.maybeSeen("wx1|msg:1")).toBe(true);
    clock.advance(10 * MINUTE);
    expect(memory.maybeSeen("wx1|msg:1")).toBe(false);
    expect(memory.maybeSeen("wx1|msg:3")).toBe(true);
    clock.advance(10 * MINUTE);
    expect(memory.maybeSeen("wx1|msg:3")).toBe(false);
  });

  it("keeps every pair for the nonce memory time and forgets them within twice that", () => {
    const clock = new ManualClock();
    const memory = memoryOf(clock);
    memory.claimNonce("wx1|1|old", sha("a"));
    clock.advance(20 * MINUTE);
    expect(memory.claimNonce("wx1|1|old", sha("b"))).toBe(true);

    // Hundreds of thousands of pairs: nothing is forgotten early.
    memory.claimNonce("wx1|1|first", sha("a"));
    for (let i = 0; i < 300_000; i++) memory.claimNonce(`wx1|1|n${i}`, sha(String(i % 7)));
    expect(memory.claimNonce("wx1|1|first", sha("b"))).toBe(false);
    expect(memory.claimNonce("wx1|1|n123456", sha("x"))).toBe(false);
    expect(memory.claimNonce("wx1|1|n123456", sha(String(123456 % 7)))).toBe(true);
    expect(memory.nonceMemoryOverflowed).toBe(false);
    clock.advance(10 * MINUTE);
    expect(memory.claimNonce("wx1|1|first", sha("b"))).toBe(false);
    clock.advance(10 * MINUTE);
    expect(memory.claimNonce("wx1|1|first", sha("b"))).toBe(true);
  });

  it("starts a fresh generation early when one fills up, and says so", () => {
    const memory = memoryOf(new ManualClock());
    const fingerprint = sha("same");
    const generation = 2 ** 21;
    for (let i = 0; i < generation; i++) memory.claimNonce(`wx1|1|${i}`, fingerprint);
    expect(memory.nonceMemoryOverflowed).toBe(false);
    memory.claimNonce("wx1|1|one-more", fingerprint);
    expect(memory.nonceMemoryOverflowed).toBe(true);
    // The full generation is now the previous one: still remembered.
    expect(memory.claimNonce("wx1|1|0", sha("other"))).toBe(false);
    expect(memory.claimNonce("wx1|1|one-more", sha("other"))).toBe(false);
  });

  it("never confuses two of a million pairs (64-bit keys)", () => {
    const memory = memoryOf(new ManualClock());
    const fingerprint = sha("same");
    let refused = 0;
    for (let i = 0; i < 1_000_000; i++)
      if (!memory.claimNonce(`wx1|${1700000000 + (i % 600)}|${i}`, fingerprint)) refused++;
    for (let i = 0; i < 1_000_000; i++)
      if (!memory.claimNonce(`wx2|${1700000000 + (i % 600)}|${i}`, sha(String(i)))) refused++;
    expect(refused).toBe(0);
  });

  it("keeps half a million answered pushes per generation, and the generation before", () => {
    const memory = memoryOf(new ManualClock());
    const generation = 2 ** 19;
    for (let i = 0; i <= generation; i++) memory.markSeen(`wx1|msg:${i}`);
    expect(memory.maybeSeen("wx1|msg:0")).toBe(true);
    expect(memory.maybeSeen(`wx1|msg:${generation}`)).toBe(true);
    let falseAlarms = 0;
    for (let i = 0; i < 10_000; i++) if (memory.maybeSeen(`wx1|never:${i}`)) falseAlarms++;
    // 32-bit hashes, a million at most remembered: about one in four thousand collides.
    expect(falseAlarms).toBeLessThan(20);
    for (let i = 0; i < generation; i++) memory.markSeen(`wx1|later:${i}`);
    expect(memory.maybeSeen("wx1|msg:0")).toBe(false);
    expect(memory.maybeSeen("wx1|later:0")).toBe(true);
  });

  it("remembers no answered push when the memory time is zero, but still every pair", () => {
    const memory = memoryOf(new ManualClock(), 0);
    memory.markSeen("wx1|msg:1");
    expect(memory.maybeSeen("wx1|msg:1")).toBe(false);
    expect(memory.claimNonce("k", sha("a"))).toBe(true);
    expect(memory.claimNonce("k", sha("b"))).toBe(false);
  });
});
