import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MASS_JOB_DELAY_MS, TEMPLATE_JOB_DELAY_MS } from "../src/apis/index.js";
import type { Account, Follower, Tag } from "../src/world/types.js";
import { startEmulator, type TestEmulator } from "./support.js";

/**
 * node-webot's `wechat-api`, unchanged but for its endpoint properties, against the emulator:
 * a client written for WeChat completes its usual calls.
 */

let emu: TestEmulator;
let account: Account;
let tag: Tag;
let fan: Follower;

/**
 * The client runs in a plain Node child process: under the test runner's `source` export
 * condition one of its dependencies (urllib → address) would resolve to TypeScript sources it
 * does not ship. The child holds one `wechat-api` instance and runs the methods the test asks
 * for over an IPC channel, so the test can act on the emulator between calls.
 */
const DRIVER = `
const API = require("wechat-api");
let api;
process.on("message", (m) => {
  if (m.init) {
    api = new API(m.init.appid, m.init.secret);
    api.endpoint = m.init.endpoint;
    api.mpPrefix = m.init.mpPrefix;
    process.send({ id: m.id, data: null });
    return;
  }
  if (m.sync) {
    process.send({ id: m.id, data: api[m.sync].apply(api, m.args) });
    return;
  }
  api[m.method].apply(api, m.args.concat([(err, data) => {
    process.send(err ? { id: m.id, error: { message: err.message, code: err.code, name: err.name } } : { id: m.id, data });
  }]));
});
`;

interface Answer {
  id: number;
  data?: unknown;
  error?: { message: string; code?: number; name: string };
}

let child: ChildProcess;
let nextId = 1;
const waiting = new Map<number, (answer: Answer) => void>();

function ask(message: Record<string, unknown>): Promise<Answer> {
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    child.send({ ...message, id });
  });
}

/** Calls a callback-style method of the client; rejects with its error (code = errcode). */
async function call<T = Record<string, unknown>>(method: string, ...args: unknown[]): Promise<T> {
  const answer = await ask({ method, args });
  if (answer.error) throw Object.assign(new Error(answer.error.message), { code: answer.error.code });
  return answer.data as T;
}

async function failure(promise: Promise<unknown>): Promise<Error & { code?: number }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: number };
  }
  throw new Error("the call succeeded");
}

beforeAll(async () => {
  emu = await startEmulator({ seed: "wechat-api" });
  account = emu.control.createAccount({ kind: "service" });
  [tag] = emu.control.createTags(account.appId, ["VIP"]) as [Tag];
  [fan] = emu.control.createFollowers(account.appId, [{ tagIds: [tag.id] }, { tagIds: [tag.id] }, {}]) as [
    Follower,
  ];
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  child = spawn(process.execPath, ["-e", DRIVER], {
    cwd: fileURLToPath(new URL("../../..", import.meta.url)),
    env,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  child.on("message", (answer: Answer) => {
    waiting.get(answer.id)?.(answer);
    waiting.delete(answer.id);
  });
  await ask({
    init: {
      appid: account.appId,
      secret: account.secret,
      endpoint: emu.baseUrls.api,
      mpPrefix: `${emu.baseUrls.mp}/cgi-bin/`,
    },
  });
});
afterAll(async () => {
  child.kill();
  await emu.close();
});

describe("wechat-api against the emulator", () => {
  it("gets a token", async () => {
    const token = await call<{ accessToken: string }>("getLatestToken");
    expect(emu.world.token(token.accessToken)?.appId).toBe(account.appId);
  });

  it("creates, reads and deletes a menu", async () => {
    const menu = {
      button: [
        { type: "click", name: "今日歌曲", key: "V1001_TODAY_MUSIC" },
        { name: "菜单", sub_button: [{ type: "view", name: "搜索", url: "https://www.soso.com/" }] },
      ],
    };
    expect(await call("createMenu", menu)).toEqual({ errcode: 0, errmsg: "ok" });
    const got = await call<{ menu: { button: { name: string }[] } }>("getMenu");
    expect(got.menu.button.map((b) => b.name)).toEqual(["今日歌曲", "菜单"]);
    const self = await call<{ is_menu_open: number }>("getMenuConfig");
    expect(self.is_menu_open).toBe(1);
    expect(await call("removeMenu")).toEqual({ errcode: 0, errmsg: "ok" });
    const gone = await failure(call("getMenu"));
    expect(gone.code).toBe(46003);
  });

  it("creates a QR ticket whose image URL serves a PNG", async () => {
    const qr = await call<{ ticket: string; expire_seconds: number; url: string }>(
      "createTmpQRCode",
      10_000,
      1800,
    );
    expect(qr.expire_seconds).toBe(1800);
    const url = (await ask({ sync: "showQRCodeURL", args: [qr.ticket] })).data as string;
    expect(url).toBe(`${emu.baseUrls.mp}/cgi-bin/showqrcode?ticket=${qr.ticket}`);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    const limit = await call<{ ticket: string }>("createLimitQRCode", "welcome");
    expect(emu.world.state.qrcodes[limit.ticket]?.sceneStr).toBe("welcome");
  });

  it("sends a customer-service message: 45015 outside the window, delivered after the follower writes", async () => {
    const outside = await failure(call("sendText", fan.openId, "您好"));
    expect(outside.code).toBe(45015);
    expect(outside.message).toMatch(/^response out of time limit or subscription is canceled rid: /);
    await emu.control.follower.sendText({ appId: account.appId, openId: fan.openId }, "在吗？");
    expect(await call("sendText", fan.openId, "在的，请问有什么可以帮您？")).toEqual({
      errcode: 0,
      errmsg: "ok",
    });
    expect(emu.control.apis.inbox(account.appId, fan.openId).at(-1)).toMatchObject({
      via: "custom",
      msgType: "text",
    });
  });

  it("sends a template message", async () => {
    const { templateId } = emu.control.apis.addTemplate(account.appId);
    const templates = await call<{ template_list: { template_id: string }[] }>("getAllPrivateTemplate");
    expect(templates.template_list.map((t) => t.template_id)).toEqual([templateId]);
    const sent = await call<{ msgid: number }>(
      "sendTemplate",
      fan.openId,
      templateId,
      "https://example.com/o/1",
      {
        first: { value: "订单已发货", color: "#173177" },
      },
    );
    expect(sent.msgid).toBeTypeOf("number");
    await emu.control.advanceClock(TEMPLATE_JOB_DELAY_MS);
    const event = emu.control.apis
      .events(account.appId)
      .find((e) => e.fields.Event === "TEMPLATESENDJOBFINISH");
    expect(event?.fields).toMatchObject({ MsgID: sent.msgid, Status: "success" });
  });

  it("mass-sends to a tag", async () => {
    const sent = await call<{ msg_id: number }>("massSendText", "本周活动", tag.id);
    expect(sent.msg_id).toBeTypeOf("number");
    await emu.control.advanceClock(MASS_JOB_DELAY_MS);
    const status = await call<{ msg_status: string }>("getMassMessageStatus", sent.msg_id);
    expect(status.msg_status).toBe("SEND_SUCCESS");
    const event = emu.control.apis.events(account.appId).find((e) => e.fields.Event === "MASSSENDJOBFINISH");
    expect(event?.fields).toMatchObject({ TotalCount: 2, FilterCount: 2, SentCount: 2, ErrorCount: 0 });
  });

  it("lists followers and reads one", async () => {
    const list = await call<{
      total: number;
      count: number;
      data: { openid: string[] };
      next_openid: string;
    }>("getFollowers");
    expect(list.total).toBe(3);
    expect(list.data.openid).toContain(fan.openId);
    const user = await call<{ openid: string; tagid_list: number[] }>("getUser", fan.openId);
    expect(user.tagid_list).toEqual([tag.id]);
    const tags = await call<{ tags: { id: number; count: number }[] }>("getTags");
    expect(tags.tags.find((t) => t.id === tag.id)?.count).toBe(2);
  });
});
