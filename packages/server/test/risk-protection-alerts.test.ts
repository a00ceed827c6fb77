import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSRF_HEADER, SESSION_COOKIE } from "../src/http/principal.js";
import { moduleFactories } from "../src/registry.js";
import { type TestDatabase, testEngines } from "../src/testing/engines.js";
import { createTestServer, type TestServer } from "../src/testing/server.js";
import { verifyWebhookSignature } from "../src/webhooks/index.js";
import { type Receiver, startReceiver } from "./callbacks-helpers.js";

/**
 * Risk operations end to end, on SQLite and PostgreSQL: refused without a fresh confirmation
 * and accepted with one, each attempt one audit entry marked risk; a secret viewed once per
 * confirmation; the account's protection switched off (itself a risk operation) waiving the
 * confirmation; each risk operation told to the account's administrators in their notification
 * list and to the webhooks listing `risk_operation`, signed; the alerts about abnormal
 * operations; the authorization review and its CSV.
 */

const PASSWORD = "correct horse battery staple";
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

interface Session {
  cookie: string;
  csrf: string;
}
interface Answer {
  status: number;
  body: Record<string, unknown> & {
    error?: { code: string; details?: Record<string, unknown> };
    items?: Record<string, unknown>[];
  };
  text: string;
}

describe.each(testEngines)("risk operations on $name", (engine) => {
  let database: TestDatabase;
  let server: TestServer;
  let receiver: Receiver;
  let root: Session;
  let rootId: string;
  let appId: string;
  let appSecret: string;
  let users = 0;

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
    const renewed = response.cookies.find((c) => c.name === SESSION_COOKIE)?.value;
    if (renewed) as.cookie = renewed;
    const json = response.headers["content-type"]?.toString().includes("json") && response.body;
    return { status: response.statusCode, body: json ? response.json() : {}, text: response.body };
  }

  async function confirm(as: Session): Promise<void> {
    expect((await call(as, "POST", "/session/confirm", { password: PASSWORD })).status).toBe(200);
  }

  async function user(role: "admin" | "member"): Promise<{ id: string; username: string; session: Session }> {
    const username = `${role}${++users}`;
    await confirm(root);
    const made = await call(root, "POST", "/admins", { username, password: PASSWORD, role });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    return { id: String(made.body["id"]), username, session: await signIn(username) };
  }

  /** The audit entries of one action, oldest first: [outcome, error code, risk]. */
  async function audited(action: string): Promise<unknown[][]> {
    const answer = await call(root, "GET", `/audit?action=${encodeURIComponent(action)}`);
    expect(answer.status).toBe(200);
    return (answer.body.items ?? []).map((e) => [e["outcome"], e["errorCode"], e["risk"]]).reverse();
  }

  async function notifications(as: Session): Promise<Record<string, unknown>[]> {
    await server.queue.runDue();
    const answer = await call(as, "GET", "/notifications?limit=100");
    expect(answer.status).toBe(200);
    return answer.body.items ?? [];
  }

  beforeAll(async () => {
    database = await engine.database();
    server = await createTestServer({
      modules: moduleFactories,
      sandbox: true,
      env: { ...database.env, WXGATE_ALERT_RISK_OPERATIONS_PER_HOUR: "3", WXGATE_ALERT_FAILED_SIGN_INS: "3" },
    });
    expect(server.store.dialect).toBe(engine.name);
    rootId = (await server.auth.createAdmin({ username: "root", password: PASSWORD })).user.id;
    root = await signIn("root");
    const core = server.sandbox!.core;
    appId = core.control.createAccount({ kind: "service" }).appId;
    appSecret = core.world.account(appId)!.secret;
    const connected = await call(root, "POST", "/accounts", { appId, appSecret, verified: true });
    expect(connected.status, JSON.stringify(connected.body)).toBe(201);
    receiver = await startReceiver((_request, _index, response) => {
      response.statusCode = 200;
      response.end("ok");
    });
  }, 60_000);

  afterAll(async () => {
    await receiver?.close();
    await server?.dispose();
    await database?.dispose();
  });

  it("shows a secret once per confirmation, each view and refusal one audit entry marked risk", async () => {
    server.clock.advance(6 * MINUTE);
    const reveal = () => call(root, "POST", `/accounts/${appId}/secrets/reveal`, { secret: "appSecret" });
    const refused = await reveal();
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({
      code: "confirmation_required",
      details: { action: "accounts.secrets.reveal" },
    });
    expect(refused.text).not.toContain(appSecret);
    await confirm(root);
    const shown = await reveal();
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual({ name: "appSecret", value: appSecret });
    // The view used the confirmation up: the next one asks again, though within five minutes.
    const again = await reveal();
    expect(again.status).toBe(403);
    expect(again.body.error?.code).toBe("confirmation_required");
    expect(await audited("accounts.secrets.reveal")).toEqual([
      ["refused", "confirmation_required", true],
      ["ok", null, true],
      ["refused", "confirmation_required", true],
    ]);
    // Nor does any list or record carry it.
    for (const url of ["/accounts", `/accounts/${appId}`, "/audit?limit=200", "/notifications"]) {
      expect((await call(root, "GET", url)).text).not.toContain(appSecret);
    }
    expect(server.logLines.join("\n")).not.toContain(appSecret);
  });

  it("tells each risk operation to the account's administrators and, signed, to the webhooks listing risk_operation", async () => {
    await confirm(root);
    const hook = await call(root, "POST", "/webhooks", {
      url: receiver.url,
      events: ["risk_operation"],
      accounts: [appId],
    });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    const secret = String(hook.body["secret"]);
    const admin = await user("admin");
    const before = receiver.received.length;
    await confirm(root);
    const changed = await call(root, "PUT", `/accounts/${appId}/risk-settings`, { alerts: true });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);

    const told = (await notifications(admin.session)).filter((n) => n["kind"] === "risk_operation");
    expect(told[0]).toMatchObject({
      appid: appId,
      readAt: null,
      data: { action: "risk.settings.manage", actor: { kind: "session", name: "root" } },
    });
    const unread = await call(admin.session, "GET", "/notifications/unread");
    expect(unread.body["unread"]).toBeGreaterThan(0);
    const marked = await call(admin.session, "POST", "/notifications/read", {});
    expect(marked.status).toBe(200);
    expect(marked.body["unread"]).toBe(0);

    const delivered = receiver.received.slice(before);
    expect(delivered).toHaveLength(1);
    const body = JSON.parse(delivered[0]!.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      kind: "risk_operation",
      appId,
      data: { action: "risk.settings.manage", actor: { kind: "session", name: "root" } },
    });
    const header = delivered[0]!.headers["x-wxgate-signature"];
    expect(
      verifyWebhookSignature(secret, typeof header === "string" ? header : undefined, delivered[0]!.body, {
        nowSeconds: Math.floor(server.clock.now() / 1000),
      }),
    ).toBe(true);
    expect(verifyWebhookSignature("whsec_not_it", String(header), delivered[0]!.body)).toBe(false);

    // With the account's alerts off (itself told), a risk operation is told to no one.
    await confirm(root);
    expect((await call(root, "PUT", `/accounts/${appId}/risk-settings`, { alerts: false })).status).toBe(200);
    await notifications(admin.session);
    const count = (await notifications(admin.session)).length;
    const sent = receiver.received.length;
    await confirm(root);
    expect((await call(root, "PUT", `/accounts/${appId}/risk-settings`, { alerts: false })).status).toBe(200);
    expect(await notifications(admin.session)).toHaveLength(count);
    expect(receiver.received).toHaveLength(sent);
    await confirm(root);
    expect((await call(root, "PUT", `/accounts/${appId}/risk-settings`, { alerts: true })).status).toBe(200);
  });

  it("marks the making of a key that reads tokens a risk operation — audited as one and told — and not a narrower key", async () => {
    await confirm(root);
    expect((await call(root, "POST", "/api-keys", { name: "narrow", scopes: ["events:read"] })).status).toBe(
      201,
    );
    expect((await call(root, "POST", "/api-keys", { name: "tokens", scopes: ["token:read"] })).status).toBe(
      201,
    );
    const entries = await call(root, "GET", "/audit?action=auth.keys.manage&limit=2");
    expect((entries.body.items ?? []).map((e) => [e["summary"], e["risk"]])).toEqual([
      [{ name: "tokens", scopes: ["token:read"] }, true],
      [{ name: "narrow", scopes: ["events:read"] }, false],
    ]);
    const told = (await notifications(root)).filter(
      (n) =>
        n["kind"] === "risk_operation" &&
        (n["data"] as Record<string, unknown>)["action"] === "auth.keys.manage",
    );
    expect(told).toHaveLength(1);
  });

  it("waives the confirmation on an account whose protection its super admin turned off — a risk operation itself", async () => {
    const member = await user("member");
    server.clock.advance(6 * MINUTE);
    const off = () => call(root, "PUT", `/accounts/${appId}/risk-settings`, { protection: false });
    const refused = await off();
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe("confirmation_required");
    await confirm(root);
    const turned = await off();
    expect(turned.status).toBe(200);
    expect(turned.body).toMatchObject({ appid: appId, protection: false, alerts: true, updatedBy: rootId });
    server.clock.advance(6 * MINUTE);
    // A risk operation on this account needs no confirmation now…
    const invited = await call(root, "POST", `/accounts/${appId}/members`, {
      username: member.username,
      kind: "short_term",
      switches: ["account.view"],
    });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    // …but a secret's view still uses one up.
    const reveal = await call(root, "POST", `/accounts/${appId}/secrets/reveal`, { secret: "appSecret" });
    expect(reveal.status).toBe(403);
    expect(reveal.body.error?.code).toBe("confirmation_required");
    // Risk operations of the whole platform are not the account's to waive.
    const hook = await call(root, "POST", "/webhooks", { url: receiver.url, events: ["text"] });
    expect(hook.status).toBe(403);
    // Turning it on again is not refused: the protection is off while it is asked.
    const on = await call(root, "PUT", `/accounts/${appId}/risk-settings`, { protection: true });
    expect(on.status).toBe(200);
    expect(on.body["protection"]).toBe(true);
    expect((await call(member.session, "POST", `/invitations/${appId}/accept`)).status).toBe(200);
    // An operator may read the switches (account.view), never change them.
    expect((await call(member.session, "GET", `/accounts/${appId}/risk-settings`)).status).toBe(200);
    const operatorChange = await call(member.session, "PUT", `/accounts/${appId}/risk-settings`, {
      alerts: false,
    });
    expect(operatorChange.status).toBe(403);
    expect(operatorChange.body.error?.details).toMatchObject({ reason: "risk_not_permitted" });
  });

  it("alerts the administrators about many risk operations in an hour, failed sign-in bursts and a new address range", async () => {
    const ada = await user("admin");
    for (let i = 0; i < 5; i++) {
      const answer = await call(ada.session, "PUT", `/accounts/${appId}/risk-settings`, { alerts: true });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    }
    const bursts = (await notifications(root)).filter(
      (n) => n["kind"] === "risk_operations_burst" && JSON.stringify(n["data"]).includes(ada.username),
    );
    expect(bursts).toHaveLength(1);
    expect(bursts[0]).toMatchObject({ data: { actor: { name: ada.username }, count: 4, perHour: 3 } });

    // Real sign-ins, from the addresses given: the auth module announces each on the bus.
    const signInFrom = async (username: string, password: string, remoteAddress: string) =>
      (
        await server.app.inject({
          method: "POST",
          url: "/api/v1/session",
          remoteAddress,
          payload: { username, password },
        })
      ).statusCode;
    for (let i = 0; i < 4; i++) {
      expect(await signInFrom("mallory", "not the password", `198.51.100.${i}`)).toBe(401);
    }
    const failures = (await notifications(root)).filter((n) => n["kind"] === "sign_in_failures");
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ data: { by: "username", username: "mallory", count: 3 } });

    // root signed in from 127.0.0.1 so far: another address of 127.0/16 is not new, one of 2001:db8:1::/48 is.
    expect(await signInFrom("root", PASSWORD, "127.0.9.9")).toBe(200);
    expect((await notifications(root)).filter((n) => n["kind"] === "new_sign_in_range")).toHaveLength(0);
    expect(await signInFrom("root", PASSWORD, "2001:db8:1:2::5")).toBe(200);
    const ranges = (await notifications(root)).filter((n) => n["kind"] === "new_sign_in_range");
    expect(ranges).toHaveLength(1);
    expect(ranges[0]).toMatchObject({ data: { username: "root", range: "2001:db8:1::/48" } });
  });

  it("lists every member of every account in the authorization review, flagged, and exports it as CSV", async () => {
    const review = await call(root, "GET", "/review");
    expect(review.status).toBe(200);
    const rows = (review.body.items ?? []).filter((r) => r["appid"] === appId);
    expect(rows[0]).toMatchObject({
      username: "root",
      kind: "super_admin",
      state: "active",
      flags: ["no_totp"],
    });
    const operator = rows.find((r) => r["kind"] === "short_term");
    expect(operator).toMatchObject({ state: "active", switches: ["account.view"], flags: [] });
    server.clock.advance(24 * DAY);
    root = await signIn("root");
    const later = await call(root, "GET", "/review");
    const flagged = (later.body.items ?? []).find((r) => r["appid"] === appId && r["kind"] === "short_term");
    expect(flagged?.["flags"]).toEqual(["expiring"]);
    server.clock.advance(70 * DAY);
    root = await signIn("root");
    const idle = await call(root, "GET", "/review");
    const superAdmin = (idle.body.items ?? []).find(
      (r) => r["appid"] === appId && r["kind"] === "super_admin",
    );
    // root's session was just used; the operator's access ended meanwhile.
    expect(superAdmin?.["flags"]).toEqual(["no_totp"]);
    const csv = await call(root, "GET", "/review/export");
    expect(csv.status).toBe(200);
    const lines = csv.text
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\n");
    expect(lines[0]).toBe(
      "appid,username,display_name,kind,state,switches,departments,expires_at,last_active_at,totp,flags",
    );
    expect(lines.some((line) => line.startsWith(`${appId},root,`))).toBe(true);
    const member = await user("member");
    expect((await call(member.session, "GET", "/review")).status).toBe(403);
  });
});
