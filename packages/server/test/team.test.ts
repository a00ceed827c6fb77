import { buildXml, sealPush } from "@wxgate/wechat";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSRF_HEADER, SESSION_COOKIE } from "../src/http/principal.js";
import { moduleFactories } from "../src/registry.js";
import { type TestDatabase, testEngines } from "../src/testing/engines.js";
import { createTestServer, type TestServer } from "../src/testing/server.js";

/**
 * Members of accounts, invitations, permission switches and departments, end to end: the whole
 * registry behind the real edge, signed in as console users, on SQLite and PostgreSQL.
 */

const PASSWORD = "correct horse battery staple";
const DAY = 24 * 60 * 60_000;
const RECEIPT_TOKEN = "teamtoken";

interface Answer {
  status: number;
  body: Record<string, unknown> & {
    items?: Record<string, unknown>[];
    error?: { code: string; details?: Record<string, unknown> };
  };
}

interface Session {
  cookie: string;
  csrf: string;
}

describe.each(testEngines)("team and permissions on $name", (engine) => {
  let database: TestDatabase;
  let server: TestServer;
  let owner: Session;
  /** Seven connected accounts; the first two are the demo's (they receive pushes). */
  let accounts: string[];
  let pushes = 0;
  let userCount = 0;

  async function signIn(username: string): Promise<Session> {
    const response = await server.app.inject({
      method: "POST",
      url: "/api/v1/session",
      payload: { username, password: PASSWORD },
    });
    expect(response.statusCode, response.body).toBe(200);
    return {
      cookie: response.cookies.find((c) => c.name === SESSION_COOKIE)?.value ?? "",
      csrf: response.json().csrfToken,
    };
  }

  async function call(as: Session, method: string, url: string, payload?: unknown): Promise<Answer> {
    const response = await server.app.inject({
      method: method as "GET",
      url: `/api/v1${url}`,
      headers: { cookie: `${SESSION_COOKIE}=${as.cookie}`, [CSRF_HEADER]: as.csrf },
      ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
    });
    // As a browser does: a session renewed after a change of privileges comes with a new cookie.
    const renewed = response.cookies.find((c) => c.name === SESSION_COOKIE)?.value;
    if (renewed) as.cookie = renewed;
    return { status: response.statusCode, body: response.body ? response.json() : {} };
  }

  /** A new user with this role, signed in. */
  async function user(role: "admin" | "member"): Promise<{ id: string; username: string; session: Session }> {
    const username = `${role}${++userCount}`;
    const made = await call(owner, "POST", "/admins", { username, password: PASSWORD, role });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    return { id: String(made.body["id"]), username, session: await signIn(username) };
  }

  async function invite(appId: string, username: string, kind: string, switches: string[] = []) {
    return call(owner, "POST", `/accounts/${appId}/members`, { username, kind, switches });
  }

  async function operator(appId: string, kind: "long_term" | "short_term", switches: string[]) {
    const member = await user("member");
    expect((await invite(appId, member.username, kind, switches)).status).toBe(201);
    expect((await call(member.session, "POST", `/invitations/${appId}/accept`)).status).toBe(200);
    return member;
  }

  function refusedFor(answer: Answer, details: Record<string, unknown>, status = 403): void {
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    expect(answer.body.error?.details).toMatchObject(details);
  }

  const ids = (answer: Answer, key = "appId") => (answer.body.items ?? []).map((item) => item[key]).sort();

  async function pushText(appId: string): Promise<void> {
    pushes++;
    const xml = buildXml({
      ToUserName: "gh_0123456789ab",
      FromUserName: "oFollower000000000000000001",
      CreateTime: Math.floor(server.clock.now() / 1000),
      MsgType: "text",
      Content: `hello ${pushes}`,
      MsgId: String(25000000000000000n + BigInt(pushes)),
    });
    const sealed = sealPush(xml, {
      token: RECEIPT_TOKEN,
      appId,
      encodingAESKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
      mode: "plaintext",
      now: () => server.clock.now(),
    });
    const response = await server.app.inject({
      method: "POST",
      url: `/wechat/accounts/${appId}/callback?${new URLSearchParams(sealed.query).toString()}`,
      headers: { "content-type": "text/xml" },
      payload: sealed.body,
    });
    expect(response.statusCode, response.body).toBe(200);
  }

  beforeAll(async () => {
    database = await engine.database();
    server = await createTestServer({ modules: moduleFactories, sandbox: true, env: database.env });
    expect(server.store.dialect).toBe(engine.name);
    const first = await server.auth.createAdmin({ username: "root", password: PASSWORD });
    expect(first.user.role).toBe("owner");
    owner = await signIn("root");
    const core = server.sandbox!.core;
    const demo = core.world.state.extensions["demo"] as { serviceAppId: string; subscriptionAppId: string };
    accounts = [demo.serviceAppId, demo.subscriptionAppId];
    for (let i = 0; i < 5; i++) accounts.push(core.control.createAccount({ kind: "service" }).appId);
    for (const appId of accounts) {
      const secret = core.world.account(appId)!.secret;
      const connected = await call(owner, "POST", "/accounts", { appId, appSecret: secret, verified: true });
      expect(connected.status, JSON.stringify(connected.body)).toBe(201);
    }
    for (const appId of accounts.slice(0, 2)) {
      await call(owner, "PUT", `/accounts/${appId}/openid-mapping`, { property: "openid" });
      await call(owner, "PUT", `/accounts/${appId}/miniprogram/receipt-config`, {
        token: RECEIPT_TOKEN,
        mode: "plaintext",
      });
      expect((await call(owner, "POST", `/accounts/${appId}/enable`)).status).toBe(200);
      await pushText(appId);
    }
  }, 60_000);

  afterAll(async () => {
    await server?.dispose();
    await database?.dispose();
  });

  it("makes whoever connects an account its super admin", async () => {
    const members = await call(owner, "GET", `/accounts/${accounts[0]}/members`);
    expect(members.status).toBe(200);
    expect(members.body["superAdmin"]).toMatchObject({ username: "root", implicit: false });
    expect(members.body["abilities"]).toEqual({ manage: { allowed: true }, transfer: { allowed: true } });
  });

  it("gives an invited member access once accepted, by their switches; a declined invitation gives none", async () => {
    const [a, b] = accounts as [string, string];
    const alice = await user("member");
    refusedFor(await call(alice.session, "GET", `/accounts/${a}`), { reason: "out_of_reach" });
    expect((await invite(a, alice.username, "long_term", ["account.view"])).status).toBe(201);
    const waiting = await call(alice.session, "GET", "/invitations");
    expect(waiting.body.items).toEqual([
      expect.objectContaining({ appId: a, kind: "long_term", switches: ["account.view"], invitedBy: "root" }),
    ]);
    // Invited is not yet a member.
    refusedFor(await call(alice.session, "GET", `/accounts/${a}`), { reason: "out_of_reach" });
    expect((await call(alice.session, "POST", `/invitations/${a}/accept`)).status).toBe(200);
    expect((await call(alice.session, "GET", "/invitations")).body.items).toEqual([]);

    expect((await call(alice.session, "GET", `/accounts/${a}`)).status).toBe(200);
    expect(ids(await call(alice.session, "GET", "/accounts"))).toEqual([a]);
    refusedFor(await call(alice.session, "GET", `/accounts/${b}`), { reason: "out_of_reach" });
    refusedFor(await call(alice.session, "POST", `/accounts/${a}/disable`), {
      reason: "switch_off",
      switch: "account.settings",
      action: "accounts.disable",
    });
    refusedFor(await call(alice.session, "GET", "/api-keys"), { reason: "role_required" });
    refusedFor(
      await call(alice.session, "POST", `/accounts/${a}/members`, { username: "root", kind: "long_term" }),
      {
        reason: "risk_not_permitted",
      },
    );
    const whoami = await call(alice.session, "GET", "/whoami");
    expect(whoami.body).toMatchObject({ role: "member" });
    expect(Object.keys(whoami.body["accounts"] as object)).toEqual([a]);
    expect((whoami.body["accounts"] as Record<string, string[]>)[a]).toContain("accounts.read");
    expect((whoami.body["accounts"] as Record<string, string[]>)[a]).not.toContain("accounts.disable");

    // The super admin turns the switch on: it holds from the next request.
    const switched = await call(owner, "PUT", `/accounts/${a}/members/${alice.id}/switches`, {
      switches: ["account.view", "account.settings"],
    });
    expect(switched.status).toBe(200);
    expect((await call(alice.session, "POST", `/accounts/${a}/disable`)).status).toBe(200);

    const bob = await user("member");
    expect((await invite(a, bob.username, "short_term", ["account.view"])).status).toBe(201);
    expect((await call(bob.session, "POST", `/invitations/${a}/decline`)).status).toBe(204);
    expect((await call(bob.session, "GET", "/invitations")).body.items).toEqual([]);
    refusedFor(await call(bob.session, "GET", `/accounts/${a}`), { reason: "out_of_reach" });
    const listed = await call(owner, "GET", `/accounts/${a}/members`);
    expect((listed.body.items ?? []).map((m) => m["username"])).toEqual([alice.username]);

    // Unbound: access ends.
    expect((await call(owner, "DELETE", `/accounts/${a}/members/${alice.id}`)).status).toBe(204);
    refusedFor(await call(alice.session, "GET", `/accounts/${a}`), { reason: "out_of_reach" });
  });

  it("refuses the sixth long-term operator of an account, naming the limit", async () => {
    const appId = accounts[2]!;
    for (let i = 0; i < 5; i++) await operator(appId, "long_term", ["account.view"]);
    const sixth = await user("member");
    refusedFor(
      await invite(appId, sixth.username, "long_term"),
      { reason: "long_term_limit", limit: 5 },
      409,
    );
    // A short-term one still fits.
    expect((await invite(appId, sixth.username, "short_term")).status).toBe(201);
  });

  it("ends a short-term operator's access by itself once 30 days passed", async () => {
    const appId = accounts[3]!;
    const carol = await operator(appId, "short_term", ["account.view"]);
    expect((await call(carol.session, "GET", `/accounts/${appId}`)).status).toBe(200);
    server.clock.advance(30 * DAY - 1000);
    // Sessions last 12 hours: both sign in again (what ends below is her access, not a session).
    owner = await signIn("root");
    carol.session = await signIn(carol.username);
    expect((await call(carol.session, "GET", `/accounts/${appId}`)).status).toBe(200);
    server.clock.advance(1000);
    refusedFor(await call(carol.session, "GET", `/accounts/${appId}`), { reason: "out_of_reach" });
    const members = await call(owner, "GET", `/accounts/${appId}/members`);
    expect((members.body.items ?? []).find((m) => m["userId"] === carol.id)).toMatchObject({
      state: "expired",
    });
  });

  it("lets an unanswered invitation lapse after 7 days: it can no longer be accepted nor takes a place", async () => {
    const appId = accounts[4]!;
    const erin = await user("member");
    expect((await invite(appId, erin.username, "long_term", ["account.view"])).status).toBe(201);
    server.clock.advance(7 * DAY - 1000);
    // Sessions last 12 hours: both sign in again.
    owner = await signIn("root");
    erin.session = await signIn(erin.username);
    expect((await call(erin.session, "GET", "/invitations")).body.items).toHaveLength(1);
    server.clock.advance(1000);
    expect((await call(erin.session, "GET", "/invitations")).body.items).toEqual([]);
    expect((await call(erin.session, "POST", `/invitations/${appId}/accept`)).status).toBe(404);
    refusedFor(await call(erin.session, "GET", `/accounts/${appId}`), { reason: "out_of_reach" });
    const members = await call(owner, "GET", `/accounts/${appId}/members`);
    expect((members.body.items ?? []).find((m) => m["userId"] === erin.id)).toMatchObject({
      state: "expired",
    });
    // The lapsed invitation takes no place: the account can invite her again, and she accepts.
    expect((await invite(appId, erin.username, "long_term", ["account.view"])).status).toBe(201);
    expect((await call(erin.session, "POST", `/invitations/${appId}/accept`)).status).toBe(200);
    expect((await call(erin.session, "GET", `/accounts/${appId}`)).status).toBe(200);
  });

  it("refuses a sixth account for one person", async () => {
    const dave = await user("member");
    for (const appId of accounts.slice(0, 5)) {
      expect((await invite(appId, dave.username, "short_term")).status).toBe(201);
    }
    refusedFor(
      await invite(accounts[5]!, dave.username, "short_term"),
      { reason: "accounts_per_member_limit", limit: 5 },
      409,
    );
  });

  it("lets the super admin move the role, manage members, and never be unbound", async () => {
    const appId = accounts[6]!;
    const erin = await user("member");
    const moved = await call(owner, "POST", `/accounts/${appId}/super-admin`, { username: erin.username });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    // The new holder takes every action of the account, and manages its members.
    expect((await call(erin.session, "POST", `/accounts/${appId}/disable`)).status).toBe(200);
    const frank = await user("member");
    expect(
      (
        await call(erin.session, "POST", `/accounts/${appId}/members`, {
          username: frank.username,
          kind: "long_term",
        })
      ).status,
    ).toBe(201);
    refusedFor(
      await call(erin.session, "DELETE", `/accounts/${appId}/members/${erin.id}`),
      {
        reason: "super_admin_unbind",
      },
      409,
    );
    // An administrator who does not hold the role does not move it.
    const admin = await user("admin");
    refusedFor(
      await call(admin.session, "POST", `/accounts/${appId}/super-admin`, { username: admin.username }),
      { reason: "not_super_admin" },
      409,
    );
    // Nor does the owner while the holder is there: the holder moves it, confirming themselves.
    refusedFor(
      await call(owner, "POST", `/accounts/${appId}/super-admin`, { username: frank.username }),
      { reason: "not_super_admin" },
      409,
    );
    expect(
      (await call(erin.session, "POST", `/accounts/${appId}/super-admin`, { username: "root" })).status,
    ).toBe(200);
    // Once a holder has left (disabled), the owner takes the role back.
    expect(
      (await call(owner, "POST", `/accounts/${appId}/super-admin`, { username: erin.username })).status,
    ).toBe(200);
    expect((await call(owner, "PATCH", `/admins/${erin.id}`, { disabled: true })).status).toBe(200);
    expect((await call(owner, "POST", `/accounts/${appId}/super-admin`, { username: "root" })).status).toBe(
      200,
    );
  });

  it("disables a user: their session ends and sign-ins are refused", async () => {
    const gina = await user("member");
    const disabled = await call(owner, "PATCH", `/admins/${gina.id}`, { disabled: true });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ sessionsEnded: 1 });
    expect((await call(gina.session, "GET", "/whoami")).status).toBe(401);
    const again = await server.app.inject({
      method: "POST",
      url: "/api/v1/session",
      payload: { username: gina.username, password: PASSWORD },
    });
    expect(again.json().error.details).toEqual({ reason: "user_disabled" });
    const me = (await call(owner, "GET", "/whoami")).body;
    refusedFor(
      await call(
        owner,
        "PATCH",
        `/admins/${String((await call(owner, "GET", "/admins")).body.items?.[0]?.["id"])}`,
        { disabled: true },
      ),
      {
        reason: "owner_protected",
      },
      409,
    );
    expect(me["role"]).toBe("owner");
  });

  it("scopes a department's administrator to its accounts in every list", async () => {
    const [mine, theirs] = accounts as [string, string];
    const department = await call(owner, "POST", "/departments", { name: "east", appIds: [mine] });
    expect(department.status).toBe(201);
    const dana = await user("admin");
    expect(
      (await call(owner, "PUT", `/users/${dana.id}/department`, { departmentId: department.body["id"] }))
        .status,
    ).toBe(204);
    for (const accounts_ of [[mine], [theirs]]) {
      expect(
        (await call(owner, "POST", "/webhooks", { url: "http://127.0.0.1:9/hook", accounts: accounts_ }))
          .status,
      ).toBe(201);
    }
    // An operator disabled it earlier.
    expect((await call(owner, "POST", `/accounts/${mine}/enable`)).status).toBe(200);
    await pushText(mine);
    await pushText(theirs);
    await server.queue.runDue();

    expect(ids(await call(dana.session, "GET", "/accounts"))).toEqual([mine]);
    const events = await call(dana.session, "GET", "/events");
    expect(new Set((events.body.items ?? []).map((e) => e["appId"]))).toEqual(new Set([mine]));
    const webhooks = await call(dana.session, "GET", "/webhooks");
    expect((webhooks.body.items ?? []).map((w) => w["accounts"])).toEqual([[mine]]);
    const mineHook = String(webhooks.body.items?.[0]?.["id"]);
    const deliveries = await call(dana.session, "GET", `/webhooks/${mineHook}/deliveries`);
    expect(new Set((deliveries.body.items ?? []).map((d) => d["appId"]))).toEqual(new Set([mine]));
    const audit = await call(dana.session, "GET", "/audit?limit=200");
    expect(audit.status).toBe(200);
    expect((audit.body.items ?? []).length).toBeGreaterThan(0);
    expect(new Set((audit.body.items ?? []).map((e) => e["appid"]))).toEqual(new Set([mine]));
    const notices = await call(dana.session, "GET", "/authorization-notices");
    expect((notices.body.items ?? []).filter((n) => n["appId"] !== mine)).toEqual([]);
    refusedFor(await call(dana.session, "GET", `/accounts/${theirs}`), { reason: "out_of_reach" });
    refusedFor(await call(dana.session, "GET", "/api-keys"), { reason: "role_required" });
    refusedFor(await call(dana.session, "GET", "/departments"), { reason: "role_required" });
    // The owner sees every account still.
    expect(ids(await call(owner, "GET", "/accounts"))).toEqual([...accounts].sort());
  });
});
