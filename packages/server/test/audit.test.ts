import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AuditEntryView, auditModule } from "../src/audit/index.js";
import { CSRF_HEADER, SESSION_COOKIE } from "../src/http/principal.js";
import { createTestServer, type TestServer } from "../src/testing/server.js";

const ADMIN = { username: "ops", password: "correct horse battery staple" };
const DAY = 24 * 60 * 60 * 1000;

type Entry = AuditEntryView;

let server: TestServer;
let session: { cookie: string; csrf: string };

async function signIn(password: string) {
  return server.app.inject({
    method: "POST",
    url: "/api/v1/session",
    headers: { "user-agent": "audit-test" },
    payload: { username: ADMIN.username, password },
  });
}

async function asAdmin(method: "GET" | "POST" | "DELETE", url: string, payload?: unknown) {
  return server.app.inject({
    method,
    url,
    headers: { cookie: `${SESSION_COOKIE}=${session.cookie}`, [CSRF_HEADER]: session.csrf },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

async function entries(query = ""): Promise<{ items: Entry[]; nextCursor: string | null }> {
  const response = await asAdmin("GET", `/api/v1/audit${query}`);
  expect(response.statusCode).toBe(200);
  return response.json();
}

async function signInAgain() {
  const signedIn = await signIn(ADMIN.password);
  expect(signedIn.statusCode).toBe(200);
  session = {
    cookie: signedIn.cookies.find((c) => c.name === SESSION_COOKIE)?.value ?? "",
    csrf: signedIn.json().csrfToken,
  };
}

beforeEach(async () => {
  server = await createTestServer({ modules: [auditModule()] });
  await server.auth.createAdmin(ADMIN);
  expect((await signIn("not the password")).statusCode).toBe(401);
  await signInAgain();
});

afterEach(async () => {
  await server.dispose();
});

describe("the audit log (GET /api/v1/audit)", () => {
  it("records every changing request — who, from where, the action, the outcome — and never a secret", async () => {
    const created = await asAdmin("POST", "/api/v1/api-keys", { name: "deploy", scopes: ["token:read"] });
    expect(created.statusCode).toBe(201);
    const key: string = created.json().key;
    const refused = await asAdmin("DELETE", "/api/v1/api-keys/no-such-key");
    expect(refused.statusCode).toBe(404);

    const { items } = await entries();
    expect(items.map((e) => [e.method, e.route, e.outcome, e.status])).toEqual([
      ["DELETE", "/api/v1/api-keys/:id", "refused", 404],
      ["POST", "/api/v1/api-keys", "ok", 201],
      ["POST", "/api/v1/session", "ok", 200],
      ["POST", "/api/v1/session", "refused", 401],
    ]);
    const [deleted, keyMade, signedIn, wrongPassword] = items as [Entry, Entry, Entry, Entry];
    expect(deleted).toMatchObject({
      action: "auth.keys.manage",
      actor: { kind: "session", name: ADMIN.username },
      target: { id: "no-such-key" },
      errorCode: "not_found",
      ip: "127.0.0.1",
    });
    expect(keyMade.summary).toEqual({ name: "deploy", scopes: ["token:read"] });
    expect(keyMade.requestId).toBe(created.headers["x-request-id"]);
    // Signing in is public: no actor yet; the username is kept, the password never.
    expect(wrongPassword).toMatchObject({
      action: "public",
      actor: null,
      errorCode: "invalid_credentials",
      userAgent: "audit-test",
      summary: { username: ADMIN.username, password: "[redacted]" },
    });
    expect(signedIn.summary).toEqual({ username: ADMIN.username, password: "[redacted]" });

    const everything = JSON.stringify(items) + (await asAdmin("GET", "/api/v1/audit/export")).body;
    expect(everything).not.toContain(ADMIN.password);
    expect(everything).not.toContain(key);
    expect(everything).not.toContain(session.csrf);
    expect(everything).not.toContain(session.cookie);
  });

  it("filters by person, action, outcome and time, and pages by cursor", async () => {
    for (const name of ["a", "b", "c"]) {
      expect((await asAdmin("POST", "/api/v1/api-keys", { name, scopes: ["token:read"] })).statusCode).toBe(
        201,
      );
      server.clock.advance(60_000);
    }
    const adminId = (await asAdmin("GET", "/api/v1/session")).json().user.id as string;

    const keys = await entries("?action=auth.keys.manage");
    expect(keys.items.map((e) => (e.summary as { name: string }).name)).toEqual(["c", "b", "a"]);
    expect((await entries("?outcome=refused")).items.map((e) => e.status)).toEqual([401]);
    expect((await entries(`?actor=${adminId}`)).items).toHaveLength(3);
    const [, middle] = keys.items as [Entry, Entry, Entry];
    const atB = await entries(`?from=${middle.at}&to=${middle.at}`);
    expect(atB.items.map((e) => e.id)).toEqual([middle.id]);

    const first = await entries("?limit=2");
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toBe(first.items[1]?.id);
    const rest = await entries(`?limit=2&cursor=${first.nextCursor}`);
    const rest2 = await entries(`?limit=2&cursor=${rest.nextCursor}`);
    expect([...first.items, ...rest.items, ...rest2.items].map((e) => e.status)).toEqual([
      201, 201, 201, 200, 401,
    ]);
    expect(rest2.nextCursor).toBeNull();
  });

  it("exports CSV with a byte-order mark, every column, and formulas defused", async () => {
    await asAdmin("POST", "/api/v1/api-keys", { name: '=HYPERLINK("http://x")', scopes: ["token:read"] });
    const response = await asAdmin("GET", "/api/v1/audit/export?action=auth.keys.manage");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(response.headers["content-disposition"]).toMatch(
      /^attachment; filename="wxgate-audit-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(
      response.body.startsWith("\ufeffid,time,actor_kind,actor_name,actor_id,ip,user_agent,appid,action"),
    ).toBe(true);
    const lines = response.body.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain("auth.keys.manage");
    // The summary cell holds the name inside JSON, so it starts with `{`; the name itself is
    // checked where it would lead a cell: nowhere unescaped.
    expect(lines[1]).not.toMatch(/,=HYPERLINK/);
  });

  it("is read by administrators only and has no route that changes it", async () => {
    const created = await asAdmin("POST", "/api/v1/api-keys", {
      name: "all",
      scopes: ["token:read", "events:read", "accounts:read", "accounts:write", "webhooks:write"],
    });
    const key: string = created.json().key;
    const byKey = await server.app.inject({
      method: "GET",
      url: "/api/v1/audit",
      headers: { authorization: `Bearer ${key}` },
    });
    expect(byKey.statusCode).toBe(403);
    expect(byKey.json().error.details).toMatchObject({ action: "audit.read" });
    for (const method of ["POST", "PUT", "PATCH", "DELETE"] as const) {
      const changed = await asAdmin(method as "POST", `/api/v1/audit${method === "POST" ? "" : "/x"}`, {});
      expect(changed.statusCode).toBe(404);
    }
  });

  it("purges entries past the retention time (180 days by default), keeping the newer ones", async () => {
    await asAdmin("POST", "/api/v1/api-keys", { name: "early", scopes: ["token:read"] });
    server.clock.advance(100 * DAY);
    // Day 0's session has ended by now: a new one, and a key made with it.
    await signInAgain();
    await asAdmin("POST", "/api/v1/api-keys", { name: "later", scopes: ["token:read"] });
    server.clock.advance(81 * DAY);
    await server.queue.runDue();
    await signInAgain();
    const { items } = await entries();
    // Day 0's entries are gone; day 100's and day 181's are kept.
    expect(items.map((e) => [e.route, e.status])).toEqual([
      ["/api/v1/session", 200],
      ["/api/v1/api-keys", 201],
      ["/api/v1/session", 200],
    ]);
    expect(server.logLines.some((line) => line.includes("audit entries purged"))).toBe(true);
  });
});
