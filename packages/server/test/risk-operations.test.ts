import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionCatalogOf } from "../src/http/app.js";
import { CSRF_HEADER, SESSION_COOKIE } from "../src/http/principal.js";
import type { Route } from "../src/http/route.js";
import { moduleFactories } from "../src/registry.js";
import { type TestDatabase, testEngines } from "../src/testing/engines.js";
import { createTestServer, type TestServer } from "../src/testing/server.js";

/**
 * Every risk operation, generated from the route table: each changing route whose action is
 * flagged `risk` is refused to a session whose confirmation is older than the window (403
 * `confirmation_required`, naming the action) — before it reads the body — and each refusal
 * writes exactly one audit entry; once the user confirms, none is refused for it any more.
 * On SQLite and PostgreSQL.
 */

const PASSWORD = "correct horse battery staple";
const MINUTE = 60_000;
const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/** A value for each path parameter: valid for its schema, naming nothing that exists. */
const PARAMS: Record<string, string> = {
  appid: "wx0123456789abcdef",
  id: "01a21aa3-8259-72ac-921e-c0701a3ad27b",
  deliveryId: "01a21aa3-8259-72ac-921e-c0701a3ad27c",
  userId: "01a21aa3-8259-72ac-921e-c0701a3ad27d",
};

function pathOf(route: Route): string {
  return `/api/v1${route.url.replace(/:(\w+)/g, (_, name: string) => {
    const value = PARAMS[name];
    if (!value) throw new Error(`no test value for the path parameter :${name} of ${route.url}`);
    return value;
  })}`;
}

describe.each(testEngines)("risk operations on $name", (engine) => {
  let database: TestDatabase;
  let server: TestServer;
  let session: { cookie: string; csrf: string };
  let risky: Route[];

  async function send(route: Route) {
    const response = await server.app.inject({
      method: route.method as "POST",
      url: pathOf(route),
      headers: { cookie: `${SESSION_COOKIE}=${session.cookie}`, [CSRF_HEADER]: session.csrf },
      payload: {},
    });
    return {
      status: response.statusCode,
      body: response.json() as { error?: { code: string; details?: unknown } },
    };
  }

  beforeAll(async () => {
    database = await engine.database();
    server = await createTestServer({ modules: moduleFactories, sandbox: true, env: database.env });
    await server.auth.createAdmin({ username: "root", password: PASSWORD });
    const catalog = actionCatalogOf(server.modules);
    risky = server.modules
      .flatMap((m) => m.routes ?? [])
      .filter((r) => r.action !== "public" && UNSAFE.has(r.method) && catalog.spec(r.action)?.risk === true);
    const signedIn = await server.app.inject({
      method: "POST",
      url: "/api/v1/session",
      payload: { username: "root", password: PASSWORD },
    });
    session = {
      cookie: signedIn.cookies.find((c) => c.name === SESSION_COOKIE)?.value ?? "",
      csrf: signedIn.json().csrfToken,
    };
  });

  afterAll(async () => {
    await server?.dispose();
    await database?.dispose();
  });

  it("refuses each one without a fresh confirmation, with one audit entry each, and admits it after one", async () => {
    // Connecting, deleting, the minimum permission sets, tokens, webhooks, users, members…
    expect(risky.length).toBeGreaterThanOrEqual(15);
    server.clock.advance(5 * MINUTE);
    const since = server.clock.now();
    for (const route of risky) {
      const answer = await send(route);
      expect([`${route.method} ${route.url}`, answer.status, answer.body.error]).toEqual([
        `${route.method} ${route.url}`,
        403,
        expect.objectContaining({ code: "confirmation_required", details: { action: route.action } }),
      ]);
    }
    // Exactly one entry per refused request, naming its route.
    const entries: { route: string; method: string; errorCode: string | null }[] = [];
    let cursor: string | null = null;
    do {
      const page = await server.app.inject({
        method: "GET",
        url: `/api/v1/audit?limit=200&from=${since}${cursor ? `&cursor=${cursor}` : ""}`,
        headers: { cookie: `${SESSION_COOKIE}=${session.cookie}` },
      });
      expect(page.statusCode).toBe(200);
      const body = page.json() as { items: typeof entries; nextCursor: string | null };
      entries.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor);
    const refused = entries.filter((e) => e.errorCode === "confirmation_required");
    expect(refused).toHaveLength(risky.length);
    expect(new Set(refused.map((e) => `${e.method} ${e.route}`)).size).toBe(risky.length);

    const confirmed = await server.app.inject({
      method: "POST",
      url: "/api/v1/session/confirm",
      headers: { cookie: `${SESSION_COOKIE}=${session.cookie}`, [CSRF_HEADER]: session.csrf },
      payload: { password: PASSWORD },
    });
    expect(confirmed.statusCode).toBe(200);
    // Admitted now: whatever each answers next (an empty body, an unknown account), it is not the gate.
    for (const route of risky) {
      const answer = await send(route);
      expect([`${route.method} ${route.url}`, answer.body.error?.code]).not.toEqual([
        `${route.method} ${route.url}`,
        "confirmation_required",
      ]);
    }
  });
});
