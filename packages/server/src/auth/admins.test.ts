import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestServer, type TestServer } from "../testing/server.js";

const PASSWORD = "correct horse battery staple";
let server: TestServer;

beforeEach(async () => {
  server = await createTestServer();
  await server.auth.createAdmin({ username: "root", password: PASSWORD });
});
afterEach(async () => {
  await server.dispose();
});

/** A signed-in console session: its cookie, and calls with the CSRF token. */
async function signIn(username = "root", password = PASSWORD) {
  const response = await server.app.inject({
    method: "POST",
    url: "/api/v1/session",
    payload: { username, password },
  });
  const cookie = response.cookies.find((c) => c.name === "wxgate_session");
  const csrf = response.statusCode === 200 ? (response.json().csrfToken as string) : "";
  const call = (method: "GET" | "POST" | "DELETE", url: string, payload?: unknown) =>
    server.app.inject({
      method,
      url: `/api/v1${url}`,
      cookies: cookie ? { wxgate_session: cookie.value } : {},
      headers: { "x-csrf-token": csrf },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  return { status: response.statusCode, call };
}

describe("administrators", () => {
  it("lists them without any password hash, with what the caller may do with each", async () => {
    const root = await signIn();
    const created = await root.call("POST", "/admins", {
      username: "  Ops.Team ",
      password: "a long password",
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({
      id: expect.any(String),
      username: "ops.team",
      role: "admin",
      displayName: null,
      email: null,
      disabledAt: null,
      createdAt: server.clock.now(),
      lastLoginAt: null,
      frozenUntil: null,
      totpEnabled: false,
    });
    const list = await root.call("GET", "/admins");
    expect(list.statusCode).toBe(200);
    const { items } = list.json() as { items: Array<{ username: string; abilities: unknown }> };
    expect(items.map((a) => a.username)).toEqual(["root", "ops.team"]);
    expect(items.map((a) => a.abilities)).toEqual([
      {
        resetPassword: { allowed: false, reason: "own_password" },
        changeAccess: { allowed: false, reason: "owner_protected" },
      },
      { resetPassword: { allowed: true }, changeAccess: { allowed: true } },
    ]);
    expect(list.body).not.toMatch(/scrypt|password_hash|passwordHash/);
    expect(list.json().items[0].lastLoginAt).toBe(server.clock.now());
  });

  it("generates a password shown once when none is given; it signs in", async () => {
    const root = await signIn();
    const created = await root.call("POST", "/admins", { username: "ops" });
    expect(created.statusCode).toBe(201);
    const { password } = created.json() as { password: string };
    expect(password).toMatch(/^[\w-]{24}$/);
    expect((await signIn("ops", password)).status).toBe(200);
    const listed = await root.call("GET", "/admins");
    expect(listed.body).not.toContain(password);
    const stored = await server.store.db.selectFrom("users").select("password_hash").execute();
    expect(JSON.stringify(stored)).not.toContain(password);
    expect(server.logLines.join("")).not.toContain(password);
  });

  it("refuses a taken username with 409 username_taken, bad usernames and passwords with 400", async () => {
    const root = await signIn();
    const taken = await root.call("POST", "/admins", { username: "ROOT ", password: "another long one" });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error).toMatchObject({ code: "username_taken", details: { username: "root" } });
    const badName = await root.call("POST", "/admins", { username: "a b", password: "a long password" });
    expect(badName.statusCode).toBe(400);
    expect(badName.json().error).toMatchObject({
      code: "validation_failed",
      details: { reason: "invalid_username" },
    });
    const short = await root.call("POST", "/admins", { username: "ops", password: "short" });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.code).toBe("validation_failed");
    const list = await root.call("GET", "/admins");
    expect(list.json().items).toHaveLength(1);
  });

  it("resets another's password: the new one is shown once, the old one stops, their sessions end", async () => {
    const root = await signIn();
    const ops = (await root.call("POST", "/admins", { username: "ops", password: "first password" })).json();
    const opsSession = await signIn("ops", "first password");
    expect((await opsSession.call("GET", "/session")).statusCode).toBe(200);

    const reset = await root.call("POST", `/admins/${ops.id}/password`, {});
    expect(reset.statusCode).toBe(200);
    const { password, sessionsEnded } = reset.json() as { password: string; sessionsEnded: number };
    expect(password).toMatch(/^[\w-]{24}$/);
    expect(sessionsEnded).toBe(1);
    expect((await opsSession.call("GET", "/session")).statusCode).toBe(401);
    expect((await signIn("ops", "first password")).status).toBe(401);
    expect((await signIn("ops", password)).status).toBe(200);
    // The one who reset it is still signed in.
    expect((await root.call("GET", "/session")).statusCode).toBe(200);

    // A given password: nothing to show.
    const given = await root.call("POST", `/admins/${ops.id}/password`, { password: "chosen by root" });
    expect(given.json()).toEqual({ sessionsEnded: 1 });
    expect((await signIn("ops", "chosen by root")).status).toBe(200);
  });

  it("lifts a login freeze with the reset", async () => {
    const root = await signIn();
    const ops = (await root.call("POST", "/admins", { username: "ops", password: "first password" })).json();
    for (let i = 0; i < 5; i++) expect((await signIn("ops", "wrong password")).status).toBe(401);
    const frozen = (await root.call("GET", "/admins")).json().items[1];
    expect(frozen.frozenUntil).toBeGreaterThan(server.clock.now());
    await root.call("POST", `/admins/${ops.id}/password`, { password: "a fresh password" });
    expect((await root.call("GET", "/admins")).json().items[1].frozenUntil).toBeNull();
    expect((await signIn("ops", "a fresh password")).status).toBe(200);
  });

  it("refuses a session resetting its own password, and an unknown administrator", async () => {
    const root = await signIn();
    const me = (await root.call("GET", "/admins")).json().items[0].id as string;
    const own = await root.call("POST", `/admins/${me}/password`, {});
    expect(own.statusCode).toBe(409);
    expect(own.json().error).toMatchObject({ code: "conflict", details: { reason: "own_password" } });
    expect((await signIn()).status).toBe(200);
    const missing = await root.call("POST", "/admins/nobody/password", {});
    expect(missing.statusCode).toBe(404);
  });

  it("is for sessions and admin API keys only; other keys are refused", async () => {
    const root = await signIn();
    const key = async (scopes: string[]) =>
      (await root.call("POST", "/api-keys", { name: scopes.join(","), scopes })).json().key as string;
    const reader = await key(["accounts:read", "accounts:write", "webhooks:write"]);
    const refused = await server.app.inject({
      method: "GET",
      url: "/api/v1/admins",
      headers: { authorization: `Bearer ${reader}` },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.details).toMatchObject({
      action: "auth.admins.manage",
      reason: "not_permitted",
    });
    const admin = await key(["admin"]);
    const allowed = await server.app.inject({
      method: "POST",
      url: "/api/v1/admins",
      headers: { authorization: `Bearer ${admin}` },
      payload: { username: "deployer" },
    });
    expect(allowed.statusCode).toBe(201);
  });

  it("describes the routes in the OpenAPI document; the listed fields are the whitelist", async () => {
    const document = (await server.app.inject({ method: "GET", url: "/api/v1/openapi.json" })).json() as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    const admins = document.paths["/api/v1/admins"] ?? {};
    expect(Object.keys(admins)).toEqual(["get", "post"]);
    expect(Object.keys(document.paths["/api/v1/admins/{id}"] ?? {})).toEqual(["patch"]);
    expect(Object.keys(document.paths["/api/v1/admins/{id}/password"] ?? {})).toEqual(["post"]);
    const listed = JSON.parse(JSON.stringify(admins["get"]?.responses["200"])) as {
      content: {
        "application/json": { schema: { properties: { items: { items: { properties: object } } } } };
      };
    };
    expect(Object.keys(listed.content["application/json"].schema.properties.items.items.properties)).toEqual([
      "id",
      "username",
      "role",
      "displayName",
      "email",
      "disabledAt",
      "createdAt",
      "lastLoginAt",
      "frozenUntil",
      "totpEnabled",
      "abilities",
    ]);
  });
});
