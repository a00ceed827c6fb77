import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MASS_JOB_DELAY_MS, MASS_JOB_FAULT } from "../src/apis/index.js";
import type { Account, Follower, Tag } from "../src/world/types.js";
import { startWithAccount, type TestEmulator, tokenFor } from "./support.js";

let emu: TestEmulator;
let account: Account;
let tag: Tag;
let tagged: Follower[];
let others: Follower[];
let token: string;

beforeEach(async () => {
  ({ emu, account, token } = await startWithAccount({ seed: "mass" }));
  [tag] = emu.control.createTags(account.appId, ["VIP"]) as [Tag];
  tagged = emu.control.createFollowers(
    account.appId,
    Array.from({ length: 4 }, () => ({ tagIds: [tag.id] })),
  );
  others = emu.control.createFollowers(account.appId, 3);
  emu.control.createFollowers(account.appId, [{ tagIds: [tag.id], subscribed: false }]);
});
afterEach(async () => {
  await emu.close();
});

const post = (path: string, body: unknown) => emu.post(path, body, { access_token: token });
const toTag = (extra: Record<string, unknown> = {}) => ({
  filter: { is_to_all: false, tag_id: tag.id },
  msgtype: "text",
  text: { content: "本周活动" },
  ...extra,
});
const finishEvents = () =>
  emu.control.apis.events(account.appId).filter((e) => e.fields.Event === "MASSSENDJOBFINISH");

describe("mass/sendall", () => {
  it("sends to a tag: submission answer, inboxes, job status, and MASSSENDJOBFINISH with real counts", async () => {
    const res = await post("/cgi-bin/message/mass/sendall", toTag());
    expect(res.body).toMatchObject({ errcode: 0, errmsg: "send job submission success" });
    const msgId = res.body.msg_id as number;
    expect((await post("/cgi-bin/message/mass/get", { msg_id: msgId })).body).toEqual({
      msg_id: msgId,
      msg_status: "SENDING",
    });
    expect(emu.control.apis.inbox(account.appId, tagged[0]!.openId)).toEqual([]);
    await emu.control.advanceClock(MASS_JOB_DELAY_MS);
    for (const f of tagged) {
      expect(emu.control.apis.inbox(account.appId, f.openId)).toMatchObject([
        { via: "mass", msgType: "text" },
      ]);
    }
    expect(emu.control.apis.inbox(account.appId, others[0]!.openId)).toEqual([]);
    expect(finishEvents().map((e) => e.fields)).toEqual([
      {
        ToUserName: account.originalId,
        FromUserName: "mphelper",
        CreateTime: Math.floor(emu.clock.now() / 1000),
        MsgType: "event",
        Event: "MASSSENDJOBFINISH",
        MsgID: msgId,
        Status: "send success",
        TotalCount: 4,
        FilterCount: 4,
        SentCount: 4,
        ErrorCount: 0,
      },
    ]);
    token = await tokenFor(emu, account);
    expect((await post("/cgi-bin/message/mass/get", { msg_id: msgId })).body.msg_status).toBe("SEND_SUCCESS");
    expect((await post("/cgi-bin/message/mass/delete", { msg_id: msgId, article_idx: 0 })).body.errcode).toBe(
      0,
    );
    expect((await post("/cgi-bin/message/mass/get", { msg_id: msgId })).body.msg_status).toBe("DELETE");
    expect((await post("/cgi-bin/message/mass/get", { msg_id: 1 })).body.errcode).toBe(40097);
  });

  it("sends to everyone with is_to_all, and accepts the old group_id filter", async () => {
    const all = await post("/cgi-bin/message/mass/sendall", toTag({ filter: { is_to_all: true } }));
    expect(all.body.errcode).toBe(0);
    const legacy = await post(
      "/cgi-bin/message/mass/sendall",
      toTag({ filter: { group_id: String(tag.id) } }),
    );
    expect(legacy.body.errcode).toBe(0);
    await emu.control.advanceClock(MASS_JOB_DELAY_MS);
    expect(finishEvents().map((e) => e.fields.SentCount)).toEqual([7, 4]);
    expect(
      (await post("/cgi-bin/message/mass/sendall", toTag({ filter: { tag_id: 999 } }))).body.errcode,
    ).toBe(45159);
  });

  it("filters followers who blocked the account out of FilterCount", async () => {
    emu.control.apis.setBlocked(account.appId, tagged[0]!.openId, true);
    await post("/cgi-bin/message/mass/sendall", toTag());
    await emu.control.advanceClock(MASS_JOB_DELAY_MS);
    expect(finishEvents()[0]?.fields).toMatchObject({
      TotalCount: 4,
      FilterCount: 3,
      SentCount: 3,
      ErrorCount: 0,
    });
    expect(emu.control.apis.inbox(account.appId, tagged[0]!.openId)).toEqual([]);
  });

  it("counts every filtered follower as an error when the job fails (fault)", async () => {
    emu.control.addFault({ api: MASS_JOB_FAULT, kind: "errcode" });
    await post("/cgi-bin/message/mass/sendall", toTag());
    await emu.control.advanceClock(MASS_JOB_DELAY_MS);
    expect(finishEvents()[0]?.fields).toMatchObject({
      Status: "send fail",
      FilterCount: 4,
      SentCount: 0,
      ErrorCount: 4,
    });
  });

  it("checks message bodies: 40008 unknown msgtype, 44004 empty text, 40007 missing media", async () => {
    expect((await post("/cgi-bin/message/mass/sendall", toTag({ msgtype: "gif" }))).body.errcode).toBe(40008);
    expect((await post("/cgi-bin/message/mass/sendall", toTag({ text: {} }))).body.errcode).toBe(44004);
    const mpnews = toTag({ msgtype: "mpnews", mpnews: {} });
    expect((await post("/cgi-bin/message/mass/sendall", mpnews)).body.errcode).toBe(40007);
    const ok = await post(
      "/cgi-bin/message/mass/sendall",
      toTag({ msgtype: "mpnews", mpnews: { media_id: "M" } }),
    );
    expect(ok.body.msg_data_id).toBeTypeOf("number");
  });

  it("takes an image message as documented (images.media_ids) and in its older form (image.media_id)", async () => {
    const images = toTag({ msgtype: "image", images: { media_ids: ["IMG"], recommend: "周末海报" } });
    expect((await post("/cgi-bin/message/mass/sendall", images)).body.errcode).toBe(0);
    const older = toTag({ msgtype: "image", image: { media_id: "IMG" } });
    expect((await post("/cgi-bin/message/mass/sendall", older)).body.errcode).toBe(0);
    const none = toTag({ msgtype: "image", images: { media_ids: [] } });
    expect((await post("/cgi-bin/message/mass/sendall", none)).body.errcode).toBe(40007);
    await emu.control.advanceClock(MASS_JOB_DELAY_MS);
    const inbox = emu.control.apis.inbox(account.appId, tagged[0]!.openId);
    expect(inbox.map((m) => m.msgType)).toEqual(["image", "image"]);
    expect(JSON.stringify(inbox[0]?.content)).toContain("IMG");
  });
});

describe("mass quotas", () => {
  it("service accounts: 4 a month per follower, those at 4 are filtered, 45028 when nobody is left", async () => {
    for (let i = 0; i < 4; i++) {
      expect((await post("/cgi-bin/message/mass/sendall", toTag())).body.errcode).toBe(0);
    }
    expect((await post("/cgi-bin/message/mass/sendall", toTag())).body.errcode).toBe(45028);
    const all = await post("/cgi-bin/message/mass/sendall", toTag({ filter: { is_to_all: true } }));
    expect(all.body.errcode).toBe(0);
    await emu.control.advanceClock(MASS_JOB_DELAY_MS);
    expect(finishEvents().at(-1)?.fields).toMatchObject({ TotalCount: 7, FilterCount: 3, SentCount: 3 });
    // 2024-01-01 12:00 + 31 days: February, a new month.
    await emu.control.advanceClock(31 * 86_400_000);
    token = await tokenFor(emu, account);
    expect((await post("/cgi-bin/message/mass/sendall", toTag())).body.errcode).toBe(0);
  });

  it("subscription accounts: one mass job a Beijing day", async () => {
    const sub = emu.control.createAccount({ kind: "subscription", verifyType: 0 });
    emu.control.createFollowers(sub.appId, 2);
    const subToken = await tokenFor(emu, sub);
    const all = { filter: { is_to_all: true }, msgtype: "text", text: { content: "早报" } };
    expect(
      (await emu.post("/cgi-bin/message/mass/sendall", all, { access_token: subToken })).body.errcode,
    ).toBe(0);
    expect(
      (await emu.post("/cgi-bin/message/mass/sendall", all, { access_token: subToken })).body.errcode,
    ).toBe(45028);
    await emu.control.advanceClock(86_400_000);
    const next = await emu.post("/cgi-bin/message/mass/sendall", all, {
      access_token: await tokenFor(emu, sub),
    });
    expect(next.body.errcode).toBe(0);
  });

  it("clientmsgid: 45066 again within a minute, 45065 later the same day, 45067 over 64 characters", async () => {
    expect(
      (await post("/cgi-bin/message/mass/sendall", toTag({ clientmsgid: "send-001" }))).body.errcode,
    ).toBe(0);
    expect(
      (await post("/cgi-bin/message/mass/sendall", toTag({ clientmsgid: "send-001" }))).body.errcode,
    ).toBe(45066);
    await emu.control.advanceClock(120_000);
    expect(
      (await post("/cgi-bin/message/mass/sendall", toTag({ clientmsgid: "send-001" }))).body.errcode,
    ).toBe(45065);
    expect(
      (await post("/cgi-bin/message/mass/sendall", toTag({ clientmsgid: "x".repeat(65) }))).body.errcode,
    ).toBe(45067);
    expect(
      (await post("/cgi-bin/message/mass/sendall", toTag({ clientmsgid: "x".repeat(64) }))).body.errcode,
    ).toBe(0);
  });

  it("takes 60 send requests a minute, then 45011", async () => {
    const [empty] = emu.control.createTags(account.appId, ["nobody"]);
    const body = toTag({ filter: { tag_id: empty!.id } });
    for (let i = 0; i < 60; i++)
      expect((await post("/cgi-bin/message/mass/sendall", body)).body.errcode).toBe(0);
    expect((await post("/cgi-bin/message/mass/sendall", body)).body.errcode).toBe(45011);
    await emu.control.advanceClock(60_000);
    expect((await post("/cgi-bin/message/mass/sendall", body)).body.errcode).toBe(0);
  });
});

describe("mass/send and mass/preview", () => {
  it("sends to an OpenID list of 2 or more; non-followers are not counted", async () => {
    const one = await post("/cgi-bin/message/mass/send", {
      touser: [tagged[0]!.openId],
      msgtype: "text",
      text: { content: "x" },
    });
    expect(one.body.errcode).toBe(40130);
    const res = await post("/cgi-bin/message/mass/send", {
      touser: [tagged[0]!.openId, others[0]!.openId, "oNotAFollower"],
      msgtype: "text",
      text: { content: "x" },
    });
    expect(res.body.errcode).toBe(0);
    await emu.control.advanceClock(MASS_JOB_DELAY_MS);
    expect(finishEvents()[0]?.fields).toMatchObject({ TotalCount: 2, FilterCount: 2, SentCount: 2 });
  });

  it("is refused to subscription accounts (48001, the core's rule)", async () => {
    const sub = emu.control.createAccount({ kind: "subscription", verifyType: 0 });
    const res = await emu.post(
      "/cgi-bin/message/mass/send",
      { touser: ["a", "b"], msgtype: "text", text: { content: "x" } },
      { access_token: await tokenFor(emu, sub) },
    );
    expect(res.body.errcode).toBe(48001);
  });

  it("previews to one follower by OpenID or (emulated) WeChat name, at once and outside the quotas", async () => {
    const [named] = emu.control.createFollowers(account.appId, [{ nickname: "zhangsan" }]);
    const byOpenId = await post("/cgi-bin/message/mass/preview", {
      touser: tagged[0]!.openId,
      msgtype: "text",
      text: { content: "预览" },
    });
    expect(byOpenId.body).toMatchObject({ errcode: 0, errmsg: "preview success" });
    expect(emu.control.apis.inbox(account.appId, tagged[0]!.openId)).toMatchObject([{ via: "mass" }]);
    const byName = await post("/cgi-bin/message/mass/preview", {
      towxname: "zhangsan",
      msgtype: "text",
      text: { content: "x" },
    });
    expect(byName.body.errcode).toBe(0);
    expect(emu.control.apis.inbox(account.appId, named!.openId)).toHaveLength(1);
    const nobody = await post("/cgi-bin/message/mass/preview", {
      touser: "oNope",
      msgtype: "text",
      text: { content: "x" },
    });
    expect(nobody.body.errcode).toBe(40003);
    expect(emu.control.apis.massJobs(account.appId)).toEqual([]);
  });
});
