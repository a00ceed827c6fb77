import { describe, expect, it } from "vitest";
import { componentLimits, menuLimits, qrLimits, sendingLimits, tokenLimits } from "./limits.js";

describe("limits", () => {
  it("has WeChat's token numbers", () => {
    expect(tokenLimits).toMatchObject({
      expiresInSeconds: 7200,
      overlapSeconds: 300,
      dailyCalls: 2000,
      testAccountDailyCalls: 200,
      stableForceRefreshPerDay: 20,
      stableForceRefreshMinIntervalSeconds: 30,
      maxLength: 512,
    });
  });

  it("has WeChat's platform, menu, QR and sending numbers", () => {
    expect(componentLimits).toMatchObject({ ticketPushIntervalSeconds: 600, ticketValiditySeconds: 43_200 });
    expect(componentLimits.maxPlatformsPerAccount).toBe(15);
    expect(menuLimits).toMatchObject({ nameBytes: 16, subNameBytes: 60, keyBytes: 128, urlBytes: 1024 });
    expect(menuLimits.buttonTypes).toHaveLength(12);
    expect(qrLimits).toMatchObject({
      tempMaxExpireSeconds: 2_592_000,
      tempDefaultExpireSeconds: 60,
      sceneIdMax: 100_000,
    });
    expect(sendingLimits.customAfterMessage).toEqual({ count: 5, windowSeconds: 48 * 3600 });
    expect(sendingLimits.customAfterEvent).toEqual({ count: 3, windowSeconds: 60 });
    expect(sendingLimits).toMatchObject({
      templatesPerAccount: 25,
      clearQuotaPerMonth: 10,
      usersPerPage: 10_000,
    });
  });
});
