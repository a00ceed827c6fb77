import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Account, Follower, InteractionTrigger } from "../src/world/types.js";
import { startWithAccount, type TestEmulator, tokenFor } from "./support.js";

let emu: TestEmulator;
let account: Account;
let follower: Follower;
let token: string;

/** Moves emulated time; the token (2 hours) is fetched again, as a client would. */
async function later(ms: number): Promise<void> {
  await emu.control.advanceClock(ms);
  token = await tokenFor(emu, account);
}

beforeEach(async () => {
  const fixture = await startWithAccount({ seed: "custom" }, { followers: 1 });
  ({ emu, account, token } = fixture);
  follower = fixture.followers[0]!;
});
afterEach(async () => {
  await emu.close();
});

/** What the follower module records when the person acts (set directly: the rule is under test here). */
function interacts(trigger: InteractionTrigger): void {
  follower.lastInteraction[trigger] = { at: emu.clock.now(), used: 0 };
}

const text = (content = "您好") => ({ touser: follower.openId, msgtype: "text", text: { content } });
const send = (body: unknown) => emu.post("/cgi-bin/message/custom/send", body, { access_token: token });

describe("the 48-hour window", () => {
  it("refuses a user who never interacted (45015)", async () => {
    const res = await send(text());
    expect(res.body.errcode).toBe(45015);
    expect(res.body.errmsg).toMatch(/^response out of time limit or subscription is canceled rid: /);
  });

  it("allows 5 messages after a user message, then 45047; 45015 after 48 hours", async () => {
    interacts("message");
    for (let i = 0; i < 5; i++)
      expect((await send(text(`第${i}条`))).body).toEqual({ errcode: 0, errmsg: "ok" });
    expect((await send(text())).body.errcode).toBe(45047);
    interacts("message");
    await later(48 * 3_600_000);
    expect((await send(text())).body.errcode).toBe(0);
    await later(1_000);
    expect((await send(text())).body.errcode).toBe(45015);
  });

  for (const trigger of ["click", "subscribe", "scan"] as const) {
    it(`allows 3 messages within a minute after ${trigger}`, async () => {
      interacts(trigger);
      for (let i = 0; i < 3; i++) expect((await send(text())).body.errcode).toBe(0);
      expect((await send(text())).body.errcode).toBe(45047);
      interacts(trigger);
      await later(60_001);
      expect((await send(text())).body.errcode).toBe(45015);
    });
  }

  it("spends the short event window before the long message window", async () => {
    interacts("message");
    interacts("click");
    for (let i = 0; i < 8; i++) expect((await send(text())).body.errcode).toBe(0);
    expect((await send(text())).body.errcode).toBe(45047);
    expect(follower.lastInteraction.click?.used).toBe(3);
    expect(follower.lastInteraction.message?.used).toBe(5);
  });

  it("refuses an unfollowed user (45015) and an unknown OpenID (40003)", async () => {
    interacts("message");
    follower.subscribed = false;
    expect((await send(text())).body.errcode).toBe(45015);
    expect((await send({ ...text(), touser: "oNope" })).body.errcode).toBe(40003);
  });
});

describe("message types", () => {
  const bodies: Record<string, unknown> = {
    text: { content: "你好" },
    image: { media_id: "MEDIA" },
    voice: { media_id: "MEDIA" },
    video: { media_id: "MEDIA", thumb_media_id: "THUMB", title: "t", description: "d" },
    music: {
      title: "t",
      description: "d",
      musicurl: "https://m",
      hqmusicurl: "https://h",
      thumb_media_id: "THUMB",
    },
    news: { articles: [{ title: "t", description: "d", url: "https://a", picurl: "https://p" }] },
    mpnews: { media_id: "MEDIA" },
    mpnewsarticle: { article_id: "ARTICLE" },
    msgmenu: {
      head_content: "您对本次服务是否满意呢?",
      list: [{ id: "101", content: "满意" }],
      tail_content: "欢迎再次光临",
    },
    wxcard: { card_id: "CARD" },
    miniprogrampage: {
      title: "t",
      appid: "wx0123456789abcdef",
      pagepath: "pages/index",
      thumb_media_id: "THUMB",
    },
  };

  for (const [msgtype, payload] of Object.entries(bodies)) {
    it(`delivers ${msgtype} to the follower's inbox`, async () => {
      interacts("message");
      const body = { touser: follower.openId, msgtype, [msgtype]: payload };
      expect((await send(body)).body).toEqual({ errcode: 0, errmsg: "ok" });
      const inbox = emu.control.apis.inbox(account.appId, follower.openId);
      expect(inbox).toHaveLength(1);
      expect(inbox[0]).toMatchObject({ via: "custom", msgType: msgtype, content: body, at: emu.clock.now() });
    });
  }

  it("refuses bad bodies with WeChat's codes, without spending the window", async () => {
    interacts("message");
    expect((await send({ touser: follower.openId, msgtype: "sticker", sticker: {} })).body.errcode).toBe(
      40008,
    );
    expect((await send({ touser: follower.openId, msgtype: "text", text: {} })).body.errcode).toBe(44004);
    expect((await send(text("字".repeat(683)))).body.errcode).toBe(45002);
    expect((await send({ touser: follower.openId, msgtype: "image", image: {} })).body.errcode).toBe(40007);
    const twoArticles = { articles: [{ title: "a" }, { title: "b" }] };
    expect((await send({ touser: follower.openId, msgtype: "news", news: twoArticles })).body.errcode).toBe(
      45008,
    );
    expect((await send("not json")).body.errcode).toBe(47001);
    expect(follower.lastInteraction.message?.used).toBe(0);
  });

  it("still delivers while the conversation is with a customer-service agent", async () => {
    interacts("message");
    const body = { ...text(), customservice: { kf_account: "test1@kftest" } };
    expect((await send(body)).body.errcode).toBe(0);
    expect(emu.control.apis.inbox(account.appId, follower.openId)[0]?.via).toBe("custom");
  });
});
