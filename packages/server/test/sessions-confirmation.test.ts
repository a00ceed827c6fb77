import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CSRF_HEADER, SESSION_COOKIE } from "../src/http/principal.js";
import { moduleFactories } from "../src/registry.js";
import { type TestDatabase, testEngines } from "../src/testing/engines.js";
import { createTestServer, type TestServer } from "../src/testing/server.js";

/**
 * Console sessions end to end, on SQLite and PostgreSQL: risk operations need a fresh
 * confirmation (the sign-in is one; five minutes later the password is asked again), a
 * confirmation and a refusal each leave one audit entry; the user's sessions are listed, ended
 * one by one or everywhere else; they end when idle or old however used; a change of
 * privileges gives a session a new cookie, and a sign-in replaces the cookie it came with.
 */

const PASSWORD = "correct horse battery staple";
const MINUTE = 60_000;
const CHROME_MAC =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

interface Session {
  cookie: string;
  csrf: string;
}
interface Answer {
  status: number;
  body: Record<string, unknown> & {
    error?: { code: string; details?: Record<string, unknown> };
    items?: Record<string, unknown>[];
    sessions?: Record<string, unknown>[];
  };
  cookie: string | undefined;
}

describe.each(testEngines)("console sessions and confirmations on $name", (engine) => {
  let database: TestDatabase;
  let server: TestServer;
  let users = 0;

  async function signIn(username: string, userAgent = CHROME_MAC, cookie?: string): Promise<Session> {
    const response = await server.app.inject({
      method: "POST",
      url: "/api/v1/session",
      headers: { "user-agent": userAgent, ...(cookie ? { cookie: `${SESSION_COOKIE}=${cookie}` } : {}) },
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
    return {
      status: response.statusCode,
      body: response.body ? response.json() : {},
      cookie: response.cookies.find((c) => c.name === SESSION_COOKIE)?.value,
    };
  }

  async function newAdmin(): Promise<{ id: string; username: string }> {
    const username = `admin${++users}`;
    const made = await server.auth.createAdmin({ username, password: PASSWORD });
    return { id: made.user.id, username };
  }

  /** The audit entries of one action, newest first. */
  async function audited(as: Session, action: string): Promise<Record<string, unknown>[]> {
    const answer = await call(as, "GET", `/audit?action=${encodeURIComponent(action)}`);
    expect(answer.status).toBe(200);
    return answer.body.items ?? [];
  }

  beforeAll(async () => {
    database = await engine.database();
    server = await createTestServer({ modules: moduleFactories, sandbox: true, env: database.env });
    await server.auth.createAdmin({ username: "root", password: PASSWORD });
  });

  afterAll(async () => {
    await server?.dispose();
    await database?.dispose();
  });

  it("admits risk operations within five minutes of a confirmation, and refuses them after, with one audit entry each", async () => {
    const root = await signIn("root");
    const hook = { name: "risk", url: "https://receiver.example.com/hook" };
    // The sign-in is a confirmation: a risk operation right after it goes through.
    const first = await call(root, "POST", "/webhooks", hook);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    server.clock.advance(5 * MINUTE);
    // Renewed by requests, the session lives on; the confirmation does not.
    const refused = await call(root, "POST", "/webhooks", hook);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({
      code: "confirmation_required",
      details: { action: "webhooks.manage" },
    });
    // Reading is not a risk operation.
    expect((await call(root, "GET", "/webhooks")).status).toBe(200);
    const wrong = await call(root, "POST", "/session/confirm", { password: "not it at all" });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error?.code).toBe("invalid_credentials");
    const confirmed = await call(root, "POST", "/session/confirm", { password: PASSWORD });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body["confirmedUntil"]).toBe(server.clock.now() + 5 * MINUTE);
    const second = await call(root, "POST", "/webhooks", hook);
    expect(second.status).toBe(201);
    // Exactly one entry per attempt: two accepted, one refused for want of a confirmation.
    const entries = await audited(root, "webhooks.manage");
    expect(entries.map((e) => [e["outcome"], e["errorCode"] ?? null])).toEqual([
      ["ok", null],
      ["refused", "confirmation_required"],
      ["ok", null],
    ]);
    const confirmations = await audited(root, "auth.session.manage");
    expect(
      confirmations.filter((e) => e["route"] === "/api/v1/session/confirm").map((e) => e["outcome"]),
    ).toEqual(["ok", "refused"]);
    expect(JSON.stringify(confirmations)).not.toContain(PASSWORD);
  });

  it("counts wrong confirmation passwords towards the login freeze: a stolen session cannot guess the password", async () => {
    const { username } = await newAdmin();
    const stolen = await signIn(username);
    for (let attempt = 1; attempt <= 4; attempt++) {
      expect(
        (await call(stolen, "POST", "/session/confirm", { password: `guess number ${attempt}` })).status,
      ).toBe(401);
    }
    const fifth = await call(stolen, "POST", "/session/confirm", { password: "guess number 5" });
    expect(fifth.status).toBe(401);
    // Frozen now: even the right password neither confirms nor signs in.
    const right = await call(stolen, "POST", "/session/confirm", { password: PASSWORD });
    expect([right.status, right.body.error?.code]).toEqual([429, "login_frozen"]);
    const again = await server.app.inject({
      method: "POST",
      url: "/api/v1/session",
      payload: { username, password: PASSWORD },
    });
    expect(again.statusCode).toBe(429);
  });

  it("asks a confirmation for API keys that read tokens, not for narrower ones", async () => {
    const root = await signIn("root");
    server.clock.advance(6 * MINUTE);
    const narrow = await call(root, "POST", "/api-keys", { name: "events", scopes: ["events:read"] });
    expect(narrow.status).toBe(201);
    const tokens = await call(root, "POST", "/api-keys", { name: "tokens", scopes: ["token:read"] });
    expect(tokens.status).toBe(403);
    expect(tokens.body.error).toMatchObject({
      code: "confirmation_required",
      details: { action: "auth.keys.manage" },
    });
    expect((await call(root, "POST", "/session/confirm", { password: PASSWORD })).status).toBe(200);
    expect((await call(root, "POST", "/api-keys", { name: "tokens", scopes: ["token:read"] })).status).toBe(
      201,
    );
  });

  it("lists the user's sessions with their device, ends one, and signs out everywhere else", async () => {
    const { username } = await newAdmin();
    const laptop = await signIn(username);
    const phone = await signIn(
      username,
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Mobile/15E148 Safari/604.1",
    );
    const tablet = await signIn(username, "curl/8.5.0");
    const listed = await call(laptop, "GET", "/sessions");
    expect(listed.status).toBe(200);
    const sessions = listed.body.sessions ?? [];
    expect(sessions.map((s) => s["device"]).sort()).toEqual(["Chrome on macOS", "Safari on iOS", "curl"]);
    expect(sessions.filter((s) => s["current"]).map((s) => s["device"])).toEqual(["Chrome on macOS"]);
    // The sign-in confirmed it: the listing says until when, by the server's window.
    const current = sessions.find((s) => s["current"]);
    expect(current?.["confirmedUntil"]).toBe(Number(current?.["confirmedAt"]) + 5 * MINUTE);
    expect(JSON.stringify(listed.body)).not.toContain(laptop.cookie);
    const phoneId = String(sessions.find((s) => s["device"] === "Safari on iOS")?.["id"]);
    expect((await call(laptop, "DELETE", `/sessions/${phoneId}`)).status).toBe(204);
    expect((await call(phone, "GET", "/whoami")).status).toBe(401);
    expect((await call(laptop, "DELETE", `/sessions/${phoneId}`)).status).toBe(404);
    const everywhere = await call(laptop, "POST", "/sessions/end-others");
    expect(everywhere.body).toEqual({ ended: 1 });
    expect((await call(tablet, "GET", "/whoami")).status).toBe(401);
    expect((await call(laptop, "GET", "/whoami")).status).toBe(200);
    // Another user's session is not this user's to end.
    const root = await signIn("root");
    const rootId = String((await call(root, "GET", "/sessions")).body.sessions?.[0]?.["id"]);
    expect((await call(laptop, "DELETE", `/sessions/${rootId}`)).status).toBe(404);
    expect((await call(root, "GET", "/whoami")).status).toBe(200);
  });

  it("ends a session idle for an hour, and any session twelve hours after sign-in", async () => {
    const { username } = await newAdmin();
    const idle = await signIn(username);
    server.clock.advance(59 * MINUTE);
    expect((await call(idle, "GET", "/whoami")).status).toBe(200);
    server.clock.advance(59 * MINUTE);
    expect((await call(idle, "GET", "/whoami")).status).toBe(200);
    server.clock.advance(60 * MINUTE);
    expect((await call(idle, "GET", "/whoami")).status).toBe(401);
    const busy = await signIn(username);
    for (let hour = 0; hour < 11; hour++) {
      server.clock.advance(59 * MINUTE);
      expect((await call(busy, "GET", "/whoami")).status).toBe(200);
    }
    server.clock.advance(60 * MINUTE);
    expect((await call(busy, "GET", "/whoami")).status).toBe(401);
  });

  it("gives a session a new cookie when its user's privileges change, and a sign-in replaces the old one", async () => {
    const root = await signIn("root");
    const { id, username } = await newAdmin();
    const before = await signIn(username);
    const changed = await call(root, "PATCH", `/admins/${id}`, { role: "member" });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    const next = await call(before, "GET", "/whoami");
    expect(next.status).toBe(200);
    expect(next.body["role"]).toBe("member");
    expect(next.cookie).toBeDefined();
    expect(next.cookie).not.toBe(before.cookie);
    // The old cookie still works for the requests a page had sent with it (30 s), then not;
    // the new one carries on, with the same CSRF token.
    const late = await call(before, "GET", "/whoami");
    expect([late.status, late.cookie]).toEqual([200, undefined]);
    server.clock.advance(30_000);
    expect((await call(before, "GET", "/whoami")).status).toBe(401);
    const after = { cookie: next.cookie!, csrf: before.csrf };
    expect((await call(after, "GET", "/whoami")).status).toBe(200);
    // Signing in with a cookie still set ends that session: the new one replaces it.
    const again = await signIn(username, CHROME_MAC, after.cookie);
    expect(again.cookie).not.toBe(after.cookie);
    expect((await call(after, "GET", "/whoami")).status).toBe(401);
    expect((await call(again, "GET", "/whoami")).status).toBe(200);
  });
});
