import { parseXml } from "@wxgate/wechat";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { automationModule } from "../src/automation/index.js";
import type { Scope } from "../src/http/principal.js";
import type { ModuleFactory } from "../src/module.js";
import { moduleFactories } from "../src/registry.js";
import { type TestEngine, testEngines } from "../src/testing/engines.js";
import { createTestServer, type TestServer } from "../src/testing/server.js";
import type { DemoIds } from "./accounts-fixture.js";
import { authorizeThroughPage } from "./authorization-page.js";

/**
 * Automatic replies end to end: the registry's modules, the sandbox WeChat, a demo service
 * account authorized through the pages. A follower acts in the emulator; WeChat pushes
 * (encrypted, as the platform is configured) to wxgate's gateway; the reply lands in the
 * follower's inbox, and "reply all" follow-ups arrive through message/custom/send.
 */

type Json = Record<string, unknown>;

interface Harness {
  server: TestServer;
  appId: string;
  api<T = Json>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/** The picks the random mode makes, in order (the module's `random`). */
const picks: number[] = [];
/** Customer-service routing as another module would install it. */
const routed: { appid: string; openid: string; keyword?: string; menuKey?: string }[] = [];

async function start(engine: TestEngine): Promise<Harness> {
  const database = await engine.database();
  const modules: ModuleFactory[] = moduleFactories.map((factory) =>
    factory.name === "automation"
      ? automationModule({ followUpDelayMs: 1000, random: (n) => Math.min(picks.shift() ?? 0, n - 1) })
      : factory,
  );
  // Customer-service routing, as the module that owns it installs its router.
  modules.push((ctx) => {
    ctx.use("automation").useTransferRouter(async (input) => {
      routed.push(input);
      return input.keyword?.includes("VIP") ? "kf3001@demo" : "kf2001@demo";
    });
    return { name: "kf-routing-test" };
  });
  const server = await createTestServer({ modules, sandbox: true, env: database.env });
  const url = server.url!;
  const core = server.sandbox!.core;
  const demo = core.world.state.extensions["demo"] as DemoIds;
  const ticket = await core.control.component.pushTicket(demo.componentAppId);
  if (ticket.push.outcome !== "success") throw new Error(`the ticket push ended ${ticket.push.outcome}`);
  const { user } = await server.auth.createAdmin({ username: "admin", password: "correct horse battery" });
  const { key } = await server.auth.createApiKey(
    { userId: user.id, name: user.username },
    { name: "admin", scopes: ["admin"] satisfies Scope[] },
  );
  const api = async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
  };
  const appId = demo.serviceAppId;
  const link = await api<{ pcUrl: string }>("POST", "/authorizations", {});
  const back = await authorizeThroughPage({ pcUrl: link.body.pcUrl, appId });
  if (back.status !== 200) throw new Error(`authorization answered ${back.status}`);
  await api("PUT", `/accounts/${appId}/openid-mapping`, { property: "wechat_openid" });
  const enabled = await api<{ enabled: boolean }>("POST", `/accounts/${appId}/enable`);
  if (!enabled.body.enabled) throw new Error("the demo service account could not be enabled");
  // The platform and wxgate's clocks are one; start on a Monday, 10:00 in Beijing.
  server.clock.set(Date.UTC(2025, 5, 2, 2, 0));
  return {
    server,
    appId,
    api,
    close: async () => {
      await server.dispose();
      await database.dispose();
    },
  };
}

describe.each(testEngines)("automatic replies on $name", (engine) => {
  let h: Harness;
  const follower = () => h.server.sandbox!.core.control.follower;
  const rulesPath = () => `/accounts/${h.appId}/automation/rules`;
  const rule = async (body: Json) => {
    const created = await h.api<{ id: string }>("POST", rulesPath(), body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id;
  };
  /** A new follower (the follow's own push answered by whatever rules exist). */
  const newFollower = async () => (await follower().follow({ appId: h.appId, nickname: "读者" })).openId;
  const inbox = (openId: string) => follower().inbox({ appId: h.appId, openId });
  /** Runs the follow-ups once they are due. */
  const followUps = async () => {
    h.server.clock.advance(1500);
    await h.server.queue.runDue();
  };

  beforeAll(async () => {
    h = await start(engine);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });
  afterEach(async () => {
    const { body } = await h.api<{ items: { id: string }[] }>("GET", rulesPath());
    for (const { id } of body.items) await h.api("DELETE", `${rulesPath()}/${id}`);
    picks.length = 0;
    routed.length = 0;
  });

  it("answers each reply type passively through the gateway, into the follower's inbox", async () => {
    const replies: Json[] = [
      { type: "text", content: "营业时间：9:00–18:00" },
      { type: "image", mediaId: "MEDIA_IMAGE_1" },
      { type: "voice", mediaId: "MEDIA_VOICE_1" },
      { type: "video", mediaId: "MEDIA_VIDEO_1", title: "门店", description: "一分钟看完" },
      {
        type: "news",
        title: "新品",
        description: "秋季上新",
        url: "https://example.com/new",
        picUrl: "https://example.com/p.png",
      },
    ];
    for (const [i, reply] of replies.entries()) {
      await rule({ kind: "keyword", keywords: [{ text: `type${i}`, match: "exact" }], replies: [reply] });
    }
    const openId = await newFollower();
    const expected = [
      { MsgType: "text", Content: "营业时间：9:00–18:00" },
      { MsgType: "image", Image: { MediaId: "MEDIA_IMAGE_1" } },
      { MsgType: "voice", Voice: { MediaId: "MEDIA_VOICE_1" } },
      { MsgType: "video", Video: { MediaId: "MEDIA_VIDEO_1", Title: "门店", Description: "一分钟看完" } },
      { MsgType: "news", ArticleCount: "1" },
    ];
    for (const [i, fields] of expected.entries()) {
      const sent = await follower().sendText({ appId: h.appId, openId }, `TYPE${i}`);
      expect(sent.push.outcome, sent.push.detail).toBe("reply");
      const xml = parseXml(sent.push.replyXml!);
      expect(xml).toMatchObject({ ToUserName: openId, ...fields });
    }
    const received = inbox(openId).filter((item) => item.via === "reply");
    expect(received.map((item) => item.msgType)).toEqual(["text", "image", "voice", "video", "news"]);
    // The gateway recorded the replies; automation recorded which rule gave each.
    const events = await h.api<{ items: { id: string; status: string; msgType: string }[] }>(
      "GET",
      `/events?appid=${h.appId}&limit=10`,
    );
    const texts = events.body.items.filter((e) => e.msgType === "text");
    expect(texts.length).toBeGreaterThanOrEqual(5);
    expect(texts.every((e) => e.status === "replied")).toBe(true);
  });

  it("hands the conversation to customer service, the agent chosen by the router", async () => {
    await rule({
      kind: "keyword",
      keywords: [{ text: "人工", match: "contains" }],
      replies: [{ type: "transfer_customer_service" }],
    });
    const openId = await newFollower();
    const sent = await follower().sendText({ appId: h.appId, openId }, "转人工客服");
    expect(sent.push.outcome).toBe("reply");
    expect(sent.push.reply).toEqual({ type: "transfer_customer_service", kfAccount: "kf2001@demo" });
    expect(routed).toEqual([{ appid: h.appId, openid: openId, keyword: "转人工客服" }]);
    expect(h.server.sandbox!.core.control.push.agentSession(h.appId, openId)?.kfAccount).toBe("kf2001@demo");
  });

  it("replies all after a follow: the first passively, the other three as customer-service messages within the minute", async () => {
    await rule({
      kind: "follow",
      mode: "all",
      replies: [1, 2, 3, 4].map((n) => ({ type: "text", content: `欢迎 ${n}` })),
    });
    const followed = await follower().follow({ appId: h.appId, nickname: "新朋友" });
    expect(followed.push.outcome).toBe("reply");
    expect(followed.push.reply).toEqual({ type: "text", content: "欢迎 1" });
    expect(inbox(followed.openId).map((i) => i.via)).toEqual(["reply"]);
    await followUps();
    const items = inbox(followed.openId);
    expect(items.map((i) => `${i.via}:${i.msgType}`)).toEqual([
      "reply:text",
      "custom:text",
      "custom:text",
      "custom:text",
    ]);
    expect(items.slice(1).map((i) => (i.content as { text: { content: string } }).text.content)).toEqual([
      "欢迎 2",
      "欢迎 3",
      "欢迎 4",
    ]);
    // The window allows no more: a fifth reply is refused before WeChat would refuse it.
    const fifth = await h.api<{ error: { code: string; details: { problems: Json[] } } }>(
      "POST",
      rulesPath(),
      {
        kind: "follow",
        replies: [1, 2, 3, 4, 5].map((n) => ({ type: "text", content: `${n}` })),
      },
    );
    expect(fifth.status).toBe(400);
    expect(fifth.body.error.code).toBe("validation_failed");
    expect(fifth.body.error.details.problems).toEqual([
      { reason: "too_many_replies_for_window", field: "replies", limit: 4 },
    ]);
    const hits = await h.api<{ items: { eventId: string; followUps: number }[] }>(
      "GET",
      `/accounts/${h.appId}/automation/hits?limit=1`,
    );
    expect(hits.body.items[0]?.followUps).toBe(3);
  });

  it("replies all after a message with every reply type the customer-service API takes, five in all", async () => {
    await rule({
      kind: "keyword",
      keywords: [{ text: "资料", match: "contains" }],
      mode: "all",
      replies: [
        { type: "text", content: "资料如下" },
        { type: "image", mediaId: "MEDIA_IMAGE_1" },
        { type: "voice", mediaId: "MEDIA_VOICE_1" },
        { type: "video", mediaId: "MEDIA_VIDEO_1", thumbMediaId: "MEDIA_THUMB_1" },
        { type: "news", title: "手册", url: "https://example.com/manual" },
      ],
    });
    const openId = await newFollower();
    const sent = await follower().sendText({ appId: h.appId, openId }, "给我资料");
    expect(sent.push.reply).toEqual({ type: "text", content: "资料如下" });
    await followUps();
    expect(inbox(openId).map((i) => `${i.via}:${i.msgType}`)).toEqual([
      "reply:text",
      "custom:image",
      "custom:voice",
      "custom:video",
      "custom:news",
    ]);
  });

  it("answers one reply at random in random mode, and sends nothing more", async () => {
    await rule({
      kind: "keyword",
      keywords: [{ text: "抽签", match: "exact" }],
      mode: "random",
      replies: ["上上签", "中签", "下签"].map((content) => ({ type: "text", content })),
    });
    const openId = await newFollower();
    picks.push(2, 0, 1);
    const answers: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      answers.push((await follower().sendText({ appId: h.appId, openId }, "抽签")).push.reply);
    }
    expect(answers).toEqual([
      { type: "text", content: "下签" },
      { type: "text", content: "上上签" },
      { type: "text", content: "中签" },
    ]);
    await followUps();
    expect(inbox(openId).map((i) => i.via)).toEqual(["reply", "reply", "reply"]);
  });

  it("answers by the rule whose time window is open, and the test endpoint agrees", async () => {
    const office = await rule({
      name: "上班时间",
      kind: "keyword",
      keywords: [{ text: "客服", match: "contains" }],
      priority: 10,
      schedule: { days: [1, 2, 3, 4, 5], from: "09:00", to: "18:00" },
      replies: [{ type: "text", content: "客服在线" }],
    });
    const always = await rule({
      kind: "keyword",
      keywords: [{ text: "客服", match: "contains" }],
      replies: [{ type: "text", content: "请留言，明天回复" }],
    });
    const openId = await newFollower();
    const ask = async () => (await follower().sendText({ appId: h.appId, openId }, "找客服")).push.reply;
    expect(await ask()).toEqual({ type: "text", content: "客服在线" });
    const evening = Date.UTC(2025, 5, 2, 11, 0); // 19:00 in Beijing
    h.server.clock.set(evening);
    expect(await ask()).toEqual({ type: "text", content: "请留言，明天回复" });
    const tested = async (at: number) =>
      (
        await h.api<{ rule: { id: string } | null; via: string }>(
          "POST",
          `/accounts/${h.appId}/automation/test`,
          {
            message: { type: "text", content: "客服" },
            at,
          },
        )
      ).body;
    expect(await tested(evening)).toEqual(
      expect.objectContaining({ via: "keyword", rule: expect.objectContaining({ id: always }) }),
    );
    expect((await tested(Date.UTC(2025, 5, 3, 3, 0))).rule?.id).toBe(office); // Tuesday 11:00
  });

  it("answers a menu click by its key, and the rest within the click's window", async () => {
    await rule({
      kind: "click",
      menuKey: "V1001_TODAY_MUSIC",
      replies: [
        { type: "news", title: "今日歌单", url: "https://example.com/today" },
        { type: "text", content: "点击收听" },
      ],
    });
    const openId = await newFollower();
    const clicked = await follower().clickMenu({ appId: h.appId, openId }, "V1001_TODAY_MUSIC");
    expect(clicked.push.reply).toEqual({
      type: "news",
      articles: [{ title: "今日歌单", description: "", picUrl: "", url: "https://example.com/today" }],
    });
    // Events de-duplicate by follower and CreateTime: the next click is a second later.
    h.server.clock.advance(1000);
    const other = await follower().clickMenu({ appId: h.appId, openId }, "V1002_OTHER");
    expect(other.push.outcome, JSON.stringify(other.push)).toBe("success");
    await followUps();
    expect(inbox(openId).map((i) => `${i.via}:${i.msgType}`)).toEqual(["reply:news", "custom:text"]);
  });

  it("lets a matching keyword win over a reply webhook, and a reply webhook over the default rule; hits say which", async () => {
    const { createServer } = await import("node:http");
    const receiver = createServer((_request, response) => {
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ reply: { type: "text", content: "来自 webhook" } }));
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const port = (receiver.address() as { port: number }).port;
    const hook = await h.api<{ id: string }>("POST", "/webhooks", {
      url: `http://127.0.0.1:${port}/reply`,
      events: ["text"],
      reply: true,
    });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    try {
      const keyword = await rule({
        kind: "keyword",
        keywords: [{ text: "hello", match: "exact" }],
        replies: [{ type: "text", content: "来自规则" }],
      });
      await rule({ kind: "default", replies: [{ type: "text", content: "默认回复" }] });
      const openId = await newFollower();
      const byRule = await follower().sendText({ appId: h.appId, openId }, "Hello");
      expect(byRule.push.reply).toEqual({ type: "text", content: "来自规则" });
      const byWebhook = await follower().sendText({ appId: h.appId, openId }, "something else");
      expect(byWebhook.push.reply).toEqual({ type: "text", content: "来自 webhook" });
      // An image is not for the webhook (it takes text): the default rule answers it.
      const image = await follower().sendImage({ appId: h.appId, openId });
      expect(image.push.reply).toEqual({ type: "text", content: "默认回复" });

      const events = await h.api<{ items: { id: string; status: string; msgType: string }[] }>(
        "GET",
        `/events?appid=${h.appId}&limit=3`,
      );
      const [imageEvent, webhookEvent, ruleEvent] = events.body.items;
      expect([imageEvent?.msgType, webhookEvent?.msgType, ruleEvent?.msgType]).toEqual([
        "image",
        "text",
        "text",
      ]);
      expect(events.body.items.map((e) => e.status)).toEqual(["replied", "replied", "replied"]);
      const hits = await h.api<{ items: { eventId: string; ruleId: string }[] }>(
        "GET",
        `/accounts/${h.appId}/automation/hits?limit=10`,
      );
      const byEvent = new Map(hits.body.items.map((hit) => [hit.eventId, hit.ruleId]));
      expect(byEvent.get(ruleEvent!.id)).toBe(keyword);
      expect(byEvent.has(webhookEvent!.id)).toBe(false);
      expect(byEvent.has(imageEvent!.id)).toBe(true);
    } finally {
      await h.api("DELETE", `/webhooks/${hook.body.id}`);
      receiver.closeAllConnections();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });

  it("refuses a rule breaking WeChat's limits with every problem and where it is", async () => {
    const refused = await h.api<{ error: { code: string; details: Json } }>("POST", rulesPath(), {
      kind: "keyword",
      keywords: [{ text: "x".repeat(31), match: "exact" }],
      replies: [{ type: "text", content: "字".repeat(683) }, { type: "transfer_customer_service" }],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({
      code: "validation_failed",
      details: {
        reason: "keyword_too_long",
        problems: [
          { reason: "keyword_too_long", field: "keywords.0.text", limit: 30 },
          { reason: "text_too_long", field: "replies.0.content", limit: 2048 },
          { reason: "transfer_alone", field: "replies.1.type" },
        ],
      },
    });
    const ok = await rule({
      kind: "keyword",
      keywords: [{ text: "a", match: "exact" }],
      replies: [{ type: "text", content: "a" }],
    });
    const second = await rule({
      kind: "keyword",
      keywords: [{ text: "b", match: "exact" }],
      replies: [{ type: "text", content: "b" }],
    });
    const reordered = await h.api<{ items: { id: string }[] }>(
      "PUT",
      `/accounts/${h.appId}/automation/order`,
      {
        ids: [second, ok],
      },
    );
    expect(reordered.body.items.map((r) => r.id)).toEqual([second, ok]);
    const changed = await h.api<{ mode: string; replies: Json[] }>("PATCH", `${rulesPath()}/${ok}`, {
      mode: "random",
      replies: [
        { type: "text", content: "A" },
        { type: "text", content: "B" },
      ],
    });
    expect(changed.status).toBe(200);
    expect(changed.body.mode).toBe("random");
  });
});
