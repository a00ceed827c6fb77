import { afterEach, describe, expect, it } from "vitest";
import { authorizeAccount, type SandboxHarness, startSandbox } from "./accounts-fixture.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;

interface ErrorAnswer {
  error: { code: string; message: string; details: Record<string, unknown> };
}
interface Lifecycle {
  state: string;
  expiresAt: number | null;
  remindFrom: number | null;
  coolingOffUntil: number | null;
}
interface AccountAnswer {
  authorizedAt: number | null;
  enabled: boolean;
  lifecycle: Lifecycle;
}
interface PermissionSets {
  permissionSets: { granted: { id: number }[]; required: { id: number }[] };
}
interface Notice {
  appId: string;
  kind: string;
  periodStartedAt: number;
  expiresAt: number;
  recordedAt: number;
}

let h: SandboxHarness;
afterEach(async () => {
  await h?.close();
});

/** Moves WeChat's clock and wxgate's together, and waits for the pushes that fell due. */
async function advance(ms: number): Promise<void> {
  await h.server.sandbox!.core.control.advanceClock(ms);
  await h.settle();
}

async function lifecycleOf(appId: string): Promise<Lifecycle> {
  return (await h.api<AccountAnswer>("GET", `/accounts/${appId}`)).body.lifecycle;
}

/** Authorizes, maps the OpenID and enables the demo service account; the token endpoint then answers. */
async function enabledServiceAccount(): Promise<string> {
  const appId = h.demo.serviceAppId;
  await authorizeAccount(h, appId);
  await h.api("PUT", `/accounts/${appId}/openid-mapping`, { property: "openid" });
  expect((await h.api("POST", `/accounts/${appId}/enable`)).status).toBe(200);
  expect((await h.api("GET", `/accounts/${appId}/access-token`)).status).toBe(200);
  return appId;
}

describe("authorization validity", () => {
  it("lasts a year from the authorization; an operator may shorten it within the rules; direct accounts have none", async () => {
    h = await startSandbox();
    const appId = h.demo.serviceAppId;
    const start = h.server.clock.now();
    const account = (await authorizeAccount(h, appId)) as unknown as AccountAnswer;
    expect(account.authorizedAt).toBe(start);
    expect(account.lifecycle).toEqual({
      state: "active",
      expiresAt: start + 365 * DAY,
      remindFrom: start + 335 * DAY,
      coolingOffUntil: null,
    });

    const byDays = await h.api<AccountAnswer>("PUT", `/accounts/${appId}/authorization-expiry`, {
      validityDays: 90,
    });
    expect(byDays.status).toBe(200);
    expect(byDays.body.lifecycle).toMatchObject({
      expiresAt: start + 90 * DAY,
      remindFrom: start + 60 * DAY,
    });
    const byDate = await h.api<AccountAnswer>("PUT", `/accounts/${appId}/authorization-expiry`, {
      expiresAt: start + 100 * DAY,
    });
    expect(byDate.body.lifecycle.expiresAt).toBe(start + 100 * DAY);

    const tooLong = await h.api<ErrorAnswer>("PUT", `/accounts/${appId}/authorization-expiry`, {
      validityDays: 366,
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.code).toBe("validation_failed");
    expect(tooLong.body.error.details).toEqual({
      reason: "validity_too_long",
      maxDays: 365,
      latest: start + 365 * DAY,
    });
    const oneMsTooLate = await h.api<ErrorAnswer>("PUT", `/accounts/${appId}/authorization-expiry`, {
      expiresAt: start + 365 * DAY + 1,
    });
    expect(oneMsTooLate.body.error.details.reason).toBe("validity_too_long");
    await advance(HOUR);
    const past = await h.api<ErrorAnswer>("PUT", `/accounts/${appId}/authorization-expiry`, {
      expiresAt: start + 1000,
    });
    expect(past.status).toBe(400);
    expect(past.body.error.details).toEqual({ reason: "expiry_in_past", now: start + HOUR });
    const now = await h.api<ErrorAnswer>("PUT", `/accounts/${appId}/authorization-expiry`, {
      expiresAt: start + HOUR,
    });
    expect(now.body.error.details.reason).toBe("expiry_in_past");
    const both = await h.api<ErrorAnswer>("PUT", `/accounts/${appId}/authorization-expiry`, {
      expiresAt: start + 10 * DAY,
      validityDays: 10,
    });
    expect(both.status).toBe(400);
    // Refusals change nothing.
    expect((await lifecycleOf(appId)).expiresAt).toBe(start + 100 * DAY);

    const reader = await h.keyWith(["accounts:read"]);
    const forbidden = await h.api<ErrorAnswer>(
      "PUT",
      `/accounts/${appId}/authorization-expiry`,
      { validityDays: 10 },
      reader,
    );
    expect(forbidden.status).toBe(403);

    const emulated = h.server.sandbox!.core.world.account(h.demo.subscriptionAppId)!;
    const direct = await h.api<AccountAnswer>("POST", "/accounts", {
      appId: emulated.appId,
      appSecret: emulated.secret,
      kind: "subscription",
    });
    expect(direct.status).toBe(201);
    expect(direct.body.lifecycle).toEqual({
      state: "active",
      expiresAt: null,
      remindFrom: null,
      coolingOffUntil: null,
    });
    const notComponent = await h.api<ErrorAnswer>("PUT", `/accounts/${emulated.appId}/authorization-expiry`, {
      validityDays: 10,
    });
    expect(notComponent.status).toBe(409);
    expect(notComponent.body.error.details.reason).toBe("not_component");
  });

  it("takes its length from WXGATE_AUTHORIZATION_VALIDITY_DAYS", async () => {
    h = await startSandbox({ env: { WXGATE_AUTHORIZATION_VALIDITY_DAYS: "90" } });
    const start = h.server.clock.now();
    const account = (await authorizeAccount(h, h.demo.serviceAppId)) as unknown as AccountAnswer;
    expect(account.lifecycle).toMatchObject({ expiresAt: start + 90 * DAY, remindFrom: start + 60 * DAY });
  });
});

describe("the reminder, the lapse and a new period", () => {
  it("expires 30 days before the end; the sweep records each notice once; a lapsed account gets no token until it is authorized again", async () => {
    h = await startSandbox();
    const start = h.server.clock.now();
    const appId = await enabledServiceAccount();
    const notices = async () =>
      (await h.api<{ items: Notice[] }>("GET", `/accounts/${appId}/authorization-notices`)).body.items;

    await advance(335 * DAY - 1);
    expect((await lifecycleOf(appId)).state).toBe("active");
    expect(await h.accounts.lifecycle.run()).toEqual({ expiring: 0, lapsed: 0 });
    expect(await notices()).toEqual([]);

    // The state comes from the clock on each read: no sweep has run since.
    await advance(1);
    expect((await lifecycleOf(appId)).state).toBe("expiring");
    expect(await h.accounts.lifecycle.run()).toEqual({ expiring: 1, lapsed: 0 });
    expect(await h.accounts.lifecycle.run()).toEqual({ expiring: 0, lapsed: 0 });
    expect(await notices()).toEqual([
      expect.objectContaining({
        appId,
        kind: "authorization_expiring",
        periodStartedAt: start,
        expiresAt: start + 365 * DAY,
        recordedAt: start + 335 * DAY,
      }),
    ]);
    // Expiring still works.
    expect((await h.api("GET", `/accounts/${appId}/access-token`)).status).toBe(200);

    await advance(30 * DAY - 1);
    expect((await h.api("GET", `/accounts/${appId}/access-token`)).status).toBe(200);
    await advance(1);
    expect((await lifecycleOf(appId)).state).toBe("lapsed");
    const refused = await h.api<ErrorAnswer>("GET", `/accounts/${appId}/access-token`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.details).toEqual({
      reason: "authorization_lapsed",
      appId,
      expiredAt: start + 365 * DAY,
    });
    // Every outbound use of the token stops, management calls included.
    const quota = await h.api<ErrorAnswer>("GET", `/accounts/${appId}/quota?cgiPath=/cgi-bin/qrcode/create`);
    expect(quota.body.error.details.reason).toBe("authorization_lapsed");
    await expect(h.server.context.use("accountClients").clientFor(appId)).rejects.toMatchObject({
      details: { reason: "authorization_lapsed" },
    });
    await h.api("POST", `/accounts/${appId}/disable`);
    const enable = await h.api<ErrorAnswer>("POST", `/accounts/${appId}/enable`);
    expect(enable.status).toBe(409);
    expect(enable.body.error.details).toEqual({
      reason: "authorization_lapsed",
      expiredAt: start + 365 * DAY,
    });

    expect(await h.accounts.lifecycle.run()).toEqual({ expiring: 0, lapsed: 1 });
    expect(await h.accounts.lifecycle.run()).toEqual({ expiring: 0, lapsed: 0 });
    expect((await notices()).map((n) => n.kind)).toEqual(["authorization_lapsed", "authorization_expiring"]);
    const all = await h.api<{ items: Notice[] }>("GET", "/authorization-notices");
    expect(all.body.items).toHaveLength(2);

    // Updating the authorization starts a new period: here WeChat's `updateauthorized` event
    // alone (the administrator changed the permission sets and closed the page before the redirect).
    const renewedAt = h.server.clock.now();
    const update = await h.api<{ pcUrl: string }>("POST", `/accounts/${appId}/authorization-update`);
    expect(update.status).toBe(201);
    const sets = (await h.api<PermissionSets>("GET", `/accounts/${appId}`)).body.permissionSets;
    const required = new Set(sets.required.map((s) => s.id));
    const optional = sets.granted.find((s) => !required.has(s.id))!;
    const confirmed = await h.server.sandbox!.core.control.component.authorize({
      componentAppId: h.demo.componentAppId,
      preAuthCode: new URL(update.body.pcUrl).searchParams.get("pre_auth_code")!,
      authorizerAppId: appId,
      funcScopes: sets.granted.map((s) => s.id).filter((id) => id !== optional.id),
    });
    expect(confirmed).toMatchObject({ infoType: "updateauthorized", push: { outcome: "success" } });
    const renewed = await h.api<AccountAnswer>("GET", `/accounts/${appId}`);
    expect(renewed.body.authorizedAt).toBe(renewedAt);
    expect(renewed.body.lifecycle).toEqual({
      state: "active",
      expiresAt: renewedAt + 365 * DAY,
      remindFrom: renewedAt + 335 * DAY,
      coolingOffUntil: null,
    });
    expect((await h.api("POST", `/accounts/${appId}/enable`)).status).toBe(200);
    expect((await h.api("GET", `/accounts/${appId}/access-token`)).status).toBe(200);
    expect(await h.accounts.lifecycle.run()).toEqual({ expiring: 0, lapsed: 0 });

    // The new period gets its own reminder.
    await advance(335 * DAY);
    expect(await h.accounts.lifecycle.run()).toEqual({ expiring: 1, lapsed: 0 });
    expect((await notices()).map((n) => [n.kind, n.periodStartedAt])).toEqual([
      ["authorization_expiring", renewedAt],
      ["authorization_lapsed", start],
      ["authorization_expiring", start],
    ]);
  });

  it("sweeps on a timer while the server is up, and stops when it closes", async () => {
    h = await startSandbox();
    const sweep = h.accounts.lifecycle;
    expect(sweep.scheduled).toBe(true);
    await h.close();
    expect(sweep.scheduled).toBe(false);
  });

  it("a lapse the sweep never saw coming is recorded as a lapse only", async () => {
    h = await startSandbox();
    const appId = h.demo.serviceAppId;
    await authorizeAccount(h, appId);
    await h.api("PUT", `/accounts/${appId}/authorization-expiry`, { validityDays: 10 });
    await advance(10 * DAY);
    expect(await h.accounts.lifecycle.run()).toEqual({ expiring: 0, lapsed: 1 });
    const items = (await h.api<{ items: Notice[] }>("GET", `/accounts/${appId}/authorization-notices`)).body
      .items;
    expect(items.map((n) => n.kind)).toEqual(["authorization_lapsed"]);
  });
});

describe("the cooling-off after a de-authorization", () => {
  it("freezes deletion, enabling and tokens for 48 hours, names its end, then allows deletion", async () => {
    h = await startSandbox();
    const appId = await enabledServiceAccount();
    const { push } = await h.server.sandbox!.core.control.component.deauthorize({
      componentAppId: h.demo.componentAppId,
      authorizerAppId: appId,
    });
    expect(push.outcome).toBe("success");
    const withdrawnAt = h.server.clock.now();
    const until = withdrawnAt + 48 * HOUR;
    expect(await lifecycleOf(appId)).toEqual({
      state: "cooling_off",
      expiresAt: null,
      remindFrom: null,
      coolingOffUntil: until,
    });

    const frozen = await h.api<ErrorAnswer>("DELETE", `/accounts/${appId}`, { confirm: "示例服务号" });
    expect(frozen.status).toBe(409);
    expect(frozen.body.error.details).toEqual({ reason: "cooling_off", until });
    expect(frozen.body.error.code).toBe("cooling_off");
    expect(frozen.body.error.message).toContain(new Date(until).toISOString());
    const enable = await h.api<ErrorAnswer>("POST", `/accounts/${appId}/enable`);
    expect(enable.status).toBe(409);
    expect(enable.body.error.details).toEqual({ reason: "account_unauthorized", coolingOffUntil: until });
    const token = await h.api<ErrorAnswer>("GET", `/accounts/${appId}/access-token`);
    expect(token.status).toBe(409);
    expect(token.body.error.details.reason).toBe("account_unauthorized");

    // The account's abilities give the same verdicts, so a console shows them without asking.
    type Abilities = { abilities: Record<string, { allowed: boolean; reason?: string }> };
    const frozenAbilities = (await h.api<Abilities>("GET", `/accounts/${appId}`)).body.abilities;
    expect(frozenAbilities["delete"]).toEqual({ allowed: false, reason: "cooling_off" });
    expect(frozenAbilities["enable"]).toEqual({ allowed: false, reason: "account_unauthorized" });
    const quotaReset = await h.api<ErrorAnswer>("POST", `/accounts/${appId}/quota/reset`);
    expect(quotaReset.status).toBe(409);
    expect(quotaReset.body.error.details.reason).toBe("account_unauthorized");
    expect(frozenAbilities["resetQuota"]).toEqual({ allowed: false, reason: "account_unauthorized" });

    await advance(48 * HOUR - 1);
    const stillFrozen = await h.api<ErrorAnswer>("DELETE", `/accounts/${appId}`, { confirm: "示例服务号" });
    expect(stillFrozen.body.error.details).toEqual({ reason: "cooling_off", until });

    await advance(1);
    expect(await lifecycleOf(appId)).toMatchObject({ state: "unauthorized", coolingOffUntil: until });
    const listed = (await h.api<{ items: (Abilities & { appId: string })[] }>("GET", "/accounts")).body.items;
    expect(listed.find((a) => a.appId === appId)?.abilities["delete"]).toEqual({ allowed: true });
    const enableAfter = await h.api<ErrorAnswer>("POST", `/accounts/${appId}/enable`);
    expect(enableAfter.body.error.details).toEqual({ reason: "account_unauthorized" });
    const usage = (await h.api("GET", "/authorizations/usage")).body;
    const deleted = await h.api<{ deleted: Record<string, number> }>("DELETE", `/accounts/${appId}`, {
      confirm: "示例服务号",
    });
    expect(deleted.status).toBe(200);
    expect(deleted.body.deleted).toMatchObject({ accounts: 1, authorization_notices: 0 });
    // WeChat keeps counting the account's authorization requests this month; so does wxgate.
    expect((await h.api("GET", "/authorizations/usage")).body).toEqual(usage);
  });

  it("ends when the account is authorized again within the window", async () => {
    h = await startSandbox();
    const appId = h.demo.serviceAppId;
    await authorizeAccount(h, appId);
    await h.server.sandbox!.core.control.component.deauthorize({
      componentAppId: h.demo.componentAppId,
      authorizerAppId: appId,
    });
    expect((await lifecycleOf(appId)).state).toBe("cooling_off");
    await advance(HOUR);
    const again = (await authorizeAccount(h, appId)) as unknown as AccountAnswer;
    const now = h.server.clock.now();
    expect(again.lifecycle).toEqual({
      state: "active",
      expiresAt: now + 365 * DAY,
      remindFrom: now + 335 * DAY,
      coolingOffUntil: null,
    });
    const kept = await h.api<ErrorAnswer>("DELETE", `/accounts/${appId}`, { confirm: "示例服务号" });
    expect(kept.body.error.details.reason).toBe("still_authorized");
  });
});

describe("the API description", () => {
  it("documents the lifecycle routes and the account's lifecycle in the OpenAPI document", async () => {
    h = await startSandbox();
    const document = (await (await fetch(`${h.url}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { "x-wxgate-scope"?: string }>>;
    };
    expect(document.paths["/api/v1/accounts/{appid}/authorization-expiry"]?.put?.["x-wxgate-scope"]).toBe(
      "accounts:write",
    );
    expect(document.paths["/api/v1/authorizations/usage"]?.get?.["x-wxgate-scope"]).toBe("accounts:read");
    expect(document.paths["/api/v1/authorization-notices"]?.get).toBeDefined();
    expect(document.paths["/api/v1/accounts/{appid}/authorization-notices"]?.get).toBeDefined();
    expect(JSON.stringify(document.paths["/api/v1/accounts/{appid}"])).toContain("cooling_off");
  });
});

describe("authorization requests per month", () => {
  it("refuses the 51st of a Beijing month with 429 before asking WeChat, and counts afresh when the month turns in Beijing", async () => {
    h = await startSandbox();
    const PRE_AUTH = "/cgi-bin/component/api_create_preauthcode";
    expect(h.server.clock.now()).toBe(Date.UTC(2025, 5, 1));
    expect((await h.api("GET", "/authorizations/usage")).body).toEqual({
      month: "2025-06",
      used: 0,
      limit: 50,
      remaining: 50,
    });
    for (let i = 0; i < 50; i++) {
      expect((await h.api("POST", "/authorizations", {})).status).toBe(201);
    }
    expect(h.wechatCalls(PRE_AUTH)).toBe(50);
    const refused = await h.api<ErrorAnswer>("POST", "/authorizations", {});
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("too_many_requests");
    expect(refused.body.error.details).toEqual({
      reason: "authorization_request_limit",
      used: 50,
      limit: 50,
      month: "2025-06",
    });
    expect(h.wechatCalls(PRE_AUTH)).toBe(50);
    expect((await h.api("GET", "/authorizations/usage")).body).toEqual({
      month: "2025-06",
      used: 50,
      limit: 50,
      remaining: 0,
    });

    // 2025-06-30 23:59:59.999 in Beijing is still June there (15:59:59.999 UTC)…
    const julyInBeijing = Date.UTC(2025, 5, 30, 16);
    await advance(julyInBeijing - 1 - h.server.clock.now());
    const lastMoment = await h.api<ErrorAnswer>("POST", "/authorizations", {});
    expect(lastMoment.status).toBe(429);
    // …and one millisecond later it is July: the count starts again, though UTC is still in June.
    await advance(1);
    expect((await h.api("POST", "/authorizations", {})).status).toBe(201);
    expect((await h.api("GET", "/authorizations/usage")).body).toEqual({
      month: "2025-07",
      used: 1,
      limit: 50,
      remaining: 49,
    });
    expect(h.wechatCalls(PRE_AUTH)).toBe(51);
  });

  it("takes its limit from WXGATE_AUTHORIZATION_REQUESTS_PER_MONTH, and authorization updates count", async () => {
    h = await startSandbox({ env: { WXGATE_AUTHORIZATION_REQUESTS_PER_MONTH: "2" } });
    const appId = h.demo.serviceAppId;
    await authorizeAccount(h, appId);
    expect((await h.api("POST", `/accounts/${appId}/authorization-update`)).status).toBe(201);
    const refused = await h.api<ErrorAnswer>("POST", `/accounts/${appId}/authorization-update`);
    expect(refused.status).toBe(429);
    expect(refused.body.error.details).toMatchObject({
      reason: "authorization_request_limit",
      used: 2,
      limit: 2,
    });
  });
});
