import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ridOf, startEmulator, type TestEmulator } from "../../test/support.js";
import type { Account } from "../world/types.js";

const MIN = 60_000;
let emu: TestEmulator;
let account: Account;

function creds(over: Record<string, string> = {}): Record<string, string> {
  return { grant_type: "client_credential", appid: account.appId, secret: account.secret, ...over };
}

async function token(): Promise<string> {
  const { body } = await emu.get("/cgi-bin/token", creds());
  expect(typeof body.access_token).toBe("string");
  return body.access_token as string;
}

async function whoami(accessToken: string): Promise<Record<string, unknown>> {
  return (await emu.get("/cgi-bin/test/whoami", { access_token: accessToken })).body;
}

beforeEach(async () => {
  emu = await startEmulator({ limits: { "/cgi-bin/token": 5 } });
  account = emu.control.createAccount({ kind: "service" });
});
afterEach(async () => {
  await emu.close();
});

describe("GET /cgi-bin/token", () => {
  it("issues a token of WeChat's shape, valid for 7200 s", async () => {
    const { status, body } = await emu.get("/cgi-bin/token", creds());
    expect(status).toBe(200);
    expect(body.expires_in).toBe(7200);
    const value = body.access_token as string;
    expect(value.length).toBeGreaterThanOrEqual(100);
    expect(value.length).toBeLessThanOrEqual(512);
    expect(await whoami(value)).toMatchObject({ errcode: 0, appid: account.appId, via_component: false });
  });

  it("refuses bad credentials with WeChat's codes", async () => {
    const cases: [Record<string, string>, number][] = [
      [creds({ grant_type: "password" }), 40002],
      [creds({ appid: "" }), 41002],
      [creds({ appid: "wx0000000000000000" }), 40013],
      [creds({ secret: "" }), 41004],
      [creds({ secret: "0".repeat(32) }), 40125],
    ];
    for (const [query, errcode] of cases) {
      const { body } = await emu.get("/cgi-bin/token", query);
      expect(body.errcode, JSON.stringify(query)).toBe(errcode);
      expect(ridOf(body.errmsg)).toBeDefined();
    }
  });

  it("answers 61024 to a third-party platform's appid", async () => {
    const platform = emu.control.createPlatform();
    const { body } = await emu.get(
      "/cgi-bin/token",
      creds({ appid: platform.componentAppId, secret: platform.secret }),
    );
    expect(body.errcode).toBe(61024);
  });

  it("enforces the IP whitelist with 40164", async () => {
    const fenced = emu.control.createAccount({ ipWhitelist: ["10.1.2.3"] });
    const { body } = await emu.get("/cgi-bin/token", creds({ appid: fenced.appId, secret: fenced.secret }));
    expect(body.errcode).toBe(40164);
    expect(body.errmsg).toMatch(/^invalid ip 127\.0\.0\.1 .*not in whitelist rid: /);
    const open = emu.control.createAccount({ ipWhitelist: ["127.0.0.1"] });
    const ok = await emu.get("/cgi-bin/token", creds({ appid: open.appId, secret: open.secret }));
    expect(ok.body.access_token).toBeDefined();
  });

  it("keeps the old token valid for 5 minutes after a new one, then answers 40001", async () => {
    const first = await token();
    const second = await token();
    expect(second).not.toBe(first);
    await emu.control.advanceClock(5 * MIN - 1000);
    expect((await whoami(first)).errcode).toBe(0);
    expect((await whoami(second)).errcode).toBe(0);
    await emu.control.advanceClock(1000);
    const refused = await whoami(first);
    expect(refused.errcode).toBe(40001);
    expect(refused.errmsg).toMatch(/^invalid credential, access_token is invalid or not latest rid: /);
    expect((await whoami(second)).errcode).toBe(0);
  });

  it("answers 42001 once the token's 7200 s have passed", async () => {
    const value = await token();
    await emu.control.advanceClock(7200 * 1000 - 1);
    expect((await whoami(value)).errcode).toBe(0);
    await emu.control.advanceClock(1);
    expect((await whoami(value)).errcode).toBe(42001);
  });

  it("answers 41001 without a token, 40014 for a malformed one, 40001 for an unknown one", async () => {
    expect((await emu.get("/cgi-bin/test/whoami")).body.errcode).toBe(41001);
    expect((await whoami("not a token!")).errcode).toBe(40014);
    expect((await whoami("x".repeat(513))).errcode).toBe(40014);
    expect((await whoami(`72_${"A".repeat(130)}`)).errcode).toBe(40001);
  });

  it("stops at the daily limit with 45009 and starts again the next Beijing day", async () => {
    for (let i = 0; i < 5; i++)
      expect((await emu.get("/cgi-bin/token", creds())).body.access_token).toBeDefined();
    const over = await emu.get("/cgi-bin/token", creds());
    expect(over.body.errcode).toBe(45009);
    expect(over.body.errmsg).toMatch(/^reach max api daily quota limit rid: /);
    // START is 12:00 Beijing time: 12 hours later is the next day.
    await emu.control.advanceClock(12 * 60 * MIN);
    expect((await emu.get("/cgi-bin/token", creds())).body.access_token).toBeDefined();
  });

  it("has WeChat's default of 2000 a day (200 for a test account)", async () => {
    const plain = await startEmulator();
    try {
      const a = plain.control.createAccount();
      const t = plain.control.createAccount({ testAccount: true });
      const q = (x: Account) => ({ grant_type: "client_credential", appid: x.appId, secret: x.secret });
      for (let i = 0; i < 200; i++) await plain.get("/cgi-bin/token", q(t));
      expect((await plain.get("/cgi-bin/token", q(t))).body.errcode).toBe(45009);
      for (let i = 0; i < 2000; i++) await plain.get("/cgi-bin/token", q(a));
      expect((await plain.get("/cgi-bin/token", q(a))).body.errcode).toBe(45009);
    } finally {
      await plain.close();
    }
  });
});

describe("POST /cgi-bin/stable_token", () => {
  const stable = (force?: boolean, over: Record<string, unknown> = {}) =>
    emu.post("/cgi-bin/stable_token", {
      grant_type: "client_credential",
      appid: account.appId,
      secret: account.secret,
      ...(force === undefined ? {} : { force_refresh: force }),
      ...over,
    });

  it("returns the same token until 5 minutes before expiry, then a new one", async () => {
    const a = (await stable()).body;
    expect(a.expires_in).toBe(7200);
    await emu.control.advanceClock(60 * MIN);
    const b = (await stable(false)).body;
    expect(b.access_token).toBe(a.access_token);
    expect(b.expires_in).toBe(3600);
    await emu.control.advanceClock(55 * MIN);
    const c = (await stable()).body;
    expect(c.access_token).not.toBe(a.access_token);
    expect(c.expires_in).toBe(7200);
    // The old one lives out its last 5 minutes.
    expect((await whoami(a.access_token as string)).errcode).toBe(0);
    await emu.control.advanceClock(5 * MIN);
    expect((await whoami(a.access_token as string)).errcode).toBe(42001);
  });

  it("is isolated from /cgi-bin/token", async () => {
    const s = (await stable()).body.access_token as string;
    const basic = await token();
    await token();
    await emu.control.advanceClock(10 * MIN);
    expect((await whoami(s)).errcode).toBe(0);
    expect((await whoami(basic)).errcode).toBe(40001);
    expect((await stable()).body.access_token).toBe(s);
  });

  it("force_refresh replaces the token at once, at most every 30 s and 20 times a day", async () => {
    const first = (await stable()).body.access_token as string;
    const forced = (await stable(true)).body.access_token as string;
    expect(forced).not.toBe(first);
    expect((await whoami(first)).errcode).toBe(40001);
    expect((await stable(true)).body.errcode).toBe(45011);
    for (let i = 1; i < 20; i++) {
      await emu.control.advanceClock(30_000);
      expect((await stable(true)).body.access_token, `force ${i + 1}`).toBeDefined();
    }
    await emu.control.advanceClock(30_000);
    expect((await stable(true)).body.errcode).toBe(45009);
    expect((await stable()).body.access_token).toBeDefined();
  });

  it("checks credentials like /cgi-bin/token and refuses platforms with 61024", async () => {
    expect((await stable(false, { grant_type: "x" })).body.errcode).toBe(40002);
    expect((await stable(false, { secret: "f".repeat(32) })).body.errcode).toBe(40125);
    expect((await stable(false, { appid: "wx1111111111111111" })).body.errcode).toBe(40013);
    const platform = emu.control.createPlatform();
    expect(
      (await stable(false, { appid: platform.componentAppId, secret: platform.secret })).body.errcode,
    ).toBe(61024);
  });

  it("answers 47001 to a body that is not JSON and 43002 to GET", async () => {
    const bad = await emu.post("/cgi-bin/stable_token", "{not json");
    expect(bad.body.errcode).toBe(47001);
    expect(bad.body.errmsg).toMatch(/^data format error rid: /);
    expect((await emu.post("/cgi-bin/stable_token", "")).body.errcode).toBe(47001);
    expect((await emu.get("/cgi-bin/stable_token")).body.errcode).toBe(43002);
  });
});
