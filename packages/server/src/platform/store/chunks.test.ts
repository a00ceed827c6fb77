import { describe, expect, it } from "vitest";
import { powerOfTwoChunks } from "./chunks.js";

describe("powerOfTwoChunks", () => {
  it("cuts any number of rows into powers of two at most max, in order: log2(max) + 1 shapes in all", () => {
    const shapes = new Set<number>();
    for (let n = 0; n <= 1_500; n++) {
      const rows = Array.from({ length: n }, (_, i) => i);
      const chunks = [...powerOfTwoChunks(rows, 512)];
      expect(chunks.flat()).toEqual(rows);
      for (const chunk of chunks) {
        expect(chunk.length).toBeLessThanOrEqual(512);
        shapes.add(chunk.length);
      }
    }
    expect([...shapes].sort((a, b) => a - b)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512]);
    expect([...powerOfTwoChunks([...Array(1_000).keys()], 512)].map((c) => c.length)).toEqual([
      512, 256, 128, 64, 32, 8,
    ]);
  });

  it("refuses a max that is not a power of two", () => {
    expect(() => [...powerOfTwoChunks([1, 2, 3], 500)]).toThrow(RangeError);
  });
});
