import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ridOf, startWithAccount, type TestEmulator } from "../../test/support.js";
import type { Account } from "../world/types.js";
import { checkApiAccess } from "./permissions.js";

let emu: TestEmulator;
let account: Account;
let token: string;

beforeEach(async () => {
  ({ emu, account, token } = await startWithAccount());
});
afterEach(async () => {
  await emu.close();
});

describe("error answers", () => {
  it("are {errcode, errmsg: '<text> rid: <rid>'} with HTTP 200, and the rid keeps redacted details", async () => {
    const res = await emu.post("/cgi-bin/stable_token", {
      grant_type: "client_credential",
      appid: account.appId,
      secret: "wrong-secret-value",
    });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(["errcode", "errmsg"]);
    expect(res.body.errcode).toBe(40125);
    const rid = ridOf(res.body.errmsg);
    expect(rid).toBeDefined();
    const record = emu.control.rid(rid!);
    expect(record).toMatchObject({ rid, appid: account.appId, requestUrl: "/cgi-bin/stable_token" });
    expect(record?.requestBody).not.toContain("wrong-secret-value");
    expect(record?.responseBody).toBe(JSON.stringify(res.body));
    const viaHttp = await fetch(`${emu.baseUrls.control}/rids/${rid}`);
    expect(((await viaHttp.json()) as { rid: string }).rid).toBe(rid);
  });

  it("rids start with the emulated time in hex seconds", async () => {
    const { body } = await emu.get("/cgi-bin/test/whoami");
    const rid = ridOf(body.errmsg)!;
    expect(Number.parseInt(rid.slice(0, 8), 16)).toBe(Math.floor(emu.clock.now() / 1000));
  });

  it("unknown paths answer HTTP 404 with errcode -1 and a rid", async () => {
    const res = await emu.get("/cgi-bin/no/such/api", { access_token: token });
    expect(res.status).toBe(404);
    expect(res.body.errcode).toBe(-1);
    expect(ridOf(res.body.errmsg)).toBeDefined();
    const control = await fetch(`${emu.baseUrls.control}/nothing-here`);
    expect(control.status).toBe(404);
  });

  it("a malformed JSON body is 47001 whatever the Content-Type, and JSON is read without one", async () => {
    expect((await emu.post("/cgi-bin/test/echo", '{"a":')).body.errcode).toBe(47001);
    const res = await fetch(`${emu.baseUrls.api}/cgi-bin/test/echo`, { method: "POST", body: '{"a":1}' });
    expect(await res.json()).toEqual({ errcode: 0, errmsg: "ok", echo: { a: 1 } });
  });
});

describe("request log", () => {
  it("records every WeChat-path call with appid, errcode, rid and latency, and filters", async () => {
    const started = performance.now();
    await emu.get("/cgi-bin/test/whoami", { access_token: token });
    const failed = await emu.get("/cgi-bin/test/whoami", { access_token: "bad token" });
    await emu.get("/cgi-bin/nowhere");
    await fetch(`${emu.baseUrls.control}/summary`);
    const elapsed = performance.now() - started;
    const all = emu.control.requestLog();
    expect(all.map((e) => e.path)).toEqual([
      "/cgi-bin/token",
      "/cgi-bin/test/whoami",
      "/cgi-bin/test/whoami",
      "/cgi-bin/nowhere",
    ]);
    expect(all[1]).toMatchObject({ method: "GET", appid: account.appId, errcode: 0, status: 200 });
    expect(all[1]?.rid).toBeUndefined();
    expect(all[2]).toMatchObject({ errcode: 40014, rid: ridOf(failed.body.errmsg) });
    expect(all[3]).toMatchObject({ errcode: -1, status: 404 });
    for (const e of all) expect(e.time).toBe(emu.clock.now());
    // Latency is real time spent on the request (the emulated clock stands still here): within
    // what the three calls above took as the client saw them, and not nothing for all of them.
    const timed = all.slice(1);
    for (const e of timed) {
      expect(e.latencyMs).toBeGreaterThanOrEqual(0);
      expect(e.latencyMs).toBeLessThanOrEqual(elapsed);
    }
    expect(timed.reduce((sum, e) => sum + e.latencyMs, 0)).toBeGreaterThan(0);
    const res = await fetch(`${emu.baseUrls.control}/requests?path=/cgi-bin/test/whoami&errcode=40014`);
    const { requests } = (await res.json()) as { requests: unknown[] };
    expect(requests).toHaveLength(1);
    expect(emu.control.requestLog({ appid: account.appId })).toHaveLength(2);
    expect(emu.control.requestLog({ limit: 1 })[0]?.path).toBe("/cgi-bin/nowhere");
  });
});

describe("faults", () => {
  async function fault(spec: Record<string, unknown>): Promise<Response> {
    return fetch(`${emu.baseUrls.control}/faults`, { method: "POST", body: JSON.stringify(spec) });
  }

  it("errcode: the next N calls of that path answer the errcode, then normal service resumes", async () => {
    expect((await fault({ api: "/cgi-bin/test/whoami", kind: "errcode", count: 2 })).status).toBe(200);
    const q = { access_token: token };
    expect((await emu.get("/cgi-bin/test/whoami", q)).body.errcode).toBe(-1);
    expect((await emu.get("/cgi-bin/token")).body.errcode).toBe(40002);
    expect((await emu.get("/cgi-bin/test/whoami", q)).body).toMatchObject({
      errcode: -1,
      errmsg: expect.stringMatching(/^system error rid: /),
    });
    expect((await emu.get("/cgi-bin/test/whoami", q)).body.errcode).toBe(0);
  });

  it("errcode with a chosen code, http5xx, and latency for any path", async () => {
    await fault({ api: "*", kind: "errcode", errcode: 45011 });
    expect((await emu.get("/cgi-bin/test/whoami", { access_token: token })).body.errcode).toBe(45011);
    await fault({ api: "/cgi-bin/test/whoami", kind: "http5xx", status: 502 });
    const res = await fetch(`${emu.baseUrls.api}/cgi-bin/test/whoami?access_token=${token}`);
    expect(res.status).toBe(502);
    expect(emu.control.requestLog({ limit: 1 })[0]).toMatchObject({ status: 502, errcode: -1 });
    await fault({ api: "*", kind: "latency", ms: 20 });
    expect(emu.control.faults()).toHaveLength(1);
    expect((await emu.get("/cgi-bin/test/whoami", { access_token: token })).body.errcode).toBe(0);
    expect(emu.control.faults()).toHaveLength(0);
  });

  it("refuses malformed specs with 400 and clears on DELETE", async () => {
    expect((await fault({ api: "*", kind: "explode" })).status).toBe(400);
    expect((await fault({ api: "*", kind: "latency" })).status).toBe(400);
    expect((await fault({ api: "*", kind: "errcode", count: 0 })).status).toBe(400);
    await fault({ api: "push", kind: "drop_push", count: 3 });
    expect(emu.core.faults.takePushDrop(account.appId)).toBe(true);
    await fetch(`${emu.baseUrls.control}/faults`, { method: "DELETE" });
    expect(emu.core.faults.takePushDrop(account.appId)).toBe(false);
  });
});

describe("daily quota of token-authenticated APIs", () => {
  it("counts per account and path and answers 45009 past the limit", async () => {
    const q = { access_token: token };
    for (let i = 0; i < 3; i++) expect((await emu.get("/cgi-bin/test/limited", q)).body.errcode).toBe(0);
    expect((await emu.get("/cgi-bin/test/limited", q)).body.errcode).toBe(45009);
    expect(emu.core.quota.view(account, "/cgi-bin/test/limited")).toEqual({
      daily_limit: 3,
      used: 3,
      remain: 0,
    });
    emu.core.quota.clear(account);
    expect((await emu.get("/cgi-bin/test/limited", q)).body.errcode).toBe(0);
  });
});

describe("permission check", () => {
  it("applies the shared rules table: kind, verification, permission sets, status", () => {
    const unverifiedSub = emu.control.createAccount({ kind: "subscription", verifyType: -1 });
    expect(checkApiAccess("/cgi-bin/menu/create", { account })).toBeUndefined();
    expect(checkApiAccess("/cgi-bin/message/template/send", { account: unverifiedSub })).toBe(48001);
    const authorization = {
      authorizerAppId: account.appId,
      refreshToken: "r",
      funcScopes: [1],
      authorizedAt: 0,
      updatedAt: 0,
    };
    expect(checkApiAccess("/cgi-bin/menu/create", { account, authorization })).toBe(61007);
    const frozen = emu.control.createAccount({ status: 19 });
    expect(checkApiAccess("/cgi-bin/menu/create", { account: frozen })).toBe(50002);
  });
});
