import { describe, expect, it } from "vitest";
import { WeChatCryptoError } from "../errors/index.js";
import { buildXml, type XmlBuildRecord } from "../xml/index.js";
import { dedupeKey } from "./dedupe.js";
import { parseComponentPush, parseMessage } from "./inbound.js";

const head = { ToUserName: "gh_abc", FromUserName: "oFollower", CreateTime: 1700000000 };
const push = (fields: XmlBuildRecord) => buildXml({ ...head, ...fields });
const event = (name: string, fields: XmlBuildRecord = {}) =>
  push({ MsgType: "event", Event: name, ...fields });

describe("parseMessage: follower messages", () => {
  it.each([
    [
      "text",
      { Content: "你好", MsgId: "9223372036854775807" },
      { content: "你好", msgId: "9223372036854775807" },
    ],
    ["image", { PicUrl: "http://p", MediaId: "m1", MsgId: "1" }, { picUrl: "http://p", mediaId: "m1" }],
    [
      "voice",
      { MediaId: "m", Format: "amr", Recognition: "hi", MsgId: "1" },
      { format: "amr", recognition: "hi" },
    ],
    ["video", { MediaId: "m", ThumbMediaId: "t", MsgId: "1" }, { mediaId: "m", thumbMediaId: "t" }],
    ["shortvideo", { MediaId: "m", ThumbMediaId: "t", MsgId: "1" }, { thumbMediaId: "t" }],
    [
      "location",
      { Location_X: "23.134521", Location_Y: "113.358803", Scale: "20", Label: "广州", MsgId: "1" },
      { locationX: 23.134521, locationY: 113.358803, scale: 20, label: "广州" },
    ],
    [
      "link",
      { Title: "t", Description: "d", Url: "https://u", MsgId: "1" },
      { title: "t", url: "https://u" },
    ],
  ] as const)("types %s", (msgType, fields, expected) => {
    const message = parseMessage(push({ MsgType: msgType, ...fields }));
    expect(message).toMatchObject({ kind: "message", msgType, createTime: 1700000000, ...expected });
    expect(message.raw.MsgType).toBe(msgType);
  });

  it("leaves recognition out when speech recognition is off", () => {
    const message = parseMessage(push({ MsgType: "voice", MediaId: "m", Format: "amr", MsgId: "1" }));
    expect("recognition" in message).toBe(false);
  });
});

describe("parseMessage: events", () => {
  it("reads a follow from a parametric QR code", () => {
    const message = parseMessage(event("subscribe", { EventKey: "qrscene_123", Ticket: "TICKET" }));
    expect(message).toMatchObject({
      kind: "event",
      event: "subscribe",
      eventKey: "qrscene_123",
      scene: "123",
      ticket: "TICKET",
    });
  });

  it("reads a plain follow and an unfollow", () => {
    expect(parseMessage(event("subscribe", { EventKey: "" }))).not.toHaveProperty("scene");
    expect(parseMessage(event("unsubscribe"))).toMatchObject({ kind: "event", event: "unsubscribe" });
  });

  it.each([
    ["SCAN", { EventKey: "123", Ticket: "T" }, { eventKey: "123", scene: "123", ticket: "T" }],
    [
      "LOCATION",
      { Latitude: "23.1", Longitude: "113.3", Precision: "119.385" },
      { latitude: 23.1, precision: 119.385 },
    ],
    ["CLICK", { EventKey: "V1001_TODAY_MUSIC" }, { eventKey: "V1001_TODAY_MUSIC" }],
    ["VIEW", { EventKey: "https://x", MenuId: "208379533" }, { eventKey: "https://x", menuId: "208379533" }],
    [
      "TEMPLATESENDJOBFINISH",
      { MsgID: "200163836", Status: "failed:user block" },
      { msgId: "200163836", status: "failed:user block" },
    ],
    [
      "MASSSENDJOBFINISH",
      {
        MsgID: "1988",
        Status: "sendsuccess",
        TotalCount: 100,
        FilterCount: 80,
        SentCount: 75,
        ErrorCount: 5,
      },
      { msgId: "1988", totalCount: 100, filterCount: 80, sentCount: 75, errorCount: 5 },
    ],
  ] as const)("types %s", (name, fields, expected) => {
    expect(parseMessage(event(name, fields))).toMatchObject({ kind: "event", event: name, ...expected });
  });

  it("reads subscription-message lists, one item or several", () => {
    const popup = parseMessage(
      event("subscribe_msg_popup_event", {
        SubscribeMsgPopupEvent: {
          List: [
            { TemplateId: "T1", SubscribeStatusString: "accept", PopupScene: "2" },
            { TemplateId: "T2", SubscribeStatusString: "reject", PopupScene: "2" },
          ],
        },
      }),
    );
    expect(popup).toMatchObject({
      event: "subscribe_msg_popup_event",
      list: [
        { templateId: "T1", subscribeStatusString: "accept", popupScene: "2" },
        { templateId: "T2", subscribeStatusString: "reject" },
      ],
    });
    const change = parseMessage(
      event("subscribe_msg_change_event", {
        SubscribeMsgChangeEvent: { List: { TemplateId: "T1", SubscribeStatusString: "reject" } },
      }),
    );
    expect(change).toMatchObject({ list: [{ templateId: "T1", subscribeStatusString: "reject" }] });
    const sent = parseMessage(
      event("subscribe_msg_sent_event", {
        SubscribeMsgSentEvent: {
          List: { TemplateId: "T1", MsgID: "1700827132819554304", ErrorCode: 0, ErrorStatus: "success" },
        },
      }),
    );
    expect(sent).toMatchObject({
      list: [{ msgId: "1700827132819554304", errorCode: 0, errorStatus: "success" }],
    });
  });

  it("keeps unnamed events and message types whole, as unknown", () => {
    const message = parseMessage(
      event("scancode_push", { EventKey: "k", ScanCodeInfo: { ScanType: "qrcode" } }),
    );
    expect(message).toMatchObject({
      kind: "unknown",
      msgType: "event",
      event: "scancode_push",
      fromUserName: "oFollower",
    });
    expect(message.raw.ScanCodeInfo).toEqual({ ScanType: "qrcode" });
    expect(parseMessage("<xml><Something>1</Something></xml>")).toMatchObject({ kind: "unknown" });
  });
});

describe("parseComponentPush", () => {
  const component = (fields: XmlBuildRecord) =>
    buildXml({ AppId: "wxcomponent", CreateTime: 1413192605, ...fields });

  it("reads component_verify_ticket", () => {
    expect(
      parseComponentPush(
        component({ InfoType: "component_verify_ticket", ComponentVerifyTicket: "ticket@@@x" }),
      ),
    ).toMatchObject({
      kind: "component",
      infoType: "component_verify_ticket",
      appId: "wxcomponent",
      componentVerifyTicket: "ticket@@@x",
    });
  });

  it.each(["authorized", "updateauthorized"] as const)("reads %s", (infoType) => {
    const message = parseComponentPush(
      component({
        InfoType: infoType,
        AuthorizerAppid: "wxauthorizer",
        AuthorizationCode: "code",
        AuthorizationCodeExpiredTime: 1413193205,
        PreAuthCode: "preauth",
      }),
    );
    expect(message).toMatchObject({
      infoType,
      authorizerAppid: "wxauthorizer",
      authorizationCodeExpiredTime: 1413193205,
    });
  });

  it("reads unauthorized", () => {
    expect(parseComponentPush(component({ InfoType: "unauthorized", AuthorizerAppid: "wxa" }))).toMatchObject(
      {
        kind: "component",
        infoType: "unauthorized",
        authorizerAppid: "wxa",
      },
    );
  });
});

describe("malformed fields", () => {
  it.each([
    ["missing_field", push({ MsgType: "text", MsgId: "1" })],
    ["bad_field", push({ MsgType: "text", Content: ["a", "b"], MsgId: "1" })],
    ["bad_field", buildXml({ ...head, CreateTime: "yesterday", MsgType: "event", Event: "unsubscribe" })],
    ["bad_field", event("LOCATION", { Latitude: "north", Longitude: "1", Precision: "1" })],
    ["missing_field", buildXml({ CreateTime: 1, InfoType: "unauthorized" })],
  ])("fails with -40002 %s", (reason, xml) => {
    try {
      parseMessage(xml);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(WeChatCryptoError);
      expect(error).toMatchObject({ errcode: -40002, reason });
    }
  });
});

describe("dedupeKey", () => {
  it("keys messages by account and MsgId, events by sender, time and event", () => {
    expect(dedupeKey(parseMessage(push({ MsgType: "text", Content: "a", MsgId: "42" })))).toBe(
      "msg:gh_abc:42",
    );
    expect(dedupeKey(parseMessage(event("CLICK", { EventKey: "k" })))).toBe(
      "event:gh_abc:oFollower:1700000000:CLICK",
    );
  });

  it("keys job reports by their MsgID: two jobs finishing in the same second are two pushes", () => {
    const report = (msgId: string) =>
      parseMessage(
        event("MASSSENDJOBFINISH", {
          MsgID: msgId,
          Status: "send success",
          TotalCount: 2,
          FilterCount: 2,
          SentCount: 2,
          ErrorCount: 0,
        }),
      );
    expect(dedupeKey(report("1001"))).toBe("event:gh_abc:oFollower:1700000000:MASSSENDJOBFINISH:1001");
    expect(dedupeKey(report("1001"))).toBe(dedupeKey(report("1001")));
    expect(dedupeKey(report("1001"))).not.toBe(dedupeKey(report("1002")));
  });

  it("keys retries of a platform push alike and different tickets apart", () => {
    const ticket = (value: string) =>
      parseComponentPush(
        buildXml({
          AppId: "wxc",
          CreateTime: 1,
          InfoType: "component_verify_ticket",
          ComponentVerifyTicket: value,
        }),
      );
    expect(dedupeKey(ticket("a"))).toBe(dedupeKey(ticket("a")));
    expect(dedupeKey(ticket("a"))).not.toBe(dedupeKey(ticket("b")));
  });

  it("keys unknown pushes by their routing fields, or by content", () => {
    expect(dedupeKey(parseMessage(event("scancode_push", { EventKey: "k" })))).toBe(
      "event:gh_abc:oFollower:1700000000:scancode_push",
    );
    const a = dedupeKey(parseMessage("<xml><X>1</X></xml>"));
    expect(a).toMatch(/^raw:[0-9a-f]{40}$/);
    expect(a).not.toBe(dedupeKey(parseMessage("<xml><X>2</X></xml>")));
  });
});
