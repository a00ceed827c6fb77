import {
  type AuthorizationPush,
  type ComponentVerifyTicketPush,
  componentLoginPageUrl,
  type TextMessage,
} from "@wxgate/wechat";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Platform } from "../src/world/types.js";
import { type Receiver, startReceiver } from "./push-receiver.js";
import { startEmulator, type TestEmulator } from "./support.js";

const COMPONENT_APPID = "wx00000000c0ffee01";
const TOKEN = "platformtoken";
const AES_KEY = "PlatformKey0123456789abcdefghijklmnopqrstuv";
const REDIRECT = "https://platform.example/authorized?from=test";
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let emu: TestEmulator;
let receiver: Receiver;
let platform: Platform;

async function setup(ticketPush: boolean): Promise<void> {
  receiver = await startReceiver({ token: TOKEN, appId: COMPONENT_APPID, encodingAESKey: AES_KEY });
  platform = emu.control.createPlatform({
    componentAppId: COMPONENT_APPID,
    token: TOKEN,
    encodingAESKey: AES_KEY,
    authEventUrl: `${receiver.url}/auth`,
    messageUrl: `${receiver.url}/msg/$APPID$`,
    ticketPush,
  });
}

beforeEach(async () => {
  emu = await startEmulator();
  emu.control.push.configure({ replyTimeoutMs: 500 });
});

afterEach(async () => {
  await emu.close();
  await receiver?.close();
});

function tickets(): string[] {
  return receiver
    .find("component_verify_ticket")
    .map((p) => (p.opened!.message as ComponentVerifyTicketPush).componentVerifyTicket);
}

async function componentToken(ticket = tickets().at(-1) ?? ""): Promise<Record<string, unknown>> {
  const { body } = await emu.post("/cgi-bin/component/api_component_token", {
    component_appid: COMPONENT_APPID,
    component_appsecret: platform.secret,
    component_verify_ticket: ticket,
  });
  return body;
}

/** A component_access_token, from a ticket pushed on request. */
async function readyToken(): Promise<string> {
  await emu.post("/cgi-bin/component/api_start_push_ticket", {
    component_appid: COMPONENT_APPID,
    component_secret: platform.secret,
  });
  await emu.control.push.idle();
  return String((await componentToken()).component_access_token);
}

async function call(token: string, api: string, body: Record<string, unknown>) {
  return (
    await emu.post(
      `/cgi-bin/component/${api}`,
      { component_appid: COMPONENT_APPID, ...body },
      { component_access_token: token },
    )
  ).body;
}

async function preAuthCode(token: string): Promise<string> {
  return String((await call(token, "api_create_preauthcode", {})).pre_auth_code);
}

interface FormInput {
  type: string;
  name: string;
  value: string;
  checked: boolean;
}

/** The form of an HTML page, read the way a browser would submit it. */
function readForm(html: string): { action: string; inputs: FormInput[] } {
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1] ?? "";
  const decode = (s: string) =>
    s
      .replaceAll("&quot;", '"')
      .replaceAll("&#39;", "'")
      .replaceAll("&lt;", "<")
      .replaceAll("&gt;", ">")
      .replaceAll("&amp;", "&");
  const inputs = [...html.matchAll(/<input ([^>]*)>/g)].map(([, attrs = ""]) => ({
    type: /type="([^"]*)"/.exec(attrs)?.[1] ?? "text",
    name: /name="([^"]*)"/.exec(attrs)?.[1] ?? "",
    value: decode(/value="([^"]*)"/.exec(attrs)?.[1] ?? ""),
    checked: / checked\b/.test(attrs),
  }));
  return { action: decode(action), inputs };
}

describe("component_verify_ticket", () => {
  it("is pushed every 10 emulated minutes, encrypted, to the authorization-event URL", async () => {
    await setup(true);
    await emu.control.advanceClock(30 * MINUTE);
    const pushed = receiver.find("component_verify_ticket");
    expect(pushed).toHaveLength(3);
    for (const push of pushed) {
      expect(push.path).toBe("/auth");
      expect(push.query.encrypt_type).toBe("aes");
      expect(push.query.openid).toBeUndefined();
      expect(push.body).toMatch(/^<xml><AppId><!\[CDATA\[wx00000000c0ffee01\]\]><\/AppId><Encrypt>/);
      expect(push.opened!.message).toMatchObject({ kind: "component", appId: COMPONENT_APPID });
    }
    expect(new Set(tickets()).size).toBe(3);
    expect(emu.control.push.log({ target: "ticket" })).toHaveLength(3);
    expect(emu.control.component.ticket(COMPONENT_APPID)?.value).toBe(tickets().at(-1));
    // Every ticket stays good for 12 hours, not only the latest.
    expect(await componentToken(tickets()[0])).toMatchObject({ expires_in: 7200 });
    expect(await componentToken()).toMatchObject({ expires_in: 7200 });
  });

  it("is pushed on request; expires after 12 hours (61005); unknown tickets get 61006", async () => {
    await setup(false);
    const wrong = await emu.post("/cgi-bin/component/api_start_push_ticket", {
      component_appid: COMPONENT_APPID,
      component_secret: "nope",
    });
    expect(wrong.body.errcode).toBe(40125);
    const ok = await emu.post("/cgi-bin/component/api_start_push_ticket", {
      component_appid: COMPONENT_APPID,
      component_secret: platform.secret,
    });
    expect(ok.body).toEqual({ errcode: 0, errmsg: "ok" });
    await emu.control.push.idle();
    expect(tickets()).toHaveLength(1);

    expect((await componentToken("ticket@@@made-up")).errcode).toBe(61006);
    expect((await componentToken("")).errcode).toBe(61006);
    const token = await componentToken();
    expect(String(token.component_access_token).length).toBeGreaterThan(100);
    const badSecret = await emu.post("/cgi-bin/component/api_component_token", {
      component_appid: COMPONENT_APPID,
      component_appsecret: "wrong",
      component_verify_ticket: tickets()[0],
    });
    expect(badSecret.body.errcode).toBe(40125);
    const unknown = await emu.post("/cgi-bin/component/api_component_token", {
      component_appid: "wx1111111111111111",
      component_appsecret: "x",
      component_verify_ticket: "y",
    });
    expect(unknown.body.errcode).toBe(61011);

    await emu.control.advanceClock(12 * HOUR);
    const expired = await componentToken();
    expect(expired.errcode).toBe(61005);
    expect(String(expired.errmsg)).toMatch(/^component ticket is expired rid: /);
  });
  it("loses a ticket push to the drop_push fault, and pushes one through the control API", async () => {
    await setup(true);
    emu.control.addFault({ api: "ticket", kind: "drop_push" });
    await emu.control.advanceClock(10 * MINUTE);
    expect(tickets()).toHaveLength(0);
    const lost = emu.control.component.ticket(COMPONENT_APPID)?.value;
    expect(lost).toMatch(/^ticket@@@/);
    expect(emu.control.push.log({ target: "ticket" }).map((e) => e.outcome)).toEqual(["dropped"]);

    const res = await fetch(`${emu.baseUrls.control}/component/push-ticket`, {
      method: "POST",
      body: JSON.stringify({ componentAppId: COMPONENT_APPID }),
    });
    const body = (await res.json()) as { ticket: string; push: { outcome: string } };
    expect(body.push.outcome).toBe("success");
    expect(tickets()).toEqual([body.ticket]);
    const current = await fetch(`${emu.baseUrls.control}/component/${COMPONENT_APPID}/ticket`);
    expect(await current.json()).toMatchObject({ ticket: { value: body.ticket } });
    // The dropped ticket was still issued: a platform that somehow had it could use it.
    expect(await componentToken(lost)).toMatchObject({ expires_in: 7200 });
  });
  it("does not wait for every missed ticket when the clock jumps over a server that never answers", async () => {
    receiver = await startReceiver(
      { token: TOKEN, appId: COMPONENT_APPID, encodingAESKey: AES_KEY },
      () => "hang",
    );
    platform = emu.control.createPlatform({
      componentAppId: COMPONENT_APPID,
      token: TOKEN,
      encodingAESKey: AES_KEY,
      authEventUrl: `${receiver.url}/auth`,
    });
    emu.control.push.configure({ replyTimeoutMs: 100 });
    await emu.control.advanceClock(2 * HOUR);
    // The first missed period tries 3 times and fails; the next ones are issued quietly; the latest pushes again.
    expect(emu.control.push.log({ target: "ticket" }).map((e) => e.try)).toEqual([1, 2, 3, 1, 2, 3]);
    expect(platform.previousTickets).toHaveLength(11);
    expect(platform.ticket?.issuedAt).toBe(emu.clock.now());
  });
});

describe("component_access_token", () => {
  it("expires after 7200 s with 42006, WeChat's code for an expired component token", async () => {
    await setup(false);
    const token = await readyToken();
    expect(await call(token, "api_create_preauthcode", {})).toMatchObject({
      pre_auth_code: expect.any(String),
    });
    await emu.control.advanceClock(2 * HOUR + MINUTE);
    expect(await call(token, "api_create_preauthcode", {})).toMatchObject({ errcode: 42006 });
  });
});

describe("authorization", () => {
  it("runs the whole flow through the real HTML page, then the authorizer token calls APIs", async () => {
    await setup(false);
    const account = emu.control.createAccount({ kind: "service", nickname: "测试服务号" });
    emu.control.createFollowers(account.appId, 2);
    const token = await readyToken();
    const code = await preAuthCode(token);

    const pageUrl = componentLoginPageUrl(
      { componentAppId: COMPONENT_APPID, preAuthCode: code, redirectUri: REDIRECT, authType: 1 },
      { mp: emu.baseUrls.mp },
    );
    const page = await fetch(pageUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).not.toMatch(/<(script|link|img)\b/);
    expect(html).toContain("测试服务号");
    const form = readForm(html);
    const radios = form.inputs.filter((i) => i.name === "authorizer_appid");
    expect(radios.map((r) => r.value)).toContain(account.appId);
    const boxes = form.inputs.filter((i) => i.type === "checkbox");
    expect(boxes.length).toBeGreaterThan(10);
    expect(boxes.every((b) => b.checked)).toBe(true);

    // The administrator picks the account and keeps only 消息管理, 用户管理 and 账号服务.
    const fields = new URLSearchParams();
    for (const input of form.inputs) {
      if (input.type === "hidden") fields.append(input.name, input.value);
    }
    fields.append("authorizer_appid", account.appId);
    for (const id of ["1", "2", "3"]) fields.append("func_scope", id);
    const confirmed = await fetch(new URL(form.action, emu.baseUrls.mp), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: fields.toString(),
      redirect: "manual",
    });
    expect(confirmed.status).toBe(302);
    const location = new URL(confirmed.headers.get("location") ?? "");
    expect(`${location.origin}${location.pathname}`).toBe("https://platform.example/authorized");
    expect(location.searchParams.get("from")).toBe("test");
    expect(location.searchParams.get("expires_in")).toBe("600");
    const authCode = location.searchParams.get("auth_code") ?? "";
    expect(authCode).toMatch(/^queryauthcode@@@/);

    await emu.control.push.idle();
    const [authorized] = receiver.find("authorized");
    expect(authorized?.opened?.message).toMatchObject({
      infoType: "authorized",
      authorizerAppid: account.appId,
      authorizationCode: authCode,
      preAuthCode: code,
    });
    expect((authorized!.opened!.message as AuthorizationPush).authorizationCodeExpiredTime).toBe(
      Math.floor(emu.clock.now() / 1000) + 600,
    );

    const query = await call(token, "api_query_auth", { authorization_code: authCode });
    const info = query.authorization_info as Record<string, unknown>;
    expect(info).toMatchObject({ authorizer_appid: account.appId, expires_in: 7200 });
    expect(info.func_info).toEqual([1, 2, 3].map((id) => ({ funcscope_category: { id } })));
    expect(String(info.authorizer_refresh_token)).toMatch(/^refreshtoken@@@/);
    expect((await call(token, "api_query_auth", { authorization_code: authCode })).errcode).toBe(61009);

    const accessToken = String(info.authorizer_access_token);
    const whoami = await emu.get("/cgi-bin/test/whoami", { access_token: accessToken });
    expect(whoami.body).toMatchObject({ errcode: 0, appid: account.appId, via_component: true });
    // Permission sets are enforced: 用户管理 (2) was granted, 自定义菜单 (15) was not.
    const users = await emu.get("/cgi-bin/user/get", { access_token: accessToken });
    expect(users.body.total).toBe(2);
    expect((await emu.get("/cgi-bin/menu/get", { access_token: accessToken })).body.errcode).toBe(61007);

    const refreshed = await call(token, "api_authorizer_token", {
      authorizer_appid: account.appId,
      authorizer_refresh_token: info.authorizer_refresh_token,
    });
    expect(refreshed).toMatchObject({
      expires_in: 7200,
      authorizer_refresh_token: info.authorizer_refresh_token,
    });
    expect(refreshed.authorizer_access_token).not.toBe(accessToken);

    const described = await call(token, "api_get_authorizer_info", { authorizer_appid: account.appId });
    expect(described.authorizer_info).toMatchObject({
      nick_name: "测试服务号",
      service_type_info: { id: 2 },
      verify_type_info: { id: 0 },
      user_name: account.originalId,
      principal_name: account.principalName,
      account_status: 1,
    });
    expect(described.authorizer_info).not.toHaveProperty("MiniProgramInfo");
    expect(described.authorization_info).toMatchObject({ authorizer_appid: account.appId });

    const list = await call(token, "api_get_authorizer_list", { offset: 0, count: 10 });
    expect(list).toMatchObject({ total_count: 1, list: [{ authorizer_appid: account.appId }] });

    // The pre-auth code was used up: the page now shows WeChat's error.
    const reused = await (await fetch(pageUrl)).text();
    expect(reused).toMatch(/data-errcode="61009"/);
    expect(reused).toMatch(/code is invalid rid: [0-9a-f]{8}-/);
  });

  it("re-authorization: new refresh token (old 61023), updateauthorized only when the sets change", async () => {
    await setup(false);
    const account = emu.control.createAccount({ kind: "service" });
    const token = await readyToken();
    const authorizeWith = async (funcScopes: number[]) => {
      const result = await emu.control.component.authorize({
        componentAppId: COMPONENT_APPID,
        preAuthCode: await preAuthCode(token),
        authorizerAppId: account.appId,
        funcScopes,
        redirectUri: REDIRECT,
      });
      const query = await call(token, "api_query_auth", { authorization_code: result.authCode });
      return { result, info: query.authorization_info as Record<string, unknown> };
    };
    const refresh = (value: unknown) =>
      call(token, "api_authorizer_token", {
        authorizer_appid: account.appId,
        authorizer_refresh_token: value,
      });

    const first = await authorizeWith([1, 2]);
    expect(first.result).toMatchObject({ infoType: "authorized", push: { outcome: "success" } });
    expect(first.result.redirectUrl).toMatch(
      /^https:\/\/platform\.example\/authorized\?from=test&auth_code=/,
    );

    const same = await authorizeWith([2, 1]);
    expect(same.result.infoType).toBeUndefined();
    expect(receiver.find("updateauthorized")).toHaveLength(0);
    expect((await refresh(first.info.authorizer_refresh_token)).errcode).toBe(61023);
    expect((await refresh(same.info.authorizer_refresh_token)).authorizer_access_token).toBeDefined();

    const wider = await authorizeWith([1, 2, 15]);
    expect(wider.result.infoType).toBe("updateauthorized");
    expect(receiver.find("updateauthorized")).toHaveLength(1);
    expect(receiver.find("authorized")).toHaveLength(1);
    const menu = await emu.get("/cgi-bin/menu/get", {
      access_token: String(wider.info.authorizer_access_token),
    });
    expect(menu.body.errcode).not.toBe(61007);
  });

  it("de-authorization pushes unauthorized and kills the refresh and access tokens", async () => {
    await setup(false);
    const account = emu.control.createAccount({ kind: "service" });
    const token = await readyToken();
    const { authCode } = await emu.control.component.authorize({
      componentAppId: COMPONENT_APPID,
      preAuthCode: await preAuthCode(token),
      authorizerAppId: account.appId,
    });
    const info = (await call(token, "api_query_auth", { authorization_code: authCode }))
      .authorization_info as Record<string, unknown>;
    const accessToken = String(info.authorizer_access_token);
    expect((await emu.get("/cgi-bin/test/whoami", { access_token: accessToken })).body.errcode).toBe(0);

    const res = await fetch(`${emu.baseUrls.control}/component/deauthorize`, {
      method: "POST",
      body: JSON.stringify({ componentAppId: COMPONENT_APPID, authorizerAppId: account.appId }),
    });
    expect(await res.json()).toMatchObject({ push: { outcome: "success" } });
    expect(receiver.find("unauthorized")[0]?.opened?.message).toMatchObject({
      authorizerAppid: account.appId,
    });

    expect((await emu.get("/cgi-bin/test/whoami", { access_token: accessToken })).body.errcode).toBe(40001);
    const refreshed = await call(token, "api_authorizer_token", {
      authorizer_appid: account.appId,
      authorizer_refresh_token: info.authorizer_refresh_token,
    });
    expect(refreshed.errcode).toBe(61023);
    expect((await call(token, "api_get_authorizer_info", { authorizer_appid: account.appId })).errcode).toBe(
      61003,
    );
    expect(await call(token, "api_get_authorizer_list", { offset: 0, count: 10 })).toMatchObject({
      total_count: 0,
    });

    // Authorizing again is a first authorization; the old tokens stay dead.
    const again = await emu.control.component.authorize({
      componentAppId: COMPONENT_APPID,
      preAuthCode: await preAuthCode(token),
      authorizerAppId: account.appId,
    });
    expect(again.infoType).toBe("authorized");
    expect((await emu.get("/cgi-bin/test/whoami", { access_token: accessToken })).body.errcode).toBe(40001);
  });

  it("refuses expired pre-auth codes, pages without matching accounts, and a 16th platform", async () => {
    await setup(false);
    const mini = emu.control.createAccount({ kind: "miniprogram" });
    const token = await readyToken();
    const code = await preAuthCode(token);
    const mobile = await fetch(
      `${emu.baseUrls.open}/wxaopen/safe/bindcomponent?action=bindcomponent&no_scan=1&component_appid=${COMPONENT_APPID}` +
        `&pre_auth_code=${encodeURIComponent(code)}&redirect_uri=${encodeURIComponent(REDIRECT)}&auth_type=2`,
    );
    const mobileHtml = await mobile.text();
    expect(mobileHtml).toContain('name="viewport"');
    expect(
      readForm(mobileHtml)
        .inputs.filter((i) => i.name === "authorizer_appid")
        .map((i) => i.value),
    ).toEqual([mini.appId]);
    expect(mobileHtml).toContain("小程序授权权限集");
    expect(mobileHtml).not.toContain("公众号授权权限集");

    const wrongBiz = await fetch(
      `${emu.baseUrls.mp}/safe/bindcomponent?component_appid=${COMPONENT_APPID}&pre_auth_code=${encodeURIComponent(code)}` +
        `&redirect_uri=${encodeURIComponent(REDIRECT)}&auth_type=1&biz_appid=${mini.appId}`,
    );
    expect(await wrongBiz.text()).toContain("没有可以授权的帐号");

    await emu.control.advanceClock(10 * MINUTE);
    const expired = await fetch(
      componentLoginPageUrl(
        { componentAppId: COMPONENT_APPID, preAuthCode: code, redirectUri: REDIRECT },
        { mp: emu.baseUrls.mp },
      ),
    );
    expect(await expired.text()).toMatch(/data-errcode="61010"/);
    const requests = emu.control.requestLog({ path: "/cgi-bin/componentloginpage" });
    expect(requests.at(-1)).toMatchObject({ errcode: 61010, appid: COMPONENT_APPID });
    await expect(
      emu.control.component.authorize({
        componentAppId: COMPONENT_APPID,
        preAuthCode: code,
        authorizerAppId: mini.appId,
      }),
    ).rejects.toThrow(/61010/);

    const fresh = emu.control.component.createPreAuthCode(COMPONENT_APPID).preAuthCode;
    const described = await emu.control.component.authorize({
      componentAppId: COMPONENT_APPID,
      preAuthCode: fresh,
      authorizerAppId: mini.appId,
      funcScopes: [17, 18],
    });
    expect(described.funcScopes).toEqual([17, 18]);
    const info = await call(token, "api_get_authorizer_info", { authorizer_appid: mini.appId });
    expect(info.authorizer_info).toHaveProperty("MiniProgramInfo");
    await expect(
      emu.control.component.authorize({
        componentAppId: COMPONENT_APPID,
        preAuthCode: emu.control.component.createPreAuthCode(COMPONENT_APPID).preAuthCode,
        authorizerAppId: mini.appId,
        funcScopes: [1],
      }),
    ).rejects.toThrow(/do not apply/);

    // 14 more platforms make 15; a 16th is refused.
    for (let i = 0; i < 14; i++) {
      const other = emu.control.createPlatform().componentAppId;
      await emu.control.component.authorize({
        componentAppId: other,
        preAuthCode: emu.control.component.createPreAuthCode(other).preAuthCode,
        authorizerAppId: mini.appId,
      });
    }
    const sixteenth = emu.control.createPlatform().componentAppId;
    await expect(
      emu.control.component.authorize({
        componentAppId: sixteenth,
        preAuthCode: emu.control.component.createPreAuthCode(sixteenth).preAuthCode,
        authorizerAppId: mini.appId,
      }),
    ).rejects.toThrow(/at most 15/);
  });
});

describe("message pushes of authorized accounts", () => {
  it("go to the platform's message URL with $APPID$ replaced, encrypted with the platform's key", async () => {
    await setup(false);
    const account = emu.control.createAccount({ kind: "service" });
    const own = await startReceiver({ token: "own", appId: account.appId });
    try {
      emu.world.account(account.appId)!.server = {
        url: own.url,
        token: "own",
        encodingAESKey: "",
        mode: "plaintext",
      };
      const [follower] = emu.control.createFollowers(account.appId, 1);
      const ref = { appId: account.appId, openId: follower!.openId };

      await emu.control.follower.sendText(ref, "before");
      expect(own.pushes).toHaveLength(1);

      // Without 消息管理 (1) the account's own server keeps its messages.
      await emu.control.component.authorize({
        componentAppId: COMPONENT_APPID,
        preAuthCode: emu.control.component.createPreAuthCode(COMPONENT_APPID).preAuthCode,
        authorizerAppId: account.appId,
        funcScopes: [2],
      });
      await emu.control.follower.sendText(ref, "still own");
      expect(own.pushes).toHaveLength(2);

      await emu.control.component.authorize({
        componentAppId: COMPONENT_APPID,
        preAuthCode: emu.control.component.createPreAuthCode(COMPONENT_APPID).preAuthCode,
        authorizerAppId: account.appId,
        funcScopes: [1, 2],
      });
      const result = await emu.control.follower.sendText(ref, "to the platform");
      expect(result.push).toMatchObject({ outcome: "success", target: account.appId });
      expect(own.pushes).toHaveLength(2);
      const push = receiver.find("text")[0]!;
      expect(push.path).toBe(`/msg/${account.appId}`);
      expect(push.query).toMatchObject({ encrypt_type: "aes", openid: follower!.openId });
      expect(push.opened!.message as TextMessage).toMatchObject({
        content: "to the platform",
        toUserName: account.originalId,
      });
    } finally {
      await own.close();
    }
  });
});
