import type { InboundMessage } from "@wxgate/wechat";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../platform/clock.js";
import { createLogger } from "../platform/logger.js";
import { migrateToLatest } from "../platform/store/migrate.js";
import { testStoreFactories } from "../platform/store/test-stores.js";
import { migrations } from "../registry.js";
import { attributionOf, QrCodeAttribution } from "./attribution.js";
import { QrCodeFigures } from "./figures.js";
import { QrCodesRepository } from "./repository.js";

const APP = "wx0000000000000001";
const logger = createLogger({ level: "silent" });

function event(fields: Record<string, unknown>): InboundMessage {
  return {
    kind: "event",
    msgType: "event",
    toUserName: "gh_1",
    raw: {},
    ...fields,
  } as unknown as InboundMessage;
}

describe("reading a push for the codes", () => {
  it("takes follows through a code, SCANs and unfollows, and nothing else", () => {
    const base = { fromUserName: "o1", createTime: 100 };
    expect(attributionOf(event({ ...base, event: "subscribe", eventKey: "qrscene_x", scene: "x" }))).toEqual({
      kind: "subscribe",
      scene: "x",
      openId: "o1",
      createTime: 100,
    });
    expect(attributionOf(event({ ...base, event: "subscribe" }))).toBeUndefined();
    expect(attributionOf(event({ ...base, event: "SCAN", eventKey: "x", scene: "x" }))?.kind).toBe("scan");
    expect(attributionOf(event({ ...base, event: "unsubscribe" }))?.kind).toBe("unsubscribe");
    expect(attributionOf(event({ ...base, event: "CLICK", eventKey: "x" }))).toBeUndefined();
  });
});

describe.each(testStoreFactories)("QR attribution on $name", (factory) => {
  let handle: Awaited<ReturnType<typeof factory.create>>;
  let attribution: QrCodeAttribution;
  let figures: QrCodeFigures;
  beforeEach(async () => {
    handle = await factory.create();
    await migrateToLatest(handle.store.db, migrations);
    const repository = new QrCodesRepository(handle.store.db);
    attribution = new QrCodeAttribution({ repository, clock: new ManualClock(Date.UTC(2025, 5, 1)), logger });
    figures = new QrCodeFigures({ repository, logger });
  });
  afterEach(async () => {
    await handle.dispose();
  });

  it("counts a push WeChat retries (same follower and CreateTime) once, and never asks to keep it", async () => {
    // 15:30 UTC is 23:30 in China: still the first of June there.
    const createTime = Date.UTC(2025, 5, 1, 15, 30) / 1000;
    const follow = event({
      fromUserName: "o1",
      createTime,
      event: "subscribe",
      eventKey: "qrscene_x",
      scene: "x",
    });
    expect(await attribution.wants(APP, follow)).toBe(false);
    expect(await attribution.wants(APP, follow)).toBe(false);
    // 16:30 UTC is the next day in China.
    const unfollow = event({ fromUserName: "o1", createTime: createTime + 3600, event: "unsubscribe" });
    expect(await attribution.wants(APP, unfollow)).toBe(false);
    expect(await attribution.wants(APP, unfollow)).toBe(false);
    const daily = await figures.daily(APP, { from: "2025-06-01", to: "2025-06-02" });
    expect(daily.series).toHaveLength(1);
    expect(daily.series[0]?.code).toBeNull();
    expect(daily.series[0]?.points).toEqual([
      { day: "2025-06-01", scans: 1, newFollowers: 1, unfollows: 0 },
      { day: "2025-06-02", scans: 0, newFollowers: 0, unfollows: 1 },
    ]);
  });
});
