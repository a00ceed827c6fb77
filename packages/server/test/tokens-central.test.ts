import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type TestDatabase, testEngines } from "../src/testing/engines.js";
import { authorizeAccount, type SandboxHarness, startSandbox } from "./accounts-fixture.js";

let h: SandboxHarness;
let appId: string;
let database: TestDatabase | undefined;

interface Token {
  access_token: string;
  expires_at: number;
}
const REFRESH = "/cgi-bin/component/api_authorizer_token";

async function advance(ms: number): Promise<void> {
  await h.server.sandbox!.core.control.advanceClock(ms);
  await h.settle();
}

describe.each(testEngines)("the token endpoint (中控) on $name", (engine) => {
  beforeEach(async () => {
    database = await engine.database();
    h = await startSandbox({ env: database.env });
    expect(h.server.store.dialect).toBe(engine.name);
    appId = h.demo.serviceAppId;
    await authorizeAccount(h, appId);
    await h.api("PUT", `/accounts/${appId}/openid-mapping`, { property: "openid" });
    const enabled = await h.api("POST", `/accounts/${appId}/enable`);
    expect(enabled.status).toBe(200);
    await h.settle();
  });
  afterEach(async () => {
    await h.close();
    await database?.dispose();
    database = undefined;
  });

  it("serves the token the authorization granted, then 200 concurrent callers of an expired token cause ONE refresh", async () => {
    const tokenKey = await h.keyWith(["token:read"]);
    const first = await h.api<Token>("GET", `/accounts/${appId}/access-token`, undefined, tokenKey);
    expect(first.status).toBe(200);
    expect(first.body.expires_at).toBe(h.server.clock.now() + 7_200_000);
    expect(h.wechatCalls(REFRESH)).toBe(0);

    await advance(7_200_000 + 1000);
    const answers = await Promise.all(
      Array.from({ length: 200 }, () =>
        h.api<Token>("GET", `/accounts/${appId}/access-token`, undefined, tokenKey),
      ),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const values = new Set(answers.map((a) => a.body.access_token));
    expect(values.size).toBe(1);
    expect(values.has(first.body.access_token)).toBe(false);
    expect(h.wechatCalls(REFRESH)).toBe(1);
    expect(answers[0]!.body.expires_at).toBe(h.server.clock.now() + 7_200_000);

    // The token is stored encrypted: its value appears nowhere in the table.
    const rows = await h.server.store.db.selectFrom("tokens").selectAll().execute();
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(answers[0]!.body.access_token);
  });

  it("100 callers reporting the same stale token at once cause one refresh, and all get the new token", async () => {
    const stale = (await h.api<Token>("GET", `/accounts/${appId}/access-token`)).body.access_token;
    const answers = await Promise.all(
      Array.from({ length: 100 }, () =>
        h.api<Token>("POST", `/accounts/${appId}/access-token/invalidate`, { access_token: stale }),
      ),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const values = new Set(answers.map((a) => a.body.access_token));
    expect(values.size).toBe(1);
    expect(values.has(stale)).toBe(false);
    expect(h.wechatCalls(REFRESH)).toBe(1);
    // A late report of the same stale token changes nothing.
    const late = await h.api<Token>("POST", `/accounts/${appId}/access-token/invalidate`, {
      access_token: stale,
    });
    expect(values.has(late.body.access_token)).toBe(true);
    expect(h.wechatCalls(REFRESH)).toBe(1);
  });

  it("a token WeChat killed is recovered by clientFor with one refresh and one retry", async () => {
    const client = await h.server.context.use("accountClients").clientFor(appId);
    const before = await client.call<{ tags: unknown[] }>("/cgi-bin/tags/get");
    expect(Array.isArray(before.tags)).toBe(true);

    h.server.sandbox!.core.control.invalidateToken(appId, {
      kind: "authorizer",
      componentAppId: h.demo.componentAppId,
    });
    const after = await client.call<{ tags: unknown[] }>("/cgi-bin/tags/get");
    expect(after.tags).toEqual(before.tags);
    expect(h.wechatCalls(REFRESH)).toBe(1);
    const log = h.server.sandbox!.core.control.requestLog({ path: "/cgi-bin/tags/get" });
    expect(log.map((e) => e.errcode)).toEqual([0, 40001, 0]);

    // wxgate's own outbound call log saw the same.
    const calls = await h.api<{ items: { api: string; errcode: number; rid: string | null }[] }>(
      "GET",
      `/accounts/${appId}/api-calls?api=/cgi-bin/tags/get`,
    );
    expect(calls.body.items.map((c) => c.errcode)).toEqual([0, 40001, 0]);
    const rejected = await h.api<{ items: { rid: string | null }[] }>(
      "GET",
      `/accounts/${appId}/api-calls?errcode=40001`,
    );
    expect(rejected.body.items).toHaveLength(1);
    expect(rejected.body.items[0]!.rid).toMatch(/\S/);
  });

  it("a failed refresh keeps serving the still-valid token and records the failure on the account", async () => {
    const old = (await h.api<Token>("GET", `/accounts/${appId}/access-token`)).body.access_token;
    h.server.sandbox!.core.control.addFault({ api: REFRESH, kind: "errcode", errcode: 61023, count: 1 });
    await advance(7_200_000 - 60_000); // inside the refresh-ahead window, not expired
    const served = await h.api<Token>("GET", `/accounts/${appId}/access-token`);
    expect(served.status).toBe(200);
    expect(served.body.access_token).toBe(old);
    const account = await h.api<{ lastTokenError: { code: string; errcode: number; rid: string | null } }>(
      "GET",
      `/accounts/${appId}`,
    );
    expect(account.body.lastTokenError).toMatchObject({ code: "wechat_api_error", errcode: 61023 });
    expect(account.body.lastTokenError.rid).toMatch(/\S/);
  });

  it("disabled and de-authorized accounts get 409 with stable reasons; de-authorization drops the tokens", async () => {
    await h.api("POST", `/accounts/${appId}/disable`);
    const disabled = await h.api<{ error: { code: string; details: { reason: string } } }>(
      "GET",
      `/accounts/${appId}/access-token`,
    );
    expect(disabled.status).toBe(409);
    expect(disabled.body.error.details.reason).toBe("account_disabled");
    await h.api("POST", `/accounts/${appId}/enable`);

    const tokensBefore = await h.server.store.db
      .selectFrom("tokens")
      .where("appid", "=", appId)
      .selectAll()
      .execute();
    expect(tokensBefore).toHaveLength(1);
    const { push } = await h.server.sandbox!.core.control.component.deauthorize({
      componentAppId: h.demo.componentAppId,
      authorizerAppId: appId,
    });
    expect(push.outcome).toBe("success");

    const account = await h.api("GET", `/accounts/${appId}`);
    expect(account.body).toMatchObject({ authorizationState: "unauthorized", enabled: false });
    const tokensAfter = await h.server.store.db
      .selectFrom("tokens")
      .where("appid", "=", appId)
      .selectAll()
      .execute();
    expect(tokensAfter).toHaveLength(0);
    const row = await h.server.store.db
      .selectFrom("accounts")
      .select("refresh_token")
      .where("appid", "=", appId)
      .executeTakeFirstOrThrow();
    expect(row.refresh_token).toBeNull();
    const refused = await h.api<{ error: { details: { reason: string } } }>(
      "GET",
      `/accounts/${appId}/access-token`,
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error.details.reason).toBe("account_unauthorized");
    const enable = await h.api<{ error: { details: { reason: string } } }>(
      "POST",
      `/accounts/${appId}/enable`,
    );
    expect(enable.body.error.details.reason).toBe("account_unauthorized");
  });
});
