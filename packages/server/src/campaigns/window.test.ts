import { describe, expect, it } from "vitest";
import { withinWindow } from "./engine.js";

const now = Date.UTC(2025, 5, 1, 12);
const HOUR = 60 * 60_000;
const never = { message: null, menuClick: null, follow: null, scan: null };

describe("the 48-hour window of a customer-service message", () => {
  it("opens for 48 hours after a message, and for a minute after a menu click, a follow or a scan", () => {
    expect(withinWindow(undefined, now)).toBe(false);
    expect(withinWindow(never, now)).toBe(false);
    expect(withinWindow({ ...never, message: now - 48 * HOUR }, now)).toBe(true);
    expect(withinWindow({ ...never, message: now - 48 * HOUR - 1 }, now)).toBe(false);
    for (const event of ["menuClick", "follow", "scan"] as const) {
      expect(withinWindow({ ...never, [event]: now - 60_000 }, now), event).toBe(true);
      expect(withinWindow({ ...never, [event]: now - 60_001 }, now), event).toBe(false);
    }
    // An old message does not close what a recent event opened.
    expect(withinWindow({ ...never, message: now - 72 * HOUR, scan: now - 1_000 }, now)).toBe(true);
  });
});
