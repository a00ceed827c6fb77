import { describe, expect, it } from "vitest";
import { Tally } from "./counters.js";
import { batchSize, clientMsgIdOf, MASS_SEND_MAX } from "./mass-batches.js";

describe("Tally", () => {
  it("moves rows between statuses, counting failures by errcode and skipped rows by reason", () => {
    const tally = new Tally()
      .move("sending", { kind: "failed", errcode: 40003, rid: "r", reason: "invalid_openid" }, 2)
      .move("sending", { kind: "skipped", reason: "outside_48h" }, 3)
      .move("sending", { kind: "sent", msgid: "1" }, 5)
      .move("pending", { kind: "retry", at: 1, errcode: -1, rid: null, reason: "busy" }, 1);
    expect(tally.entries()).toEqual([
      { kind: "errcode", name: "40003", n: 2 },
      { kind: "skipped", name: "outside_48h", n: 3 },
      { kind: "status", name: "failed", n: 2 },
      { kind: "status", name: "sending", n: -10 },
      { kind: "status", name: "sent", n: 5 },
      { kind: "status", name: "skipped", n: 3 },
    ]);
  });

  it("moves nothing while a row waits for its receipt, and drops changes that cancel out", () => {
    expect(new Tally().move("sending", { kind: "unconfirmed", until: 5 }, 4).entries()).toEqual([]);
    const back = new Tally().add("status", "pending", -3).add("status", "pending", 3);
    expect(back.entries()).toEqual([]);
  });
});

describe("mass batches", () => {
  it("never leaves a single recipient for a last mass/send call", () => {
    expect(batchSize(0, MASS_SEND_MAX)).toBe(0);
    expect(batchSize(2, MASS_SEND_MAX)).toBe(2);
    expect(batchSize(10_000, MASS_SEND_MAX)).toBe(10_000);
    expect(batchSize(10_001, MASS_SEND_MAX)).toBe(9_999);
    expect(batchSize(10_002, MASS_SEND_MAX)).toBe(10_000);
    expect(batchSize(101, 100)).toBe(99);
  });

  it("names each batch's clientmsgid after the campaign and the batch, within WeChat's 64 characters", () => {
    const id = "0193a5b2-7c1d-7e00-8a00-0123456789ab";
    expect(clientMsgIdOf(id, 1)).toBe(`${id}.1`);
    expect(clientMsgIdOf(id, 1)).not.toBe(clientMsgIdOf(id, 2));
    expect(clientMsgIdOf(id, 999_999).length).toBeLessThanOrEqual(64);
  });
});
