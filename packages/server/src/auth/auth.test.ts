import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../platform/logger.js";
import { createTestServer, type TestServer } from "../testing/server.js";
import { hashPassword, verifyPassword } from "./password.js";
import { AuthRepository } from "./repository.js";
import { AuthService, type PasswordHasher } from "./service.js";

const PASSWORD = "correct horse battery staple";
let server: TestServer;

beforeEach(async () => {
  server = await createTestServer();
  await server.auth.createAdmin({ username: "Ops", password: PASSWORD });
});
afterEach(async () => {
  await server.dispose();
});

async function login(password = PASSWORD) {
  const response = await server.app.inject({
    method: "POST",
    url: "/api/v1/session",
    payload: { username: "ops", password },
  });
  const cookie = response.cookies.find((c) => c.name === "wxgate_session");
  return { response, cookie, csrf: response.statusCode === 200 ? (response.json().csrfToken as string) : "" };
}

describe("console sessions", () => {
  it("signs in with a HttpOnly, SameSite=Lax cookie and returns a CSRF token", async () => {
    const { response, cookie, csrf } = await login();
    expect(response.statusCode).toBe(200);
    expect(response.json().user.username).toBe("ops");
    expect(csrf.length).toBeGreaterThan(20);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
    expect(cookie?.secure).toBeFalsy();
    const session = await server.app.inject({
      method: "GET",
      url: "/api/v1/session",
      cookies: { wxgate_session: cookie!.value },
    });
    expect(session.statusCode).toBe(200);
    expect(session.json().csrfToken).toBe(csrf);
  });

  it("refuses a wrong password or an unknown user alike", async () => {
    const wrong = await login("not the password");
    expect(wrong.response.statusCode).toBe(401);
    expect(wrong.response.json().error.code).toBe("invalid_credentials");
    const unknown = await server.app.inject({
      method: "POST",
      url: "/api/v1/session",
      payload: { username: "nobody", password: PASSWORD },
    });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error.code).toBe("invalid_credentials");
    expect(unknown.json().error.message).toBe(wrong.response.json().error.message);
  });

  it("requires the CSRF header on unsafe cookie requests, but not for API keys", async () => {
    const { cookie, csrf } = await login();
    const cookies = { wxgate_session: cookie!.value };
    const payload = { name: "deploy", scopes: ["token:read"] };
    const missing = await server.app.inject({ method: "POST", url: "/api/v1/api-keys", cookies, payload });
    expect(missing.statusCode).toBe(403);
    expect(missing.json().error.code).toBe("csrf_failed");
    const wrong = await server.app.inject({
      method: "POST",
      url: "/api/v1/api-keys",
      cookies,
      payload,
      headers: { "x-csrf-token": `${csrf}x` },
    });
    expect(wrong.json().error.code).toBe("csrf_failed");
    const ok = await server.app.inject({
      method: "POST",
      url: "/api/v1/api-keys",
      cookies,
      payload,
      headers: { "x-csrf-token": csrf },
    });
    expect(ok.statusCode).toBe(201);
    // Reads need no CSRF token.
    const list = await server.app.inject({ method: "GET", url: "/api/v1/api-keys", cookies });
    expect(list.statusCode).toBe(200);
  });

  it("signs out: the cookie stops working", async () => {
    const { cookie, csrf } = await login();
    const cookies = { wxgate_session: cookie!.value };
    const out = await server.app.inject({
      method: "DELETE",
      url: "/api/v1/session",
      cookies,
      headers: { "x-csrf-token": csrf },
    });
    expect(out.statusCode).toBe(204);
    const after = await server.app.inject({ method: "GET", url: "/api/v1/session", cookies });
    expect(after.statusCode).toBe(401);
  });

  it("expires sessions by the clock", async () => {
    const { cookie } = await login();
    server.clock.advance(12 * 60 * 60_000);
    const after = await server.app.inject({
      method: "GET",
      url: "/api/v1/whoami",
      cookies: { wxgate_session: cookie!.value },
    });
    expect(after.statusCode).toBe(401);
  });

  it("marks the cookie Secure when the public URL is https", async () => {
    await server.dispose();
    server = await createTestServer({ env: { WXGATE_PUBLIC_URL: "https://wx.example.com" } });
    await server.auth.createAdmin({ username: "ops", password: PASSWORD });
    const { cookie } = await login();
    expect(cookie?.secure).toBe(true);
  });
});

describe("API keys", () => {
  async function createKey(scopes: string[]) {
    const { cookie, csrf } = await login();
    const response = await server.app.inject({
      method: "POST",
      url: "/api/v1/api-keys",
      cookies: { wxgate_session: cookie!.value },
      headers: { "x-csrf-token": csrf },
      payload: { name: "deploy", scopes },
    });
    return { response, cookies: { wxgate_session: cookie!.value }, csrf };
  }

  it("shows the key once, stores only its digest, and lists it without the key", async () => {
    const { response, cookies } = await createKey(["token:read", "events:read"]);
    const created = response.json();
    expect(created.key).toMatch(/^wxg_[\w-]{43}$/);
    expect(created.prefix).toBe(created.key.slice(0, 12));
    const stored = await server.store.db.selectFrom("api_keys").selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(created.key);
    const list = await server.app.inject({ method: "GET", url: "/api/v1/api-keys", cookies });
    expect(list.body).not.toContain(created.key);
    expect(list.json().items).toEqual([
      expect.objectContaining({
        id: created.id,
        name: "deploy",
        scopes: ["token:read", "events:read"],
        revokedAt: null,
      }),
    ]);
    const whoami = await server.app.inject({
      method: "GET",
      url: "/api/v1/whoami",
      headers: { authorization: `Bearer ${created.key}` },
    });
    // Auth's own routes only are mounted here: of the scopes' actions, the one that exists.
    expect(whoami.json()).toEqual({
      kind: "api_key",
      name: "deploy",
      scopes: ["token:read", "events:read"],
      role: null,
      actions: ["auth.self.read"],
      accounts: null,
    });
    const listed = await server.app.inject({ method: "GET", url: "/api/v1/api-keys", cookies });
    expect(listed.json().items[0].lastUsedAt).toBe(server.clock.now());
  });

  it("limits a key to its scopes; admin covers all", async () => {
    const reader = (await createKey(["accounts:read"])).response.json().key;
    const denied = await server.app.inject({
      method: "GET",
      url: "/api/v1/api-keys",
      headers: { authorization: `Bearer ${reader}` },
    });
    expect(denied.statusCode).toBe(403);
    const admin = (await createKey(["admin"])).response.json().key;
    const allowed = await server.app.inject({
      method: "GET",
      url: "/api/v1/api-keys",
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(allowed.statusCode).toBe(200);
    const session = await server.app.inject({
      method: "GET",
      url: "/api/v1/session",
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(session.statusCode).toBe(403);
  });

  it("rejects unknown scopes and empty names", async () => {
    const { response } = await createKey(["everything"]);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe("validation_failed");
  });

  it("revokes a key: it stops working at once, even right after a use", async () => {
    const { response, cookies, csrf } = await createKey(["admin"]);
    const { id, key } = response.json();
    const before = await server.app.inject({
      method: "GET",
      url: "/api/v1/whoami",
      headers: { authorization: `Bearer ${key}` },
    });
    expect(before.statusCode).toBe(200);
    const revoke = await server.app.inject({
      method: "DELETE",
      url: `/api/v1/api-keys/${id}`,
      cookies,
      headers: { "x-csrf-token": csrf },
    });
    expect(revoke.statusCode).toBe(204);
    const after = await server.app.inject({
      method: "GET",
      url: "/api/v1/whoami",
      headers: { authorization: `Bearer ${key}` },
    });
    expect(after.statusCode).toBe(401);
    const missing = await server.app.inject({
      method: "DELETE",
      url: "/api/v1/api-keys/nope",
      cookies,
      headers: { "x-csrf-token": csrf },
    });
    expect(missing.statusCode).toBe(404);
  });

  it("never logs a key, a password, a session cookie or a CSRF token", async () => {
    const { response, cookies, csrf } = await createKey(["admin"]);
    const { key } = response.json();
    await server.app.inject({
      method: "GET",
      url: "/api/v1/whoami",
      headers: { authorization: `Bearer ${key}` },
    });
    const logs = server.logLines.join("");
    expect(logs).toContain("API key created");
    for (const secret of [key, PASSWORD, cookies.wxgate_session, csrf]) expect(logs).not.toContain(secret);
  });
});

describe("admin users", () => {
  it("creates the first admin with a generated password only when none exists", async () => {
    await server.dispose();
    server = await createTestServer();
    const first = await server.auth.ensureFirstAdmin();
    expect(first?.username).toBe("admin");
    expect(first?.password).toMatch(/^[\w-]{24}$/);
    expect(await server.auth.ensureFirstAdmin()).toBeUndefined();
    const response = await server.app.inject({
      method: "POST",
      url: "/api/v1/session",
      payload: { username: "admin", password: first!.password },
    });
    expect(response.statusCode).toBe(200);
    const stored = await server.store.db
      .selectFrom("users")
      .select("password_hash")
      .executeTakeFirstOrThrow();
    expect(stored.password_hash).not.toContain(first!.password);
  });

  it("refuses duplicates, bad usernames and short passwords", async () => {
    await expect(server.auth.createAdmin({ username: "ops", password: PASSWORD })).rejects.toMatchObject({
      code: "username_taken",
    });
    await expect(server.auth.createAdmin({ username: "a b", password: PASSWORD })).rejects.toMatchObject({
      code: "validation_failed",
    });
    await expect(server.auth.createAdmin({ username: "other", password: "short" })).rejects.toMatchObject({
      code: "validation_failed",
    });
  });

  it("can freeze a login after repeated wrong passwords (policy given)", async () => {
    const service = new AuthService({
      repository: new AuthRepository(server.store.db),
      clock: server.clock,
      logger: createLogger({ level: "silent" }),
      scryptCost: { N: 2 ** 10, r: 8, p: 1 },
      loginFreeze: { maxFailures: 5, freezeMs: 2 * 60 * 60_000 },
    });
    const attempt = (password: string) =>
      service.login({ username: "ops", password, ip: null, userAgent: null });
    for (let i = 0; i < 5; i++)
      await expect(attempt("wrong password")).rejects.toMatchObject({ code: "invalid_credentials" });
    await expect(attempt(PASSWORD)).rejects.toMatchObject({ code: "login_frozen" });
    server.clock.advance(2 * 60 * 60_000);
    await expect(attempt(PASSWORD)).resolves.toMatchObject({ user: { username: "ops" } });
  });
});

describe("unknown usernames", () => {
  it("cost one scrypt check, like a wrong password: against a dummy hash of the same cost, made once", async () => {
    const verified: string[] = [];
    const passwords: PasswordHasher = {
      hash: hashPassword,
      async verify(password, stored) {
        verified.push(stored);
        return verifyPassword(password, stored);
      },
    };
    const service = new AuthService({
      repository: new AuthRepository(server.store.db),
      clock: server.clock,
      logger: createLogger({ level: "silent" }),
      scryptCost: { N: 2 ** 10, r: 8, p: 1 },
      loginFreeze: { maxFailures: 5, freezeMs: 2 * 60 * 60_000 },
      passwords,
    });
    const attempt = (username: string) =>
      service.login({ username, password: "not the password", ip: null, userAgent: null });
    const refusal = { code: "invalid_credentials", message: "the username or password is wrong" };
    await expect(attempt("ops")).rejects.toMatchObject(refusal);
    await expect(attempt("nobody")).rejects.toMatchObject(refusal);
    await expect(attempt("no-one-else")).rejects.toMatchObject(refusal);

    const { password_hash: stored } = await server.store.db
      .selectFrom("users")
      .select("password_hash")
      .where("username", "=", "ops")
      .executeTakeFirstOrThrow();
    expect(verified).toHaveLength(3);
    expect(verified[0]).toBe(stored);
    const dummy = verified[1]!;
    expect(dummy).not.toBe(stored);
    expect(verified[2]).toBe(dummy);
    // scrypt$N$r$p: the same work as checking a real password.
    expect(dummy.split("$").slice(0, 4)).toEqual(stored.split("$").slice(0, 4));
  });
});
