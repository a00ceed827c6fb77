import { describe, expect, it } from "vitest";
import { isLapsed, latestExpiry, lifecycleOf, lifecyclePolicy } from "./lifecycle.js";
import { beijingMonth, beijingMonthBounds } from "./month.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const policy = lifecyclePolicy({ authorizationValidityDays: 365, deauthorizationCoolingOffHours: 48 });
const start = Date.UTC(2025, 0, 1);

const authorized = {
  connection: "component" as const,
  authorization_state: "authorized" as const,
  authorization_expires_at: start + 365 * DAY,
  unauthorized_at: null,
};

describe("lifecycleOf", () => {
  it("is active, then expiring from 30 days before the end, then lapsed at the end", () => {
    const at = (now: number) => lifecycleOf(authorized, now, policy);
    expect(at(start)).toEqual({
      state: "active",
      expiresAt: start + 365 * DAY,
      remindFrom: start + 335 * DAY,
      coolingOffUntil: null,
    });
    expect(at(start + 335 * DAY - 1).state).toBe("active");
    expect(at(start + 335 * DAY).state).toBe("expiring");
    expect(at(start + 365 * DAY - 1).state).toBe("expiring");
    expect(at(start + 365 * DAY).state).toBe("lapsed");
    expect(isLapsed(authorized, start + 365 * DAY - 1)).toBe(false);
    expect(isLapsed(authorized, start + 365 * DAY)).toBe(true);
  });

  it("is cooling off for 48 hours after a de-authorization, then unauthorized", () => {
    const withdrawn = {
      ...authorized,
      authorization_state: "unauthorized" as const,
      authorization_expires_at: null,
      unauthorized_at: start,
    };
    expect(lifecycleOf(withdrawn, start + 48 * HOUR - 1, policy)).toEqual({
      state: "cooling_off",
      expiresAt: null,
      remindFrom: null,
      coolingOffUntil: start + 48 * HOUR,
    });
    expect(lifecycleOf(withdrawn, start + 48 * HOUR, policy).state).toBe("unauthorized");
    // A lapse needs an authorization in force.
    expect(isLapsed(withdrawn, start + 400 * DAY)).toBe(false);
    const noFreeze = lifecyclePolicy({ authorizationValidityDays: 365, deauthorizationCoolingOffHours: 0 });
    expect(lifecycleOf(withdrawn, start, noFreeze).state).toBe("unauthorized");
  });

  it("gives direct and external connections no end", () => {
    const direct = { ...authorized, connection: "direct" as const, authorization_expires_at: null };
    expect(lifecycleOf(direct, start + 1000 * DAY, policy)).toEqual({
      state: "active",
      expiresAt: null,
      remindFrom: null,
      coolingOffUntil: null,
    });
  });

  it("never lets a policy exceed a year, and bounds an operator's choice by the period's start", () => {
    expect(
      lifecyclePolicy({ authorizationValidityDays: 400, deauthorizationCoolingOffHours: 48 }).validityMs,
    ).toBe(365 * DAY);
    expect(lifecyclePolicy({ authorizationValidityDays: 30, deauthorizationCoolingOffHours: 1 })).toEqual({
      validityMs: 30 * DAY,
      reminderMs: 30 * DAY,
      coolingOffMs: HOUR,
    });
    expect(latestExpiry(start)).toBe(start + 365 * DAY);
  });
});

describe("Beijing months", () => {
  it("turn at 16:00 UTC on the last day of the UTC month", () => {
    const boundary = Date.UTC(2025, 5, 30, 16);
    expect(beijingMonth(boundary - 1)).toBe("2025-06");
    expect(beijingMonth(boundary)).toBe("2025-07");
    expect(beijingMonthBounds(boundary - 1)).toEqual({
      month: "2025-06",
      from: Date.UTC(2025, 4, 31, 16),
      to: boundary,
    });
    expect(beijingMonthBounds(boundary).from).toBe(boundary);
  });

  it("roll over the year", () => {
    const newYear = Date.UTC(2025, 11, 31, 16);
    expect(beijingMonthBounds(newYear - 1)).toEqual({
      month: "2025-12",
      from: Date.UTC(2025, 10, 30, 16),
      to: newYear,
    });
    expect(beijingMonthBounds(newYear)).toMatchObject({ month: "2026-01", to: Date.UTC(2026, 0, 31, 16) });
  });
});
