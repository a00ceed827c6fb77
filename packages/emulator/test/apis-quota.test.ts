import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Account, Follower } from "../src/world/types.js";
import { ridOf, startEmulator, type TestEmulator, tokenFor } from "./support.js";

let emu: TestEmulator;

beforeEach(async () => {
  emu = await startEmulator({ seed: "quota" });
});
afterEach(async () => {
  await emu.close();
});

describe("message/subscribe/send (mini programs)", () => {
  let mini: Account;
  let user: Follower;
  let token: string;
  beforeEach(async () => {
    mini = emu.control.createAccount({ kind: "miniprogram" });
    [user] = emu.control.createFollowers(mini.appId, 1) as [Follower];
    token = await tokenFor(emu, mini);
  });
  const send = (templateId: string) =>
    emu.post(
      "/cgi-bin/message/subscribe/send",
      {
        touser: user.openId,
        template_id: templateId,
        page: "pages/index?foo=bar",
        data: { thing1: { value: "预约成功" } },
        miniprogram_state: "formal",
        lang: "zh_CN",
      },
      { access_token: token },
    );

  it("needs a consent per message: 43101 without, and each one-time consent is used up", async () => {
    const { templateId } = emu.control.apis.addTemplate(mini.appId, { title: "预约提醒", type: 2 });
    const refused = await send(templateId);
    expect(refused.body.errcode).toBe(43101);
    expect(refused.body.errmsg).toMatch(/^user refuse to accept the msg rid: /);
    user.consents[templateId] = 2;
    expect((await send(templateId)).body).toMatchObject({ errcode: 0, errmsg: "ok" });
    expect((await send(templateId)).body.errcode).toBe(0);
    expect((await send(templateId)).body.errcode).toBe(43101);
    const inbox = emu.control.apis.inbox(mini.appId, user.openId);
    expect(inbox.map((i) => i.via)).toEqual(["subscribe", "subscribe"]);
  });

  it("keeps a long-term consent (type 3); refuses unknown templates (40037) and users (40003)", async () => {
    const { templateId } = emu.control.apis.addTemplate(mini.appId, { type: 3 });
    user.consents[templateId] = 1;
    for (let i = 0; i < 3; i++) expect((await send(templateId)).body.errcode).toBe(0);
    expect((await send("nope")).body.errcode).toBe(40037);
    const stranger = await emu.post(
      "/cgi-bin/message/subscribe/send",
      { touser: "oNope", template_id: templateId },
      { access_token: token },
    );
    expect(stranger.body.errcode).toBe(40003);
  });

  it("lists the mini program's subscription templates (wxaapi/newtmpl/gettemplate)", async () => {
    const once = emu.control.apis.addTemplate(mini.appId, {
      title: "到货提醒",
      content: "{{thing1.DATA}}",
      type: 2,
    });
    const always = emu.control.apis.addTemplate(mini.appId, { type: 3 });
    const listed = await emu.get("/wxaapi/newtmpl/gettemplate", { access_token: token });
    expect(listed.body).toMatchObject({ errcode: 0, errmsg: "ok" });
    expect(listed.body.data).toEqual([
      {
        priTmplId: once.templateId,
        title: "到货提醒",
        content: "{{thing1.DATA}}",
        example: expect.any(String),
        type: 2,
      },
      expect.objectContaining({ priTmplId: always.templateId, type: 3 }),
    ]);
  });

  it("is for mini programs only (48001, the core's rule)", async () => {
    const service = emu.control.createAccount({ kind: "service" });
    const res = await emu.post(
      "/cgi-bin/message/subscribe/send",
      { touser: user.openId, template_id: "t" },
      { access_token: await tokenFor(emu, service) },
    );
    expect(res.body.errcode).toBe(48001);
  });
});

describe("clear_quota, openapi/quota/get, openapi/rid/get", () => {
  let account: Account;
  let token: string;
  beforeEach(async () => {
    account = emu.control.createAccount({ kind: "service" });
    token = await tokenFor(emu, account);
  });
  const post = (path: string, body: unknown) => emu.post(path, body, { access_token: token });

  it("quota/get shows use of a limited API; every served API has a limit; an unknown path → 76021", async () => {
    const view = await post("/cgi-bin/openapi/quota/get", { cgi_path: "/cgi-bin/token" });
    expect(view.body).toEqual({
      errcode: 0,
      errmsg: "ok",
      quota: { daily_limit: 2000, used: 1, remain: 1999 },
    });
    for (const path of [
      "/cgi-bin/user/get",
      "/cgi-bin/menu/get",
      "/cgi-bin/tags/get",
      "/cgi-bin/clear_quota",
    ]) {
      const served = await post("/cgi-bin/openapi/quota/get", { cgi_path: path });
      expect(served.body.errcode, path).toBe(0);
      expect((served.body.quota as { daily_limit: number }).daily_limit, path).toBeGreaterThan(0);
    }
    expect((await post("/cgi-bin/openapi/quota/get", { cgi_path: "/cgi-bin/user/get" })).body.quota).toEqual({
      daily_limit: 500,
      used: 0,
      remain: 500,
    });
    expect(
      (await post("/cgi-bin/openapi/quota/get", { cgi_path: "/cgi-bin/nothing/here" })).body.errcode,
    ).toBe(76021);
  });

  it("clear_quota resets the counters, 10 times a month (then 48006); only for the caller's appid (40013)", async () => {
    expect((await post("/cgi-bin/clear_quota", { appid: "wx0000000000000000" })).body.errcode).toBe(40013);
    for (let i = 0; i < 10; i++) {
      expect((await post("/cgi-bin/clear_quota", { appid: account.appId })).body).toEqual({
        errcode: 0,
        errmsg: "ok",
      });
    }
    const view = await post("/cgi-bin/openapi/quota/get", { cgi_path: "/cgi-bin/token" });
    expect((view.body.quota as { used: number }).used).toBe(0);
    expect((await post("/cgi-bin/clear_quota", { appid: account.appId })).body.errcode).toBe(48006);
    // 2024-01-01 → February.
    await emu.control.advanceClock(31 * 86_400_000);
    token = await tokenFor(emu, account);
    expect((await post("/cgi-bin/clear_quota", { appid: account.appId })).body.errcode).toBe(0);
  });

  it("rid/get shows a failed call of the same account, with secrets redacted", async () => {
    const failed = await post("/cgi-bin/menu/create", { button: [] });
    expect(failed.body.errcode).toBe(40016);
    const rid = ridOf(failed.body.errmsg)!;
    const res = await post("/cgi-bin/openapi/rid/get", { rid });
    expect(res.body.errcode).toBe(0);
    const request = res.body.request as Record<string, unknown>;
    expect(request.request_url).toBe("/cgi-bin/menu/create?access_token=***");
    expect(request.request_body).toBe('{"button":[]}');
    expect(JSON.parse(request.response_body as string).errcode).toBe(40016);
    expect(request.invoke_time).toBe(Math.floor(emu.clock.now() / 1000));
    expect(request.client_ip).toBe("127.0.0.1");

    expect((await post("/cgi-bin/openapi/rid/get", { rid: "00000000-00000000-00000000" })).body.errcode).toBe(
      76001,
    );
    const other = emu.control.createAccount({ kind: "service" });
    const foreign = await emu.post(
      "/cgi-bin/openapi/rid/get",
      { rid },
      { access_token: await tokenFor(emu, other) },
    );
    expect(foreign.body.errcode).toBe(76002);
  });
});
