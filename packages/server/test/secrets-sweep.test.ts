import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { CSRF_HEADER, SESSION_COOKIE } from "../src/http/principal.js";
import type { Route } from "../src/http/route.js";
import { moduleFactories } from "../src/registry.js";
import { createTestServer, type TestServer } from "../src/testing/server.js";

/**
 * The secrets sweep: known secrets are seeded (an AppSecret, a mini program's AppSecret, its
 * Token and EncodingAESKey, the users' passwords, an API key, a webhook's signing secret, a
 * TOTP secret), then
 * every route of the route table is called — by a freshly confirmed console session, and the
 * reading ones by the API key too — with inputs made from its own schemas; no answer and no log
 * line of the whole run may hold any of them, except the answers designed to show one once
 * (a secret's view, asserted explicitly).
 */

const PASSWORD = "sweep-password-Q7v9LmZt";
const OTHER_PASSWORD = "other-password-Xk3pR8wN";
const TOKEN = "SweepToken9Kq2";
const AES_KEY = "SweepAesKey0123456789abcdefghijklmnopqrstuv";
const FAKE_ID = "01930000-0000-7000-8000-000000000000";

type Json = { [key: string]: unknown };

/** A sample value for a JSON schema (the input side of a route's zod schema). */
function sample(schema: Json, name: string, appId: string): unknown {
  if ("const" in schema) return schema["const"];
  if (Array.isArray(schema["enum"])) return schema["enum"][0];
  for (const key of ["anyOf", "oneOf"] as const) {
    const options = schema[key];
    if (Array.isArray(options)) {
      const first = (options as Json[]).find((o) => o["type"] !== "null") ?? (options[0] as Json);
      return sample(first, name, appId);
    }
  }
  switch (schema["type"]) {
    case "object": {
      const properties = (schema["properties"] ?? {}) as Record<string, Json>;
      return Object.fromEntries(
        Object.entries(properties).map(([key, value]) => [key, sample(value, key, appId)]),
      );
    }
    case "array": {
      const item = sample((schema["items"] ?? {}) as Json, name, appId);
      return Array.from({ length: Math.max(1, Number(schema["minItems"] ?? 1)) }, () => item);
    }
    case "integer":
    case "number":
      return Number(schema["minimum"] ?? 1);
    case "boolean":
      return true;
    case "string": {
      if (/^app_?id$/i.test(name) || String(schema["pattern"] ?? "").includes("wx")) return appId;
      if (schema["format"] === "uri" || /url/i.test(name)) return "https://receiver.example.com/hook";
      // An existing user, so invitations and transfers get past their lookups.
      if (name === "username") return "other";
      const min = Number(schema["minLength"] ?? 1);
      return "sample".padEnd(min, "x").slice(0, Math.max(min, 6));
    }
    default:
      return undefined;
  }
}

function sampleOf(schema: z.ZodType | undefined, appId: string): unknown {
  if (!schema) return undefined;
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Json;
  return sample(json, "", appId);
}

describe("the secrets sweep", () => {
  let server: TestServer;
  let service: { appId: string; secret: string };
  let mini: { appId: string; secret: string };
  let apiKey = "";
  let webhookSecret = "";
  let totpSecret = "";
  const ids: Record<string, string> = {};
  /** Every answer of the sweep: where it came from and its body. */
  const answers: { what: string; body: string }[] = [];
  let session = { cookie: "", csrf: "" };

  async function signIn(): Promise<void> {
    const response = await server.app.inject({
      method: "POST",
      url: "/api/v1/session",
      payload: { username: "root", password: PASSWORD },
    });
    expect(response.statusCode).toBe(200);
    session = {
      cookie: response.cookies.find((c) => c.name === SESSION_COOKIE)?.value ?? "",
      csrf: response.json().csrfToken,
    };
  }

  async function call(method: string, url: string, payload?: unknown, bearer?: string) {
    const response = await server.app.inject({
      method: method as "GET",
      url: `/api/v1${url}`,
      headers: bearer
        ? { authorization: `Bearer ${bearer}` }
        : { cookie: `${SESSION_COOKIE}=${session.cookie}`, [CSRF_HEADER]: session.csrf },
      ...(payload === undefined ? {} : { payload: payload as Json }),
    });
    const renewed = response.cookies.find((c) => c.name === SESSION_COOKIE)?.value;
    if (renewed) session.cookie = renewed;
    return { status: response.statusCode, body: response.body };
  }

  beforeAll(async () => {
    server = await createTestServer({ modules: moduleFactories, sandbox: true });
    await server.auth.createAdmin({ username: "root", password: PASSWORD });
    await signIn();
    const core = server.sandbox!.core;
    const made = core.control.createAccount({ kind: "service" });
    service = { appId: made.appId, secret: core.world.account(made.appId)!.secret };
    const madeMini = core.control.createAccount({ kind: "miniprogram" });
    mini = { appId: madeMini.appId, secret: core.world.account(madeMini.appId)!.secret };
    for (const account of [service, mini]) {
      const connected = await call("POST", "/accounts", {
        appId: account.appId,
        appSecret: account.secret,
        verified: true,
      });
      expect(connected.status, connected.body).toBe(201);
    }
    const receipt = await call("PUT", `/accounts/${mini.appId}/miniprogram/receipt-config`, {
      token: TOKEN,
      encodingAESKey: AES_KEY,
      mode: "safe",
    });
    expect(receipt.status, receipt.body).toBe(200);
    const key = await call("POST", "/api-keys", { name: "sweep", scopes: ["admin"] });
    expect(key.status, key.body).toBe(201);
    apiKey = JSON.parse(key.body).key;
    ids["api-keys"] = JSON.parse(key.body).id;
    const hook = await call("POST", "/webhooks", { url: "https://receiver.example.com/hook", events: ["*"] });
    expect(hook.status, hook.body).toBe(201);
    webhookSecret = JSON.parse(hook.body).secret;
    ids["webhooks"] = JSON.parse(hook.body).id;
    const other = await call("POST", "/admins", {
      username: "other",
      password: OTHER_PASSWORD,
      role: "admin",
    });
    expect(other.status, other.body).toBe(201);
    const otherId = String(JSON.parse(other.body).id);
    ids["admins"] = otherId;
    ids["users"] = otherId;
    // The other administrator enrols an authenticator app: its TOTP secret is one more to look for.
    const rootSession = session;
    const otherSignIn = await server.app.inject({
      method: "POST",
      url: "/api/v1/session",
      payload: { username: "other", password: OTHER_PASSWORD },
    });
    expect(otherSignIn.statusCode, otherSignIn.body).toBe(200);
    session = {
      cookie: otherSignIn.cookies.find((c) => c.name === SESSION_COOKIE)?.value ?? "",
      csrf: otherSignIn.json().csrfToken,
    };
    const enrolled = await call("POST", "/security/totp");
    expect(enrolled.status, enrolled.body).toBe(201);
    totpSecret = String(JSON.parse(enrolled.body).secret);
    const code = await generate({ secret: totpSecret, epoch: Math.floor(server.clock.now() / 1000) });
    expect((await call("POST", "/security/totp/activate", { code })).status).toBe(200);
    session = rootSession;
  }, 60_000);

  afterAll(async () => {
    await server?.dispose();
  });

  it("finds no seeded secret in any answer of any route, nor in any log line", async () => {
    const secrets = {
      appSecret: service.secret,
      miniAppSecret: mini.secret,
      token: TOKEN,
      encodingAESKey: AES_KEY,
      password: PASSWORD,
      otherPassword: OTHER_PASSWORD,
      apiKey,
      webhookSecret,
      totpSecret,
    };
    const routes: Route[] = server.modules.flatMap((m) => m.routes ?? []);
    // Reading first, then changing; what ends the session or an account last.
    const last = (r: Route) =>
      r.url === "/session" ||
      r.url === "/sessions/end-others" ||
      (r.method === "DELETE" && r.url.startsWith("/accounts"));
    const order = (r: Route) => (last(r) ? 3 : r.method === "GET" ? 0 : r.method === "DELETE" ? 2 : 1);
    const sorted = [...routes].sort((a, b) => order(a) - order(b));
    let designed = 0;
    for (const route of sorted) {
      for (const appId of route.url.includes(":appid") ? [service.appId, mini.appId] : [service.appId]) {
        const url = route.url.replace(/:(\w+)/g, (_whole, name: string) => {
          if (name === "appid") return appId;
          if (name === "userId") return ids["users"] ?? FAKE_ID;
          const prefix = route.url.split("/")[1] ?? "";
          return ids[prefix] ?? FAKE_ID;
        });
        const query = sampleOf(route.query, appId) as Json | undefined;
        const search = query
          ? `?${new URLSearchParams(
              Object.entries(query).flatMap(([k, v]) =>
                v === undefined || typeof v === "object" ? [] : [[k, String(v)] as [string, string]],
              ),
            ).toString()}`
          : "";
        const body = sampleOf(route.body, appId);
        if (route.method !== "GET") await call("POST", "/session/confirm", { password: PASSWORD });
        let answer = await call(route.method, `${url}${search}`, body);
        if (answer.status === 401) {
          await signIn();
          answer = await call(route.method, `${url}${search}`, body);
        }
        const what = `${route.method} ${url} → ${answer.status}`;
        if (route.url === "/accounts/:appid/secrets/reveal" && answer.status === 200) {
          // The designed show-once answer: it carries the secret asked for, and only it.
          const shown = JSON.parse(answer.body) as { name: string; value: string };
          expect(shown.value).toBe(appId === service.appId ? service.secret : mini.secret);
          designed++;
          continue;
        }
        answers.push({ what, body: answer.body });
        if (route.method === "GET" && route.action !== "public") {
          const byKey = await call("GET", `${url}${search}`, undefined, apiKey);
          answers.push({ what: `${what} (API key)`, body: byKey.body });
        }
      }
    }
    expect(designed).toBe(2);
    // Read again once everything was done: the audit log, the notifications, the lists.
    await signIn();
    await server.queue.runDue();
    for (const url of [
      "/audit?limit=200",
      "/notifications?limit=100",
      "/accounts",
      "/webhooks",
      "/api-keys",
      "/admins",
    ]) {
      answers.push({ what: `GET ${url}`, body: (await call("GET", url)).body });
    }
    expect(answers.length).toBeGreaterThan(routes.length);
    const leaks: string[] = [];
    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret.length, name).toBeGreaterThan(8);
      for (const answer of answers) if (answer.body.includes(secret)) leaks.push(`${name} in ${answer.what}`);
      server.logLines.forEach((line, index) => {
        if (line.includes(secret)) leaks.push(`${name} in log line ${index}`);
      });
    }
    expect(leaks).toEqual([]);
  }, 120_000);
});
