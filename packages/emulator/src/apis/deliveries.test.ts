import { describe, expect, it } from "vitest";
import { crowdOpenId } from "../world/crowd.js";
import { World } from "../world/world.js";
import { DeliveryLedger, DUPLICATES_LISTED, PER_OPENID_MAX } from "./deliveries.js";

const APP = "wx0000000000000001";

function ledgerWithCrowd(count: number) {
  const world = new World();
  const crowd = { prefix: "oCRWD000000000001_____", count, firstSubscribeTime: 0 };
  world.setCrowd(APP, crowd);
  return { world, crowd, ledger: new DeliveryLedger(world) };
}

describe("DeliveryLedger", () => {
  it("counts a crowd member past the 254 a byte holds", () => {
    const { crowd, ledger } = ledgerWithCrowd(10);
    for (let i = 0; i < 300; i++) ledger.record(APP, "template", "T", crowdOpenId(crowd, 3));
    expect(ledger.summarize(APP, { channel: "template", ids: ["T"] })).toMatchObject({
      recipients: 1,
      messages: 300,
      duplicates: [{ openId: crowdOpenId(crowd, 3), count: 300 }],
    });
  });

  it("keeps counting when the crowd grows after the first delivery", () => {
    const { world, crowd, ledger } = ledgerWithCrowd(5);
    ledger.record(APP, "template", "T", crowdOpenId(crowd, 4));
    const bigger = { ...crowd, count: 5_000 };
    world.setCrowd(APP, bigger);
    ledger.record(APP, "template", "T", crowdOpenId(bigger, 4_999));
    const summary = ledger.summarize(APP, { channel: "template", crowd: true });
    expect(summary).toMatchObject({ recipients: 2, messages: 2 });
    expect(summary.audience).toMatchObject({ size: 5_000, missing: 4_998, outside: 0 });
    expect(summary.audience?.missingOpenIds).toHaveLength(100);
  });

  it("lists the first duplicates only, and counts them all", () => {
    const { crowd, ledger } = ledgerWithCrowd(500);
    for (let i = 0; i < 500; i++) {
      ledger.record(APP, "mass", "1", crowdOpenId(crowd, i));
      ledger.record(APP, "mass", "2", crowdOpenId(crowd, i));
    }
    const summary = ledger.summarize(APP, { channel: "mass" });
    expect(summary.duplicateRecipients).toBe(500);
    expect(summary.duplicates).toHaveLength(DUPLICATES_LISTED);
    expect(ledger.summarize(APP, { channel: "mass", ids: ["2"] }).duplicateRecipients).toBe(0);
  });

  it("refuses per-OpenID counts past its limit", () => {
    const { crowd, ledger } = ledgerWithCrowd(PER_OPENID_MAX + 1);
    for (let i = 0; i <= PER_OPENID_MAX; i++) ledger.record(APP, "template", "T", crowdOpenId(crowd, i));
    expect(() => ledger.summarize(APP, { channel: "template", perOpenId: true })).toThrow(RangeError);
    expect(ledger.summarize(APP, { channel: "template" }).recipients).toBe(PER_OPENID_MAX + 1);
  });
});
