import { describe, expect, it } from "vitest";
import { randomNonce, randomPrefix } from "./random.js";

describe("pooled randomness", () => {
  it("hands out 16-byte prefixes that never repeat or change after being handed out", () => {
    const first = randomPrefix();
    const copy = Buffer.from(first);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(randomPrefix().toString("hex"));
    expect(first).toHaveLength(16);
    expect(first.equals(copy)).toBe(true);
    expect(seen.size).toBe(2000);
  });

  it("makes decimal nonces", () => {
    expect(randomNonce()).toMatch(/^\d{1,10}$/);
  });
});
