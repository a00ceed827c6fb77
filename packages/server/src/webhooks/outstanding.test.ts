import { describe, expect, it } from "vitest";
import { Outstanding } from "./outstanding.js";

describe("Outstanding", () => {
  it("holds items in reused slots and lists what is held", () => {
    const out = new Outstanding<string>();
    const a = out.add("a");
    const b = out.add("b");
    expect([out.size, out.items()]).toEqual([2, ["a", "b"]]);
    out.remove(a);
    out.remove(a); // twice changes nothing
    expect([out.size, out.items()]).toEqual([1, ["b"]]);
    const c = out.add("c");
    expect(c).toBe(a);
    out.remove(b);
    out.remove(c);
    expect([out.size, out.items()]).toEqual([0, []]);
  });
});
