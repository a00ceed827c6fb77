import { describe, expect, it } from "vitest";
import { idFloor, idTimestamp, newId } from "./ids.js";

describe("newId", () => {
  it("is a version 7 UUID carrying its timestamp", () => {
    const id = newId(1_700_000_000_123);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(idTimestamp(id)).toBe(1_700_000_000_123);
  });

  it("sorts as text in creation order, even within one millisecond", () => {
    const ids = Array.from({ length: 5000 }, () => newId(1_800_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("never goes backwards when the clock does", () => {
    const later = newId(1_900_000_000_000);
    const earlier = newId(1_899_999_999_000);
    expect(earlier > later).toBe(true);
  });
});

describe("idFloor", () => {
  it("sorts before every id made at that millisecond or later, and after every earlier one", () => {
    const at = 2_000_000_000_000;
    const floor = idFloor(at);
    expect(idTimestamp(floor)).toBe(at);
    for (let i = 0; i < 100; i++) expect(newId(at + i) >= floor).toBe(true);
    expect(idFloor(at - 1) < floor).toBe(true);
  });
});
