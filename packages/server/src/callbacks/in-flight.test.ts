import { describe, expect, it } from "vitest";
import { InFlightTable } from "./in-flight.js";

describe("InFlightTable", () => {
  it("sets, finds, replaces and deletes by key", () => {
    const table = new InFlightTable<number>(2);
    table.set("a", 1);
    table.set("b", 2);
    table.set("a", 3);
    expect([table.get("a"), table.get("b"), table.get("c"), table.size]).toEqual([3, 2, undefined, 2]);
    expect(table.delete("a")).toBe(true);
    expect(table.delete("a")).toBe(false);
    expect([table.get("a"), table.get("b"), table.size]).toEqual([undefined, 2, 1]);
  });

  it("behaves as a Map under thousands of random sets and deletes, growing past its first size", () => {
    // A small first table: probes collide and wrap around its end, and it has to grow.
    const table = new InFlightTable<number>(3);
    const model = new Map<string, number>();
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    for (let step = 0; step < 20_000; step++) {
      const key = `wx${Math.floor(random() * 300)}|msg`;
      if (random() < 0.55) {
        table.set(key, step);
        model.set(key, step);
      } else {
        expect(table.delete(key)).toBe(model.delete(key));
      }
      if (step % 997 === 0) {
        for (let k = 0; k < 300; k++) expect(table.get(`wx${k}|msg`)).toBe(model.get(`wx${k}|msg`));
      }
      expect(table.size).toBe(model.size);
    }
    for (const [key, value] of model) expect(table.get(key)).toBe(value);
  });
});
