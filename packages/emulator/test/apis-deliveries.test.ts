import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EVENT_PUSHES_IN_FLIGHT, MASS_JOB_DELAY_MS, TEMPLATE_JOB_DELAY_MS } from "../src/apis/index.js";
import type { Account, Follower } from "../src/world/types.js";
import { startWithAccount, type TestEmulator } from "./support.js";

let emu: TestEmulator;
let account: Account;
let stored: Follower[];
let token: string;
let templateId: string;
let crowd: { prefix: string; count: number };

beforeEach(async () => {
  ({
    emu,
    account,
    token,
    followers: stored,
  } = await startWithAccount({ seed: "deliveries" }, { account: { kind: "service" }, followers: 3 }));
  templateId = emu.control.apis.addTemplate(account.appId).templateId;
  crowd = emu.control.apis.setCrowd(account.appId, 50);
});
afterEach(async () => {
  await emu.close();
});

const post = (path: string, body: unknown) => emu.post(path, body, { access_token: token });
const member = (i: number) => crowd.prefix + i.toString(36).padStart(6, "0");
const sendTemplate = (openId: string, id = templateId) =>
  post("/cgi-bin/message/template/send", {
    touser: openId,
    template_id: id,
    data: { first: { value: `给 ${openId}` } },
  });
const control = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${emu.baseUrls.control}/apis/accounts/${account.appId}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe("the delivery summary", () => {
  it("counts a template campaign to crowd members without storing them, and names who is missing", async () => {
    for (let i = 0; i < 40; i++) expect((await sendTemplate(member(i))).body.errcode).toBe(0);
    await sendTemplate(member(7));
    expect(Object.keys(emu.world.followersOf(account.appId))).toHaveLength(3);

    const summary = await control("POST", "/deliveries", {
      channel: "template",
      id: templateId,
      crowd: true,
    });
    expect(summary.status).toBe(200);
    expect(summary.body).toEqual({
      recipients: 40,
      messages: 41,
      duplicates: [{ openId: member(7), count: 2 }],
      duplicateRecipients: 1,
      audience: {
        size: 50,
        missing: 10,
        missingOpenIds: Array.from({ length: 10 }, (_, i) => member(40 + i)),
        outside: 0,
      },
    });
    // Over GET, without an audience; another template id has nothing.
    const plain = await control("GET", `/deliveries?channel=template&id=${templateId}`);
    expect(plain.body).toMatchObject({ recipients: 40, messages: 41, duplicateRecipients: 1 });
    expect(plain.body.audience).toBeUndefined();
    expect(emu.control.apis.deliveries(account.appId, { channel: "template", ids: ["other"] })).toMatchObject(
      {
        recipients: 0,
        messages: 0,
      },
    );
    expect(emu.control.apis.inbox(account.appId, member(3))).toEqual([]);
  });

  it("keeps full messages for stored followers and compares a list of OpenIDs", async () => {
    await sendTemplate(stored[0]!.openId);
    await sendTemplate(stored[1]!.openId);
    await sendTemplate(member(0));
    expect(emu.control.apis.inbox(account.appId, stored[0]!.openId)).toMatchObject([
      { via: "template", content: { touser: stored[0]!.openId, template_id: templateId } },
    ]);
    const listed = [stored[0]!.openId, stored[2]!.openId, stored[2]!.openId, "oUnknownOpenId"];
    const summary = emu.control.apis.deliveries(account.appId, {
      channel: "template",
      openIds: listed,
      perOpenId: true,
    });
    expect(summary.perOpenId).toEqual({ [member(0)]: 1, [stored[0]!.openId]: 1, [stored[1]!.openId]: 1 });
    expect(summary.audience).toEqual({
      size: 3,
      missing: 2,
      missingOpenIds: [stored[2]!.openId, "oUnknownOpenId"],
      outside: 2,
    });
  });

  it("adds up a channel's mass jobs, and forgets on request", async () => {
    const touser = [member(1), member(2), stored[0]!.openId];
    const first = await post("/cgi-bin/message/mass/send", {
      touser,
      msgtype: "text",
      text: { content: "一" },
    });
    const second = await post("/cgi-bin/message/mass/send", {
      touser: [member(2), member(3)],
      msgtype: "text",
      text: { content: "二" },
    });
    await emu.control.advanceClock(MASS_JOB_DELAY_MS);
    const ids = [String(first.body.msg_id), String(second.body.msg_id)];
    const both = emu.control.apis.deliveries(account.appId, { channel: "mass", ids });
    expect(both).toMatchObject({ recipients: 4, messages: 5, duplicates: [{ openId: member(2), count: 2 }] });
    expect(emu.control.apis.deliveries(account.appId, { channel: "mass", ids: [ids[1]!] })).toMatchObject({
      recipients: 2,
      duplicateRecipients: 0,
    });
    expect(Object.keys(emu.world.followersOf(account.appId))).toHaveLength(3);
    expect((await control("DELETE", "/deliveries")).body).toEqual({ ok: true });
    expect(emu.control.apis.deliveries(account.appId, { channel: "mass" }).messages).toBe(0);
  });

  it("refuses a query without a channel", async () => {
    expect((await control("POST", "/deliveries", { id: templateId })).status).toBe(400);
    expect((await control("GET", "/deliveries?channel=fax")).status).toBe(400);
  });
});

describe("lifting the rate limits", () => {
  it("keeps WeChat's limits by default and lifts quotas only — consent and the 48-hour window stay", async () => {
    expect(emu.control.apis.settings(account.appId)).toEqual({ limitsLifted: false, templateReceipts: true });
    account.limits = { "/cgi-bin/message/template/send": 2 };
    await sendTemplate(member(0));
    await sendTemplate(member(1));
    expect((await sendTemplate(member(2))).body.errcode).toBe(45009);

    const lifted = await control("POST", "/settings", { limitsLifted: true });
    expect(lifted.body).toEqual({ limitsLifted: true, templateReceipts: true });
    expect((await sendTemplate(member(2))).body.errcode).toBe(0);
    expect((await sendTemplate(member(3))).body.errcode).toBe(0);
    const quota = await post("/cgi-bin/openapi/quota/get", { cgi_path: "/cgi-bin/message/template/send" });
    expect(quota.body.quota).toMatchObject({ daily_limit: 2, used: 4 });
    // Not rate limits: a customer-service message outside 48 hours, a subscription message without consent.
    expect(
      (
        await post("/cgi-bin/message/custom/send", {
          touser: member(4),
          msgtype: "text",
          text: { content: "x" },
        })
      ).body.errcode,
    ).toBe(45015);

    await control("POST", "/settings", { limitsLifted: false });
    expect((await sendTemplate(member(4))).body.errcode).toBe(45009);
    expect((await control("POST", "/settings", { limitsLifted: "yes" })).status).toBe(400);
  });

  it("lifts the mass quota (45028) and the per-minute limit (45011)", async () => {
    const touser = [stored[0]!.openId, stored[1]!.openId];
    const send = (to: string[]) =>
      post("/cgi-bin/message/mass/send", { touser: to, msgtype: "text", text: { content: "本周活动" } });
    for (let i = 0; i < 4; i++) expect((await send(touser)).body.errcode).toBe(0);
    expect((await send(touser)).body.errcode).toBe(45028);
    emu.control.apis.configure(account.appId, { limitsLifted: true });
    expect((await send(touser)).body.errcode).toBe(0);
    emu.control.apis.configure(account.appId, { limitsLifted: false });
    expect((await send(touser)).body.errcode).toBe(45028);

    // 60 requests a minute (the six above counted, refused or not, but not the lifted one), to pairs with quota left.
    const pairs = emu.control.createFollowers(account.appId, 40).map((f) => f.openId);
    for (let i = 0; i < 60 - 6; i++) {
      const at = (i % 20) * 2;
      expect((await send(pairs.slice(at, at + 2))).body.errcode).toBe(0);
    }
    expect((await send(pairs.slice(0, 2))).body.errcode).toBe(45011);
    emu.control.apis.configure(account.appId, { limitsLifted: true });
    expect((await send(pairs.slice(0, 2))).body.errcode).toBe(0);
  });

  it("lifts nothing of a subscription message: no consent is still 43101", async () => {
    const mini = emu.control.createAccount({ kind: "miniprogram" });
    const [user] = emu.control.createFollowers(mini.appId, 1);
    const subscribeTemplate = emu.control.apis.addTemplate(mini.appId, { type: 2 }).templateId;
    emu.control.apis.configure(mini.appId, { limitsLifted: true });
    const miniToken = (
      await emu.get("/cgi-bin/token", {
        grant_type: "client_credential",
        appid: mini.appId,
        secret: mini.secret,
      })
    ).body.access_token as string;
    const res = await emu.post(
      "/cgi-bin/message/subscribe/send",
      { touser: user!.openId, template_id: subscribeTemplate, data: {} },
      { access_token: miniToken },
    );
    expect(res.body.errcode).toBe(43101);
  });
});

describe("template receipts", () => {
  it("are raised by default and not while switched off", async () => {
    await sendTemplate(member(0));
    emu.control.apis.configure(account.appId, { templateReceipts: false });
    await sendTemplate(member(1));
    await emu.control.advanceClock(TEMPLATE_JOB_DELAY_MS);
    expect(emu.control.apis.events(account.appId).map((e) => e.fields.FromUserName)).toEqual([member(0)]);
    expect(emu.control.apis.settings(account.appId).templateReceipts).toBe(false);
  });
});

describe("receipt pushes under load", () => {
  let server: Server;
  let inFlight: number;
  let most: number;
  let received: number;
  let release: (() => void)[];

  beforeEach(async () => {
    inFlight = 0;
    most = 0;
    received = 0;
    release = [];
    // The account's server answers only when the test lets it, so pushes pile up.
    server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        inFlight++;
        most = Math.max(most, inFlight);
        release.push(() => {
          inFlight--;
          received++;
          res.end("success");
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("pushes TEMPLATESENDJOBFINISH a few at a time, every one in the end", async () => {
    const port = (server.address() as AddressInfo).port;
    const withServer = emu.control.createAccount({
      kind: "service",
      server: { url: `http://127.0.0.1:${port}/wechat`, mode: "plaintext" },
    });
    const localToken = (
      await emu.get("/cgi-bin/token", {
        grant_type: "client_credential",
        appid: withServer.appId,
        secret: withServer.secret,
      })
    ).body.access_token as string;
    const id = emu.control.apis.addTemplate(withServer.appId).templateId;
    // More receipts than may travel at once: the rest must wait in the queue.
    const sends = EVENT_PUSHES_IN_FLIGHT + 36;
    const many = emu.control.apis.setCrowd(withServer.appId, sends);
    for (let i = 0; i < sends; i++) {
      const openId = many.prefix + i.toString(36).padStart(6, "0");
      const res = await emu.post(
        "/cgi-bin/message/template/send",
        { touser: openId, template_id: id, data: {} },
        { access_token: localToken },
      );
      expect(res.body.errcode).toBe(0);
    }
    await emu.control.advanceClock(TEMPLATE_JOB_DELAY_MS);
    const idle = emu.control.push.idle();
    // Unanswered, the pushes pile up to the limit and no further…
    while (inFlight < EVENT_PUSHES_IN_FLIGHT) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(inFlight).toBe(EVENT_PUSHES_IN_FLIGHT);
    // …and each answer lets the next push go; never more than the limit at once.
    while (received < sends) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      for (const answer of release.splice(0)) answer();
    }
    await idle;
    expect(most).toBe(EVENT_PUSHES_IN_FLIGHT);
    const events = emu.control.apis.events(withServer.appId);
    expect(events).toHaveLength(sends);
    expect(events.every((e) => e.push === "success")).toBe(true);
  });
});
