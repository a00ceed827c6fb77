import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TEMPLATE_JOB_DELAY_MS, TEMPLATE_JOB_FAULT } from "../src/apis/index.js";
import type { Account, Follower } from "../src/world/types.js";
import { startWithAccount, type TestEmulator, tokenFor } from "./support.js";

let emu: TestEmulator;
let account: Account;
let follower: Follower;
let token: string;
let server: Server;
let received: string[];

beforeEach(async () => {
  received = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push(Buffer.concat(chunks).toString("utf8"));
      res.end("success");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const fixture = await startWithAccount(
    { seed: "templates" },
    {
      account: { kind: "service", server: { url: `http://127.0.0.1:${port}/wechat`, mode: "plaintext" } },
      followers: 1,
    },
  );
  ({ emu, account, token } = fixture);
  follower = fixture.followers[0]!;
});
afterEach(async () => {
  await emu.close();
  await new Promise((resolve) => server.close(resolve));
});

const post = (path: string, body: unknown) => emu.post(path, body, { access_token: token });
const control = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${emu.baseUrls.control}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe("the template library", () => {
  it("adds templates through the control API, 25 at most; lists and deletes them through WeChat's", async () => {
    for (let i = 0; i < 25; i++) {
      const res = await control("POST", `/apis/accounts/${account.appId}/templates`, { title: `模板${i}` });
      expect(res.status).toBe(200);
      expect(res.body.templateId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
    expect((await control("POST", `/apis/accounts/${account.appId}/templates`, {})).status).toBe(409);
    expect(
      (await post("/cgi-bin/template/api_add_template", { template_id_short: "TM00015" })).body.errcode,
    ).toBe(45026);

    const list = await emu.get("/cgi-bin/template/get_all_private_template", { access_token: token });
    const templates = list.body.template_list as { template_id: string; title: string; content: string }[];
    expect(templates).toHaveLength(25);
    expect(templates[0]).toMatchObject({ title: "模板0", primary_industry: "IT科技" });
    expect(templates[0]!.content).toContain("{{keyword1.DATA}}");

    const del = await post("/cgi-bin/template/del_private_template", {
      template_id: templates[0]!.template_id,
    });
    expect(del.body).toEqual({ errcode: 0, errmsg: "ok" });
    expect((await post("/cgi-bin/template/del_private_template", { template_id: "nope" })).body.errcode).toBe(
      40037,
    );
    const added = await post("/cgi-bin/template/api_add_template", {
      template_id_short: "OPENTM1",
      keyword_name_list: ["订单号", "金额"],
    });
    expect(added.body.errcode).toBe(0);
    expect(emu.control.apis.templates(account.appId).at(-1)).toMatchObject({
      templateId: added.body.template_id,
      content: "订单号：{{keyword1.DATA}}\n金额：{{keyword2.DATA}}",
    });
  });
});

describe("message/template/send", () => {
  let templateId: string;
  beforeEach(() => {
    templateId = emu.control.apis.addTemplate(account.appId).templateId;
  });
  const message = () => ({
    touser: follower.openId,
    template_id: templateId,
    url: "https://example.com/order/1",
    data: { first: { value: "您的订单已发货" }, keyword1: { value: "A001", color: "#173177" } },
  });

  it("answers a msgid, delivers to the inbox, and reports success a few emulated seconds later", async () => {
    const res = await post("/cgi-bin/message/template/send", message());
    expect(res.body).toMatchObject({ errcode: 0, errmsg: "ok" });
    expect(Number.isSafeInteger(res.body.msgid)).toBe(true);
    const inbox = emu.control.apis.inbox(account.appId, follower.openId);
    expect(inbox).toEqual([
      {
        at: emu.clock.now(),
        via: "template",
        msgType: "template",
        msgId: String(res.body.msgid),
        content: message(),
      },
    ]);
    expect(emu.control.apis.events(account.appId)).toEqual([]);
    await emu.control.advanceClock(TEMPLATE_JOB_DELAY_MS);
    const [event] = emu.control.apis.events(account.appId);
    expect(event?.fields).toEqual({
      ToUserName: account.originalId,
      FromUserName: follower.openId,
      CreateTime: Math.floor(emu.clock.now() / 1000),
      MsgType: "event",
      Event: "TEMPLATESENDJOBFINISH",
      MsgID: res.body.msgid,
      Status: "success",
    });
  });

  it("reports failed:user block (and delivers nothing) when the follower blocked the account", async () => {
    const block = await control(
      "POST",
      `/apis/accounts/${account.appId}/followers/${follower.openId}/block`,
      {},
    );
    expect(block.body).toEqual({ blocked: true });
    expect((await post("/cgi-bin/message/template/send", message())).body.errcode).toBe(0);
    expect(emu.control.apis.inbox(account.appId, follower.openId)).toEqual([]);
    await emu.control.advanceClock(TEMPLATE_JOB_DELAY_MS);
    expect(emu.control.apis.events(account.appId)[0]?.fields.Status).toBe("failed:user block");
  });

  it("reports failed: system failed when a fault is set on the job", async () => {
    await control("POST", "/faults", { api: TEMPLATE_JOB_FAULT, kind: "errcode" });
    await post("/cgi-bin/message/template/send", message());
    await post("/cgi-bin/message/template/send", message());
    await emu.control.advanceClock(TEMPLATE_JOB_DELAY_MS);
    const statuses = emu.control.apis.events(account.appId).map((e) => e.fields.Status);
    expect(statuses).toEqual(["failed: system failed", "success"]);
  });

  it("refuses an unknown template (40037), an unknown OpenID (40003), an unfollowed user (43004)", async () => {
    expect(
      (await post("/cgi-bin/message/template/send", { ...message(), template_id: "nope" })).body.errcode,
    ).toBe(40037);
    expect(
      (await post("/cgi-bin/message/template/send", { ...message(), touser: "oNope" })).body.errcode,
    ).toBe(40003);
    follower.subscribed = false;
    expect((await post("/cgi-bin/message/template/send", message())).body.errcode).toBe(43004);
  });

  it("is only for verified service accounts (48001, the core's rule)", async () => {
    for (const input of [
      { kind: "subscription" as const },
      { kind: "service" as const, verifyType: -1 as const },
    ]) {
      const other = emu.control.createAccount(input);
      const res = await emu.post("/cgi-bin/message/template/send", message(), {
        access_token: await tokenFor(emu, other),
      });
      expect(res.body.errcode).toBe(48001);
    }
  });

  it("counts 100,000 a day by default, then 45009", async () => {
    const view = await post("/cgi-bin/openapi/quota/get", { cgi_path: "/cgi-bin/message/template/send" });
    expect(view.body.quota).toEqual({ daily_limit: 100_000, used: 0, remain: 100_000 });
    account.limits = { "/cgi-bin/message/template/send": 2 };
    expect((await post("/cgi-bin/message/template/send", message())).body.errcode).toBe(0);
    expect((await post("/cgi-bin/message/template/send", message())).body.errcode).toBe(0);
    expect((await post("/cgi-bin/message/template/send", message())).body.errcode).toBe(45009);
  });

  it("pushes TEMPLATESENDJOBFINISH to the account's server", async () => {
    const res = await post("/cgi-bin/message/template/send", message());
    await emu.control.advanceClock(TEMPLATE_JOB_DELAY_MS);
    await emu.control.push.idle();
    expect(received).toHaveLength(1);
    expect(received[0]).toContain("<Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event>");
    expect(received[0]).toContain(`<MsgID>${res.body.msgid}</MsgID>`);
    expect(received[0]).toContain("<Status><![CDATA[success]]></Status>");
    expect(emu.control.apis.events(account.appId)[0]?.push).toBe("success");
  });
});
