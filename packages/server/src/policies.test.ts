import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionCatalogOf } from "./http/app.js";
import type { Route } from "./http/route.js";
import { ActionCatalog, definePolicy, type ModulePolicy, scopes } from "./platform/policy.js";
import { moduleFactories } from "./registry.js";
import { createTestServer, type TestServer } from "./testing/server.js";

/** The routes anyone may call: signing in. Anything else public must be added here on purpose. */
const publicRoutes = [
  "POST /session",
  // The second step of a sign-in from a new device: the caller has no session yet.
  "POST /session/second-factor",
  "POST /session/second-factor/resend",
  // Sandbox mode only: the codes a sandbox "e-mails", read before signing in.
  "GET /sandbox/mail",
];
/**
 * Routes naming an account the caller does not reach (yet): answering one's own invitation to
 * it. Anything else about an account says how to find it, so its reach is checked.
 */
const beforeReach = ["POST /invitations/:appid/accept", "POST /invitations/:appid/decline"];

let server: TestServer;
let routes: { module: string; route: Route }[];
let policies: ModulePolicy[];
let actionCatalog: ActionCatalog;

beforeAll(async () => {
  server = await createTestServer({ modules: moduleFactories });
  routes = server.modules.flatMap((m) => (m.routes ?? []).map((route) => ({ module: m.name, route })));
  policies = server.modules.flatMap((m) => m.policies ?? []);
  actionCatalog = actionCatalogOf(server.modules);
});
afterAll(async () => {
  await server.dispose();
});

describe("the route table against the policies", () => {
  it("mounts routes at all", () => {
    expect(routes.length).toBeGreaterThan(30);
  });

  it("has every route name an action of a module's policy, or be one of the public routes", () => {
    const unknown: string[] = [];
    const unexpectedlyPublic: string[] = [];
    for (const { route } of routes) {
      const name = `${route.method} ${route.url}`;
      if (route.action === "public") {
        if (!publicRoutes.includes(name)) unexpectedlyPublic.push(name);
      } else if (!actionCatalog.spec(route.action)) {
        unknown.push(`${name} → ${route.action}`);
      }
    }
    expect(unknown).toEqual([]);
    expect(unexpectedlyPublic).toEqual([]);
  });

  it("has every route about one account say how to find it, so the account's reach is checked", () => {
    const unchecked = routes
      .filter(({ route }) => route.url.includes(":appid") && route.account === undefined)
      .filter(({ route }) => !beforeReach.includes(`${route.method} ${route.url}`))
      .map(({ route }) => `${route.method} ${route.url}`);
    expect(unchecked).toEqual([]);
  });

  it("refuses to start with a route whose action no mounted module declares", () => {
    // The account routes without the accounts policy: the first of them is named.
    const withoutPolicy = server.modules.map((m) => (m.name === "accounts" ? { ...m, policies: [] } : m));
    expect(() => actionCatalogOf(withoutPolicy)).toThrow(/no mounted module's policy declares/);
  });

  it("has every declared action taken by some route", () => {
    const taken = new Set<string>(routes.map(({ route }) => route.action));
    expect(actionCatalog.names.filter((action) => !taken.has(action))).toEqual([]);
  });

  it("names each action after its policy's domain, each declared once", () => {
    for (const policy of policies) {
      for (const action of Object.keys(policy.actions))
        expect(action.startsWith(`${policy.domain}.`)).toBe(true);
    }
    expect(() =>
      definePolicy("accounts", { "webhooks.read": { summary: "x", scopes: [] } } as never),
    ).toThrow(/not in the accounts domain/);
    const twice = definePolicy("x", { "x.y": { summary: "y", scopes: [] } });
    expect(() => new ActionCatalog([twice, twice])).toThrow(/declared twice/);
  });
});

describe("the scopes of existing API keys, as actions", () => {
  // Every action a key with one scope gets. A new action appears here at once, and whoever adds
  // it decides which existing scope (if any) grants it.
  const table: Record<Exclude<(typeof scopes)[number], "admin">, string[]> = {
    "token:read": ["auth.self.read", "tokens.read", "tokens.invalidate"],
    "events:read": ["auth.self.read", "events.read"],
    "accounts:read": ["auth.self.read", "accounts.read", "followers.read", "campaigns.read"],
    "accounts:write": [
      "auth.self.read",
      "accounts.read",
      "accounts.connect",
      "accounts.authorize",
      "accounts.update",
      "accounts.enable",
      "accounts.disable",
      "accounts.quota.reset",
      "accounts.delete",
      "followers.read",
      "followers.sync",
      "followers.update",
      "followers.tags.manage",
      "campaigns.read",
      "campaigns.create",
      "campaigns.send",
    ],
    "webhooks:write": ["auth.self.read", "webhooks.read", "webhooks.manage"],
  };

  it.each(scopes)("%s grants exactly its actions", (scope) => {
    // admin: every action but the session-only ones.
    const expected =
      scope === "admin"
        ? actionCatalog.names.filter((a) => !actionCatalog.spec(a)?.sessionOnly)
        : table[scope];
    expect([...actionCatalog.actionsOfScopes([scope])].sort()).toEqual([...expected].sort());
  });

  it("gives a console administrator every action, and a key never the session's own", () => {
    expect([...actionCatalog.actionsOfRole("admin")].sort()).toEqual([...actionCatalog.names].sort());
    expect(actionCatalog.actionsOfScopes([...scopes]).has("auth.session.manage")).toBe(false);
  });

  it("names the narrowest scope that grants an action", () => {
    expect(actionCatalog.scopeOf("accounts.read")).toBe("accounts:read");
    expect(actionCatalog.scopeOf("accounts.enable")).toBe("accounts:write");
    expect(actionCatalog.scopeOf("accounts.settings.manage")).toBe("admin");
    expect(actionCatalog.scopeOf("auth.keys.manage")).toBe("admin");
    expect(actionCatalog.scopeOf("auth.self.read")).toBe("authenticated");
    expect(actionCatalog.scopeOf("auth.session.manage")).toBe("session");
  });

  it("refuses an action not granted, a session's action to a key, and an account out of reach", () => {
    const key = {
      via: "api_key" as const,
      id: "k",
      userId: null,
      name: "k",
      role: null,
      actions: actionCatalog.actionsOfScopes(["accounts:read"]),
      reach: { all: false as const, appIds: new Set(["wx0000000000000001"]) },
      grants: null,
    };
    expect(actionCatalog.check(key, "accounts.read")).toBeUndefined();
    expect(actionCatalog.check(key, "accounts.read", "wx0000000000000001")).toBeUndefined();
    expect(actionCatalog.check(key, "accounts.read", "wx0000000000000002")).toBe("out_of_reach");
    expect(actionCatalog.check(key, "accounts.enable")).toBe("not_permitted");
    expect(actionCatalog.check(key, "auth.session.manage")).toBe("session_required");
    expect(() => actionCatalog.check(key, "accounts.fly")).toThrow(/unknown action/);
  });
});

describe("the edge", () => {
  it("answers 403 forbidden, naming the action, to a key without it, before the handler runs", async () => {
    const { user } = await server.auth.createAdmin({ username: "root", password: "a long enough password" });
    const admin = { userId: user.id, name: "root" };
    const reader = (await server.auth.createApiKey(admin, { name: "reader", scopes: ["accounts:read"] })).key;
    const call = (method: "GET" | "POST", url: string) =>
      server.app.inject({ method, url: `/api/v1${url}`, headers: { authorization: `Bearer ${reader}` } });

    // The account does not exist: a 404 would mean the handler ran.
    const enable = await call("POST", "/accounts/wx0000000000000001/enable");
    expect(enable.statusCode).toBe(403);
    expect(enable.json().error).toMatchObject({
      code: "forbidden",
      message: "this operation needs the accounts:write scope",
      details: { reason: "not_permitted", action: "accounts.enable" },
    });
    expect((await call("GET", "/accounts/wx0000000000000001")).statusCode).toBe(404);
    const keys = await call("GET", "/api-keys");
    expect(keys.json().error.details).toEqual({ reason: "not_permitted", action: "auth.keys.manage" });
    const session = await call("GET", "/session");
    expect(session.json().error.details).toEqual({
      reason: "session_required",
      action: "auth.session.manage",
    });
  });

  it("publishes each operation's action and the scope that grants it", async () => {
    const document = (await server.app.inject({ method: "GET", url: "/api/v1/openapi.json" })).json();
    const enable = document.paths["/api/v1/accounts/{appid}/enable"].post;
    expect(enable["x-wxgate-action"]).toBe("accounts.enable");
    expect(enable["x-wxgate-scope"]).toBe("accounts:write");
    expect(document.paths["/api/v1/session"].post["x-wxgate-action"]).toBeUndefined();
  });
});
