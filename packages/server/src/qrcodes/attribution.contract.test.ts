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
  let repository: QrCodesRepository;
  beforeEach(async () => {
    handle = await factory.create();
    await migrateToLatest(handle.store.db, migrations);
    repository = new QrCodesRepository(handle.store.db);
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

  it("draws a loop of invitations (A brought B, who later brought A back) once, without walking it forever", async () => {
    const fission = (inviter: string, scene: string) =>
      repository.insert({
        id: `id-${scene}`,
        appid: APP,
        kind: "fission",
        scene,
        name: null,
        inviter_openid: inviter,
        ticket: `t-${scene}`,
        url: `http://weixin.qq.com/q/${scene}`,
        expires_at: Date.UTC(2025, 6, 1),
        created_by: null,
        created_at: 0,
        updated_at: 0,
      });
    await fission("oA", "fx_a");
    await fission("oB", "fx_b");
    const follow = (openId: string, scene: string, createTime: number) =>
      attribution.wants(
        APP,
        event({ fromUserName: openId, createTime, event: "subscribe", eventKey: `qrscene_${scene}`, scene }),
      );
    await follow("oB", "fx_a", 1_748_736_000);
    await attribution.wants(
      APP,
      event({ fromUserName: "oA", createTime: 1_748_736_100, event: "unsubscribe" }),
    );
    await follow("oA", "fx_b", 1_748_736_200);
    await follow("oC", "fx_b", 1_748_736_300);
    // A follower scanning a code (their own here) is a scan, never an invitation.
    await attribution.wants(
      APP,
      event({
        fromUserName: "oB",
        createTime: 1_748_736_400,
        event: "SCAN",
        eventKey: "fx_b",
        scene: "fx_b",
      }),
    );

    const tree = await figures.fissionTree(APP);
    expect(tree.invitations).toBe(3);
    expect(tree.nodes.map((n) => [n.openId, n.depth, n.invited, n.descendants])).toEqual([
      ["oA", 0, 1, 2],
      ["oB", 1, 2, 1],
      ["oC", 2, 0, 0],
    ]);
  });
});
