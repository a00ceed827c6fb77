import type {
  ScanEvent,
  SubscribeEvent,
  SubscribeMsgChangeEvent,
  SubscribeMsgPopupEvent,
  TextMessage,
} from "@wxgate/wechat";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Receiver, startReceiver } from "./push-receiver.js";
import { START, startEmulator, type TestEmulator } from "./support.js";

const TOKEN = "followertoken";
const AES_KEY = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq";

let emu: TestEmulator;
let receiver: Receiver;
let appId: string;

beforeEach(async () => {
  emu = await startEmulator();
  appId = emu.control.createAccount({ kind: "service", principalName: "甲公司" }).appId;
  receiver = await startReceiver({ token: TOKEN, appId, encodingAESKey: AES_KEY });
  emu.world.account(appId)!.server = {
    url: receiver.url,
    token: TOKEN,
    encodingAESKey: AES_KEY,
    mode: "safe",
  };
});

afterEach(async () => {
  await emu.close();
  await receiver.close();
});

function lastMessage<T>(): T {
  const push = receiver.pushes.at(-1);
  expect(push?.refusal).toBeUndefined();
  return push!.opened!.message as T;
}

async function control(
  path: string,
  body: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${emu.baseUrls.control}${path}`, { method: "POST", body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe("following", () => {
  it("follows with a subscribe event: new OpenID per account, one UnionID per principal", async () => {
    const sibling = emu.control.createAccount({ kind: "subscription", principalName: "甲公司" }).appId;
    const stranger = emu.control.createAccount({ principalName: "乙公司" }).appId;
    const here = await emu.control.follower.follow({ appId, personId: "alice", nickname: "Alice" });
    const there = await emu.control.follower.follow({ appId: sibling, personId: "alice" });
    const elsewhere = await emu.control.follower.follow({ appId: stranger, personId: "alice" });
    expect(here.openId).not.toBe(there.openId);
    expect(here.unionId).toBe(there.unionId);
    expect(elsewhere.unionId).not.toBe(here.unionId);

    const event = lastMessage<SubscribeEvent>();
    expect(receiver.pushes).toHaveLength(1);
    expect(event).toMatchObject({ event: "subscribe", fromUserName: here.openId, createTime: START / 1000 });
    expect(event.eventKey).toBeUndefined();
    const follower = emu.world.follower(appId, here.openId)!;
    expect(follower).toMatchObject({
      subscribed: true,
      nickname: "Alice",
      subscribeScene: "ADD_SCENE_SEARCH",
    });
    expect(follower.lastInteraction.subscribe).toEqual({ at: START, used: 0 });

    await expect(emu.control.follower.follow({ appId, personId: "alice" })).rejects.toThrow(
      /already follows/,
    );
  });

  it("unfollows and follows again with the same OpenID", async () => {
    const { openId } = await emu.control.follower.follow({ appId });
    await emu.control.advanceClock(60_000);
    await emu.control.follower.unfollow({ appId, openId });
    expect(lastMessage<{ event: string }>().event).toBe("unsubscribe");
    expect(emu.world.follower(appId, openId)).toMatchObject({
      subscribed: false,
      unsubscribeTime: START + 60_000,
    });
    await expect(emu.control.follower.sendText({ appId, openId }, "hi")).rejects.toThrow(/does not follow/);
    const again = await emu.control.follower.follow({ appId, openId });
    expect(again.openId).toBe(openId);
    expect(receiver.pushes.map((p) => (p.opened!.message as { event: string }).event)).toEqual([
      "subscribe",
      "unsubscribe",
      "subscribe",
    ]);
  });

  it("scans a QR code: subscribe with qrscene_ when new, SCAN when already following", async () => {
    const ticket = "gQ_test_ticket==";
    emu.world.state.qrcodes[ticket] = {
      ticket,
      appId,
      actionName: "QR_SCENE",
      sceneId: 123,
      createdAt: START,
      expiresAt: START + 60_000,
      url: "http://weixin.qq.com/q/test",
    };
    const first = await emu.control.follower.scan({ appId, ticket });
    expect(lastMessage<SubscribeEvent>()).toMatchObject({
      event: "subscribe",
      eventKey: "qrscene_123",
      ticket,
    });
    expect(emu.world.follower(appId, first.openId)).toMatchObject({
      subscribeScene: "ADD_SCENE_QR_CODE",
      qrScene: 123,
    });
    await emu.control.follower.scan({ appId, ticket, openId: first.openId });
    expect(lastMessage<ScanEvent>()).toMatchObject({ event: "SCAN", eventKey: "123", ticket });
    expect(emu.world.follower(appId, first.openId)!.lastInteraction.scan).toBeDefined();

    await emu.control.advanceClock(60_000);
    await expect(emu.control.follower.scan({ appId, ticket })).rejects.toThrow(/expired/);
    const raw = await emu.control.follower.scan({ appId, scene: "promo_2024" });
    expect(lastMessage<SubscribeEvent>()).toMatchObject({ eventKey: "qrscene_promo_2024" });
    expect(lastMessage<SubscribeEvent>().ticket).toBeUndefined();
    expect(emu.world.follower(appId, raw.openId)?.qrSceneStr).toBe("promo_2024");
  });
});

describe("messages and menus", () => {
  it("sends text with a 64-bit MsgId written bare, and opens the 48-hour window", async () => {
    const { openId } = await emu.control.follower.follow({ appId });
    await emu.control.advanceClock(1000);
    const result = await emu.control.follower.sendText({ appId, openId }, "hello");
    const message = lastMessage<TextMessage>();
    expect(message.content).toBe("hello");
    expect(message.msgId).toMatch(/^\d{19}$/);
    expect(BigInt(message.msgId) < 2n ** 63n).toBe(true);
    expect(result.xml).toContain(`<MsgId>${message.msgId}</MsgId></xml>`);
    expect(emu.world.follower(appId, openId)!.lastInteraction.message).toEqual({ at: START + 1000, used: 0 });
  });

  it("sends images and locations", async () => {
    const { openId } = await emu.control.follower.follow({ appId });
    await emu.control.follower.sendImage({ appId, openId }, { mediaId: "media-1" });
    expect(lastMessage<Record<string, unknown>>()).toMatchObject({ msgType: "image", mediaId: "media-1" });
    await emu.control.follower.sendLocation(
      { appId, openId },
      { latitude: 23.134521, longitude: 113.358803, label: "广州" },
    );
    expect(lastMessage<Record<string, unknown>>()).toMatchObject({
      msgType: "location",
      locationX: 23.134521,
      locationY: 113.358803,
      scale: 15,
      label: "广州",
    });
  });

  it("clicks a menu key (CLICK), opens a menu URL (VIEW) and a mini program page (view_miniprogram)", async () => {
    const { openId } = await emu.control.follower.follow({ appId });
    await emu.control.follower.clickMenu({ appId, openId }, "V1001_TODAY_MUSIC");
    expect(lastMessage<Record<string, unknown>>()).toMatchObject({
      event: "CLICK",
      eventKey: "V1001_TODAY_MUSIC",
    });
    expect(emu.world.follower(appId, openId)!.lastInteraction.click).toBeDefined();
    await emu.control.follower.openMenuUrl({ appId, openId }, "https://example.com/a?b=1&c=2", "401");
    expect(lastMessage<Record<string, unknown>>()).toMatchObject({
      event: "VIEW",
      eventKey: "https://example.com/a?b=1&c=2",
      menuId: "401",
    });
    await emu.control.follower.openMenuMiniProgram({ appId, openId }, "pages/lunar/index", "402");
    // Not one of the SDK's named events: its fields stay in the raw document.
    expect(lastMessage<{ event: string; raw: Record<string, unknown> }>()).toMatchObject({
      event: "view_miniprogram",
      raw: { EventKey: "pages/lunar/index", MenuId: "402" },
    });
  });

  it("answers a subscription pop-up and records one consent per accepted template", async () => {
    const { openId } = await emu.control.follower.follow({ appId });
    await emu.control.follower.answerSubscription(
      { appId, openId },
      [
        { templateId: "tmpl-yes", accept: true },
        { templateId: "tmpl-no", accept: false },
      ],
      "2",
    );
    expect(lastMessage<SubscribeMsgPopupEvent>().list).toEqual([
      { templateId: "tmpl-yes", subscribeStatusString: "accept", popupScene: "2" },
      { templateId: "tmpl-no", subscribeStatusString: "reject", popupScene: "2" },
    ]);
    await emu.control.follower.answerSubscription({ appId, openId }, [
      { templateId: "tmpl-yes", accept: true },
    ]);
    expect(emu.world.follower(appId, openId)!.consents).toEqual({ "tmpl-yes": 2, "tmpl-no": 0 });
  });

  it("changes the subscription settings: a rejection takes the consent back, an acceptance restores a long-term one", async () => {
    const { openId } = await emu.control.follower.follow({ appId });
    const longTerm = emu.control.apis.addTemplate(appId, { type: 3 }).templateId;
    await emu.control.follower.answerSubscription({ appId, openId }, [
      { templateId: "tmpl-once", accept: true },
      { templateId: longTerm, accept: true },
    ]);
    const changed = await control("/follower/subscription-settings", {
      appId,
      openId,
      templates: [
        { templateId: "tmpl-once", accept: false },
        { templateId: longTerm, accept: false },
      ],
    });
    expect(changed.status).toBe(200);
    expect(lastMessage<SubscribeMsgChangeEvent>()).toMatchObject({
      event: "subscribe_msg_change_event",
      list: [
        { templateId: "tmpl-once", subscribeStatusString: "reject" },
        { templateId: longTerm, subscribeStatusString: "reject" },
      ],
    });
    expect(emu.world.follower(appId, openId)!.consents).toEqual({ "tmpl-once": 0, [longTerm]: 0 });
    await emu.control.follower.changeSubscription({ appId, openId }, [
      { templateId: "tmpl-once", accept: true },
      { templateId: longTerm, accept: true },
    ]);
    expect(emu.world.follower(appId, openId)!.consents).toEqual({ "tmpl-once": 0, [longTerm]: 1 });
  });
});

describe("HTTP control routes", () => {
  it("acts through /__emulator/follower/... and reads the inbox", async () => {
    const follow = await control("/follower/follow", { appId, personId: "bob" });
    expect(follow.status).toBe(200);
    const openId = String(follow.json.openId);
    const sent = await control("/follower/send-text", { appId, openId, content: "via http" });
    expect(sent.json).toMatchObject({ openId, push: { outcome: "success", tries: 1 } });
    expect(lastMessage<TextMessage>().content).toBe("via http");
    const click = await control("/follower/click", { appId, openId, key: "K" });
    expect(click.status).toBe(200);
    const bad = await control("/follower/send-text", { appId, openId });
    expect(bad).toMatchObject({ status: 400, json: { error: "content is required" } });
    const missing = await control("/follower/send-text", { appId, openId: "nobody", content: "x" });
    expect(missing.status).toBe(404);
    const inbox = await fetch(`${emu.baseUrls.control}/follower/inbox?appId=${appId}&openId=${openId}`);
    expect(await inbox.json()).toEqual({ inbox: [] });
  });
});

describe("with the WeChat APIs", () => {
  it("scans a QR code made by qrcode/create, and opens the customer-service window", async () => {
    const account = emu.world.account(appId)!;
    const token = await emu.get("/cgi-bin/token", {
      grant_type: "client_credential",
      appid: appId,
      secret: account.secret,
    });
    const access_token = String(token.body.access_token);
    const created = await emu.post(
      "/cgi-bin/qrcode/create",
      { expire_seconds: 600, action_name: "QR_STR_SCENE", action_info: { scene: { scene_str: "shop_7" } } },
      { access_token },
    );
    const ticket = String(created.body.ticket);
    const scanned = await emu.control.follower.scan({ appId, ticket });
    expect(lastMessage<SubscribeEvent>()).toMatchObject({ eventKey: "qrscene_shop_7", ticket });

    const custom = (content: string) =>
      emu.post(
        "/cgi-bin/message/custom/send",
        { touser: scanned.openId, msgtype: "text", text: { content } },
        { access_token },
      );
    expect((await custom("welcome")).body.errcode).toBe(0);
    await emu.control.advanceClock(2 * 60_000);
    expect((await custom("too late")).body.errcode).toBe(45015);
    await emu.control.follower.sendText({ appId, openId: scanned.openId }, "question");
    expect((await custom("answer")).body.errcode).toBe(0);
    expect(emu.control.follower.inbox({ appId, openId: scanned.openId }).map((i) => i.via)).toEqual([
      "custom",
      "custom",
    ]);
  });
});
