import { buildXml, type InboundMessage, parseMessage, type XmlBuildRecord } from "@wxgate/wechat";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateToLatest } from "../platform/store/migrate.js";
import type { Store } from "../platform/store/store.js";
import { testStoreFactories } from "../platform/store/test-stores.js";
import { migrations } from "../registry.js";
import { CampaignConsents, type ConsentChange, ConsentsRepository, consentChangesOf } from "./consents.js";

const push = (event: string, fields: XmlBuildRecord, createTime = 1_700_000_000): InboundMessage =>
  parseMessage(
    buildXml({
      ToUserName: "gh_mini",
      FromUserName: "oUser",
      CreateTime: createTime,
      MsgType: "event",
      Event: event,
      ...fields,
    }),
  );

const popup = (items: Array<[string, string]>, createTime?: number) =>
  push(
    "subscribe_msg_popup_event",
    {
      SubscribeMsgPopupEvent: {
        List: items.map(([TemplateId, SubscribeStatusString]) => ({
          TemplateId,
          SubscribeStatusString,
          PopupScene: "0",
        })),
      },
    },
    createTime,
  );

describe("consentChangesOf", () => {
  it("reads every template of a pop-up answer, accepted or rejected", () => {
    const changes = consentChangesOf(
      popup([
        ["T1", "accept"],
        ["T2", "reject"],
      ]),
    );
    expect(changes).toEqual([
      {
        openid: "oUser",
        templateId: "T1",
        answer: "accept",
        via: "popup",
        at: 1_700_000_000,
        key: expect.any(String),
      },
      {
        openid: "oUser",
        templateId: "T2",
        answer: "reject",
        via: "popup",
        at: 1_700_000_000,
        key: expect.any(String),
      },
    ]);
    // The key is the push's: WeChat's retry of it carries the same one.
    expect(consentChangesOf(popup([["T1", "accept"]]))![0]!.key).toBe(changes![0]!.key);
    expect(consentChangesOf(popup([["T1", "accept"]], 1_700_000_001))![0]!.key).not.toBe(changes![0]!.key);
  });

  it("reads a single <List> and a settings change", () => {
    const change = push("subscribe_msg_change_event", {
      SubscribeMsgChangeEvent: { List: { TemplateId: "T1", SubscribeStatusString: "reject" } },
    });
    expect(consentChangesOf(change)).toMatchObject([{ templateId: "T1", answer: "reject", via: "change" }]);
  });

  it("keeps a template named twice once, with its last answer, and skips what is not an answer", () => {
    const changes = consentChangesOf(
      popup([
        ["T1", "accept"],
        ["T2", "ban"],
        ["T1", "reject"],
      ]),
    );
    expect(changes).toMatchObject([{ templateId: "T1", answer: "reject" }]);
  });

  it("is undefined for other pushes", () => {
    expect(consentChangesOf(push("subscribe", {}))).toBeUndefined();
    expect(
      consentChangesOf(
        push("subscribe_msg_sent_event", {
          SubscribeMsgSentEvent: {
            List: { TemplateId: "T1", MsgID: "1", ErrorCode: 0, ErrorStatus: "success" },
          },
        }),
      ),
    ).toBeUndefined();
  });
});

describe.each(testStoreFactories)("campaign consents on $name", (factory) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let consents: ConsentsRepository;

  beforeAll(async () => {
    const handle = await factory.create();
    store = handle.store;
    dispose = handle.dispose;
    await migrateToLatest(store.db, migrations);
    consents = new ConsentsRepository(store.db);
  });
  afterAll(async () => dispose?.());

  const change = (
    openid: string,
    answer: "accept" | "reject",
    at: number,
    via: "popup" | "change" = "popup",
  ) =>
    ({
      openid,
      templateId: "T1",
      answer,
      via,
      at,
      key: `event:gh:${openid}:${at}:${via}`,
    }) satisfies ConsentChange;

  it("counts each acceptance once, whatever WeChat's retries, and a rejection withdraws what is left", async () => {
    expect(await consents.apply("wxA", change("o1", "accept", 100), 1)).toBe(true);
    expect(await consents.apply("wxA", change("o1", "accept", 100), 2)).toBe(false);
    expect(await consents.apply("wxA", change("o1", "accept", 101), 3)).toBe(true);
    expect(await consents.find("wxA", "T1", "o1")).toEqual({
      status: "accepted",
      sendsLeft: 2,
      longTerm: false,
    });
    // An older event arriving late changes nothing.
    expect(await consents.apply("wxA", change("o1", "reject", 99), 4)).toBe(false);
    expect(await consents.apply("wxA", change("o1", "reject", 102, "change"), 5)).toBe(true);
    expect(await consents.find("wxA", "T1", "o1")).toEqual({
      status: "rejected",
      sendsLeft: 0,
      longTerm: false,
    });
    expect(await consents.apply("wxA", change("o2", "reject", 100), 6)).toBe(true);
    expect(await consents.find("wxA", "T1", "o2")).toMatchObject({ status: "rejected", sendsLeft: 0 });
  });

  it("pages the users who hold consent in OpenID order; a send uses one, 43101 refuses", async () => {
    for (let i = 0; i < 5; i++) await consents.apply("wxB", change(`u${i}`, "accept", 200), 1);
    await consents.apply("wxB", change("u2", "reject", 201), 1);
    const first = await consents.page("wxB", "T1", undefined, 2);
    expect(first).toEqual({ openIds: ["u0", "u1"], next: "u1" });
    expect(await consents.page("wxB", "T1", "u1", 2)).toEqual({ openIds: ["u3", "u4"], next: "u4" });
    expect(await consents.page("wxB", "T1", "u4", 2)).toEqual({ openIds: [], next: null });
    expect(await consents.count("wxB", "T1")).toBe(4);
    expect(await consents.count("wxB", "T2")).toBe(0);

    await consents.afterSend(store.db, { appid: "wxB", templateId: "T1", openid: "u0" }, "sent", 5);
    await consents.afterSend(store.db, { appid: "wxB", templateId: "T1", openid: "u1" }, "no_consent", 5);
    expect(await consents.find("wxB", "T1", "u0")).toMatchObject({ status: "accepted", sendsLeft: 0 });
    expect(await consents.find("wxB", "T1", "u1")).toMatchObject({ status: "refused", sendsLeft: 0 });
    expect((await consents.page("wxB", "T1", undefined, 10)).openIds).toEqual(["u3", "u4"]);
    // A send never takes the count below zero.
    await consents.afterSend(store.db, { appid: "wxB", templateId: "T1", openid: "u0" }, "sent", 6);
    expect(await consents.find("wxB", "T1", "u0")).toMatchObject({ sendsLeft: 0 });
  });

  it("writes a pop-up's answers as a fan-out that never asks for the push", async () => {
    const fanout = new CampaignConsents({ consents, clock: { now: () => 7 } });
    expect(await fanout.wants("wxC", popup([["T1", "accept"]]))).toBe(false);
    expect(await fanout.wants("wxC", popup([["T1", "accept"]]))).toBe(false);
    expect(await fanout.wants("wxC", push("subscribe", {}))).toBe(false);
    expect(await consents.find("wxC", "T1", "oUser")).toMatchObject({ status: "accepted", sendsLeft: 1 });
  });
});
