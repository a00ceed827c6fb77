import { describe, expect, it } from "vitest";
import { ManualClock } from "../platform/clock.js";
import { PushMemory } from "./memory.js";

const MINUTE = 60_000;

describe("PushMemory", () => {
  it("refuses a plaintext nonce reused with another body, and accepts the same body again", () => {
    const memory = new PushMemory({ clock: new ManualClock(), memoryMs: 10 * MINUTE });
    expect(memory.claimNonce("wx1|1700000000|n1|sig", "hash-a")).toBe(true);
    expect(memory.claimNonce("wx1|1700000000|n1|sig", "hash-a")).toBe(true);
    expect(memory.claimNonce("wx1|1700000000|n1|sig", "hash-b")).toBe(false);
    expect(memory.claimNonce("wx1|1700000000|n2|sig", "hash-b")).toBe(true);
  });

  it("knows a push was answered for at least the memory time, and forgets it within twice that", () => {
    const clock = new ManualClock();
    const memory = new PushMemory({ clock, memoryMs: 10 * MINUTE });
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

  it("forgets nonces after twice the memory time, or sooner when a generation fills up", () => {
    const clock = new ManualClock();
    const memory = new PushMemory({ clock, memoryMs: 10 * MINUTE });
    memory.claimNonce("wx1|1|old|sig", "a");
    clock.advance(20 * MINUTE);
    expect(memory.claimNonce("wx1|1|old|sig", "b")).toBe(true);

    memory.claimNonce("wx1|1|first|sig", "a");
    for (let i = 0; i < 100_000; i++) memory.claimNonce(`wx1|1|n${i}|sig`, "x");
    expect(memory.claimNonce("wx1|1|first|sig", "b")).toBe(false);
    for (let i = 0; i < 100_000; i++) memory.claimNonce(`wx1|1|m${i}|sig`, "x");
    expect(memory.claimNonce("wx1|1|first|sig", "b")).toBe(true);
  });

  it("keeps half a million answered pushes per generation, and the generation before", () => {
    const memory = new PushMemory({ clock: new ManualClock(), memoryMs: 10 * MINUTE });
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

  it("remembers nothing when the memory time is zero", () => {
    const memory = new PushMemory({ clock: new ManualClock(), memoryMs: 0 });
    memory.markSeen("wx1|msg:1");
    expect(memory.maybeSeen("wx1|msg:1")).toBe(false);
    expect(memory.claimNonce("k", "a")).toBe(true);
    expect(memory.claimNonce("k", "b")).toBe(true);
  });
});
