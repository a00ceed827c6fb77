import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer as createHttpServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { buildXml, sealPush } from "@wxgate/wechat";
import { sql } from "kysely";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { moduleFactories } from "../src/registry.js";
import { type TestEngine, testEngines } from "../src/testing/engines.js";
import { createTestServer, type TestServer } from "../src/testing/server.js";
import { unescapeHtml } from "./authorization-page.js";

/**
 * What a new user does on the first day, end to end: the registry's modules, the sandbox
 * WeChat mounted under /sandbox, real HTTP for every step (the calls the root README shows
 * with curl). The test server runs no worker, so the queue is driven with `runDue`.
 */

type Json = Record<string, unknown>;

interface Answer<T> {
  status: number;
  body: T;
  headers: Headers;
}

/** One webhook call as the receiver saw it, and whether its signature held. */
interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
  signatureValid: boolean;
}

/** A running wxgate in sandbox mode and a company's webhook receiver next to it. */
interface Walkthrough {
  server: TestServer;
  url: string;
  receiver: { url: string; deliveries: Delivery[]; setSecret(secret: string): void };
  call<T = Json>(
    method: string,
    path: string,
    init?: { body?: unknown; bearer?: string; headers?: Record<string, string> },
  ): Promise<Answer<T>>;
  close(): Promise<void>;
}

const running: Walkthrough[] = [];
afterEach(async () => {
  for (const walkthrough of running.splice(0)) await walkthrough.close();
});
/** The engine of the tests running now (set by the describe.each below). */
let engine: TestEngine;

async function startWalkthrough(): Promise<Walkthrough> {
  const database = await engine.database();
  let server: TestServer;
  try {
    // As `wxgate start` runs: a new device's sign-in needs its code (the sandbox mailbox shows it).
    server = await createTestServer({
      modules: moduleFactories,
      sandbox: true,
      env: { ...database.env, WXGATE_NEW_DEVICE_VERIFICATION: "true" },
    });
  } catch (error) {
    await database.dispose();
    throw error;
  }
  expect(server.store.dialect).toBe(engine.name);
  const url = server.url!;
  let secret = "";
  const deliveries: Delivery[] = [];
  // The receiver a company would run: checks x-wxgate-signature over the raw body bytes.
  const http = createHttpServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const parts = new Map(
        String(request.headers["x-wxgate-signature"] ?? "")
          .split(",")
          .map((part) => [part.slice(0, part.indexOf("=")), part.slice(part.indexOf("=") + 1)] as const),
      );
      const t = parts.get("t") ?? "";
      const v1 = parts.get("v1") ?? "";
      const expected = createHmac("sha256", secret).update(`${t}.${body}`).digest();
      // wxgate signs with its own clock, which here is the test's manual clock.
      const fresh = Math.abs(server.clock.now() / 1000 - Number(t)) < 300;
      const signatureValid =
        fresh && /^[0-9a-f]{64}$/.test(v1) && timingSafeEqual(expected, Buffer.from(v1, "hex"));
      deliveries.push({ headers: request.headers, body, signatureValid });
      response.statusCode = signatureValid ? 200 : 401;
      response.end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;

  const walkthrough: Walkthrough = {
    server,
    url,
    receiver: {
      url: `http://127.0.0.1:${port}/wechat-events`,
      deliveries,
      setSecret: (value) => {
        secret = value;
      },
    },
    async call<T>(
      method: string,
      path: string,
      init: { body?: unknown; bearer?: string; headers?: Record<string, string> } = {},
    ): Promise<Answer<T>> {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...(init.bearer ? { authorization: `Bearer ${init.bearer}` } : {}),
          ...(init.body === undefined ? {} : { "content-type": "application/json" }),
          ...init.headers,
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        redirect: "manual",
      });
      const text = await response.text();
      const json = response.headers.get("content-type")?.includes("json") ?? false;
      return {
        status: response.status,
        body: (json && text ? JSON.parse(text) : text) as T,
        headers: response.headers,
      };
    },
    async close() {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await server.dispose();
      await database.dispose();
    },
  };
  running.push(walkthrough);
  return walkthrough;
}

/** Polls `probe` until it yields a value; bounded, and never a statement about speed. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** The attributes of every `<input>` of a page. */
function inputsOf(html: string): Record<string, string | true>[] {
  return [...html.matchAll(/<input\b([^>]*)>/g)].map((tag) => {
    const attributes: Record<string, string | true> = {};
    for (const [, name, value] of (tag[1] ?? "").matchAll(/([a-z_-]+)(?:="([^"]*)")?/gi)) {
      if (name) attributes[name] = value === undefined ? true : unescapeHtml(value);
    }
    return attributes;
  });
}

/**
 * Signs in as the first administrator (its password is what the banner prints once): curl is a
 * new device, so the code the sandbox mailbox shows completes the sign-in.
 */
async function signIn(w: Walkthrough) {
  const firstAdmin = await w.server.auth.ensureFirstAdmin();
  if (!firstAdmin) throw new Error("an administrator already exists");
  const asked = await w.call<{ secondFactor: { challenge: string } }>("POST", "/api/v1/session", {
    body: { username: firstAdmin.username, password: firstAdmin.password },
  });
  const mail = await w.call<{ mails: { code: string }[] }>("GET", "/api/v1/sandbox/mail");
  const login = await w.call<{ csrfToken: string }>("POST", "/api/v1/session/second-factor", {
    body: { challenge: asked.body.secondFactor.challenge, code: mail.body.mails[0]?.code },
  });
  const cookie = login.headers.getSetCookie()[0]?.split(";")[0] ?? "";
  return { firstAdmin, login, cookie, csrfToken: login.body.csrfToken };
}

const KEY_SCOPES = ["token:read", "events:read", "accounts:read", "accounts:write", "webhooks:write"];

/** Creates the walkthrough's API key with the console session. */
async function createKey(w: Walkthrough, session: { cookie: string; csrfToken: string }) {
  return w.call<{ key: string; scopes: string[] }>("POST", "/api/v1/api-keys", {
    body: { name: "walkthrough", scopes: KEY_SCOPES },
    headers: { cookie: session.cookie, "x-csrf-token": session.csrfToken },
  });
}

/** The sandbox's demo platform and its verified service account, from the control API. */
async function demoWorld(w: Walkthrough) {
  const summary = await w.call<{
    platforms: { componentAppId: string }[];
    accounts: { appId: string; kind: string; verifyType: number; nickname: string }[];
  }>("GET", "/sandbox/__emulator/summary");
  const service = summary.body.accounts.find((a) => a.kind === "service" && a.verifyType === 0);
  const platform = summary.body.platforms[0];
  if (!service || !platform) throw new Error("the sandbox has no demo platform or service account");
  // wxgate asked WeChat for a component_verify_ticket once the sandbox had its URL.
  await eventually("the first component_verify_ticket", async () => {
    const log = await w.call<{ attempts: { outcome: string }[] }>(
      "GET",
      "/sandbox/__emulator/push/log?event=info:component_verify_ticket",
    );
    return log.body.attempts.some((a) => a.outcome === "success") ? true : undefined;
  });
  return { componentAppId: platform.componentAppId, service };
}

/**
 * The administrator's part: open the PC authorization page, keep the permission sets ticked
 * as offered, choose `appId`, confirm, and follow WeChat's redirect back to wxgate.
 */
async function authorizeThroughPage(w: Walkthrough, pcUrl: string, appId: string) {
  const page = await fetch(pcUrl);
  const html = await page.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no form on the authorization page (${page.status})`);
  const form = new URLSearchParams();
  const offered: string[] = [];
  for (const input of inputsOf(html)) {
    const name = String(input["name"] ?? "");
    const value = String(input["value"] ?? "");
    if (input["type"] === "hidden") form.append(name, value);
    else if (input["type"] === "radio" && name === "authorizer_appid") offered.push(value);
    else if (input["type"] === "checkbox" && input["checked"]) form.append(name, value);
  }
  form.append("authorizer_appid", appId);
  const confirmed = await fetch(new URL(unescapeHtml(action), w.url), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
    redirect: "manual",
  });
  const location = confirmed.headers.get("location") ?? "";
  const landing = location ? await fetch(location) : undefined;
  // The `authorized` event is pushed to wxgate in the background: let it arrive.
  await w.call("POST", "/sandbox/__emulator/push/idle");
  return {
    pageStatus: page.status,
    offered,
    confirmedStatus: confirmed.status,
    location,
    landingStatus: landing?.status ?? 0,
    landingHtml: (await landing?.text()) ?? "",
  };
}

/** The server's tables, in name order, whichever engine it runs on. */
async function tablesOf(server: TestServer): Promise<string[]> {
  const db = server.store.db;
  const tables =
    server.store.dialect === "sqlite"
      ? await sql<{ name: string }>`
          select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name
        `.execute(db)
      : await sql<{ name: string }>`
          select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name
        `.execute(db);
  return tables.rows.map((row) => row.name);
}

/** A table's columns, whichever engine the server runs on. */
async function columnsOf(server: TestServer, table: string): Promise<string[]> {
  const db = server.store.db;
  const columns =
    server.store.dialect === "sqlite"
      ? await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db)
      : await sql<{ name: string }>`
          select column_name as name from information_schema.columns
          where table_schema = current_schema() and table_name = ${table} order by ordinal_position
        `.execute(db);
  return columns.rows.map((row) => row.name);
}

/**
 * Tables that keep what was done to an account after it is deleted, by design: the audit log's
 * entries are the record of operations (kept their retention time, append-only), and the
 * administrators' notifications tell of them (the deletion itself among them) — not the
 * account's configuration or data, which deletion wipes.
 */
const RECORDS_KEPT = new Set(["audit_entries", "notifications"]);

/** Rows naming `appId` in every table that has an appid-like column, so new tables count too. */
async function rowsNaming(server: TestServer, appId: string): Promise<Record<string, number>> {
  const db = server.store.db;
  const counts: Record<string, number> = {};
  for (const table of await tablesOf(server)) {
    if (RECORDS_KEPT.has(table)) continue;
    const appIdColumns = (await columnsOf(server, table)).filter((c) => /app_?id$/i.test(c));
    if (appIdColumns.length === 0) continue;
    let total = 0;
    for (const column of appIdColumns) {
      const result = await sql<{ n: number }>`
        select count(*) as n from ${sql.table(table)} where ${sql.ref(column)} = ${appId}
      `.execute(db);
      total += Number(result.rows[0]?.n ?? 0);
    }
    counts[table] = total;
  }
  return counts;
}

/** Every `table.column` with a cell containing `appId` anywhere (JSON payloads, lists…). */
async function cellsMentioning(server: TestServer, appId: string): Promise<string[]> {
  const db = server.store.db;
  const found: string[] = [];
  const position = server.store.dialect === "sqlite" ? sql`instr` : sql`strpos`;
  for (const table of await tablesOf(server)) {
    if (RECORDS_KEPT.has(table)) continue;
    for (const column of await columnsOf(server, table)) {
      const result = await sql<{ n: number }>`
        select count(*) as n from ${sql.table(table)}
        where ${position}(cast(${sql.ref(column)} as text), ${appId}) > 0
      `.execute(db);
      if (Number(result.rows[0]?.n ?? 0) > 0) found.push(`${table}.${column}`);
    }
  }
  return found;
}

/** Steps a to d in one go, for the tests that start where the walkthrough leaves off. */
async function connectedServiceAccount(w: Walkthrough) {
  const session = await signIn(w);
  const key = (await createKey(w, session)).body.key;
  const hook = await w.call<{ id: string; secret: string }>("POST", "/api/v1/webhooks", {
    bearer: key,
    body: { url: w.receiver.url, events: ["*"] },
  });
  w.receiver.setSecret(hook.body.secret);
  const { componentAppId, service } = await demoWorld(w);
  const link = await w.call<{ pcUrl: string }>("POST", "/api/v1/authorizations", { bearer: key });
  await authorizeThroughPage(w, link.body.pcUrl, service.appId);
  await w.call("PUT", `/api/v1/accounts/${service.appId}/openid-mapping`, {
    bearer: key,
    body: { property: "wechat_openid" },
  });
  const enabled = await w.call<{ enabled: boolean }>("POST", `/api/v1/accounts/${service.appId}/enable`, {
    bearer: key,
  });
  if (!enabled.body.enabled) throw new Error("the demo service account could not be enabled");
  return { key, appId: service.appId, componentAppId };
}

describe.each(testEngines)("on $name", (current) => {
  beforeAll(() => {
    engine = current;
  });

  describe("the sandbox walkthrough (a new user's first day, over HTTP)", () => {
    it("signs in, authorizes the demo service account, reads its token, receives a follower's message by webhook, then de-authorizes and deletes it without a trace", async () => {
      const w = await startWalkthrough();
      const transcript: string[] = [];

      // a. The first start created an administrator; sign in, then make an API key.
      const session = await signIn(w);
      expect(session.firstAdmin.username).toBe("admin");
      expect(session.login.status).toBe(200);
      expect(session.cookie).toMatch(/^wxgate_session=/);
      const withoutCsrf = await w.call<{ error: { code: string } }>("POST", "/api/v1/api-keys", {
        body: { name: "walkthrough", scopes: ["token:read"] },
        headers: { cookie: session.cookie },
      });
      expect(withoutCsrf.status).toBe(403);
      expect(withoutCsrf.body.error.code).toBe("csrf_failed");
      const created = await createKey(w, session);
      expect(created.status).toBe(201);
      const key = created.body.key;
      expect(key).toMatch(/^wxg_/);
      expect(created.body.scopes).toEqual(KEY_SCOPES);
      const whoami = await w.call("GET", "/api/v1/whoami", { bearer: key });
      expect(whoami.body).toMatchObject({
        kind: "api_key",
        name: "walkthrough",
        scopes: KEY_SCOPES,
        role: null,
      });
      expect(whoami.body["actions"]).toContain("tokens.read");
      expect((await w.call("GET", "/api/v1/api-keys", { bearer: key })).status).toBe(403);
      transcript.push(`a. signed in as admin; API key ${key.slice(0, 12)}… (${KEY_SCOPES.join(" ")})`);

      // b. A webhook for every push of every account, to the company's receiver.
      const hook = await w.call<{ id: string; secret: string }>("POST", "/api/v1/webhooks", {
        bearer: key,
        body: { url: w.receiver.url, events: ["*"] },
      });
      expect(hook.status).toBe(201);
      expect(hook.body.secret).toMatch(/^whsec_/);
      w.receiver.setSecret(hook.body.secret);
      transcript.push(`b. webhook ${hook.body.id} → ${w.receiver.url}`);

      // c. An authorization link; the administrator opens the PC page, picks the account, confirms.
      const { componentAppId, service } = await demoWorld(w);
      expect(service.nickname).toBe("示例服务号");
      const appId = service.appId;
      const link = await w.call<{ pcUrl: string; mobileUrl: string; qrCode: string }>(
        "POST",
        "/api/v1/authorizations",
        { bearer: key },
      );
      expect(link.status).toBe(201);
      expect(link.body.pcUrl.startsWith(`${w.url}/sandbox/cgi-bin/componentloginpage?`)).toBe(true);
      expect(link.body.qrCode).toMatch(/^data:image\/png;base64,/);
      const authorization = await authorizeThroughPage(w, link.body.pcUrl, appId);
      expect(authorization.pageStatus).toBe(200);
      expect(authorization.offered).toContain(appId);
      expect(authorization.confirmedStatus).toBe(302);
      expect(authorization.location.startsWith(`${w.url}/wechat/authorized?`)).toBe(true);
      expect(new URL(authorization.location).searchParams.get("auth_code")).toBeTruthy();
      expect(authorization.landingStatus).toBe(200);
      expect(authorization.landingHtml).toContain("授权成功");
      expect(authorization.landingHtml).toContain(appId);

      const accounts = await w.call<{
        items: { appId: string; permissionSets: { granted: { id: number; name: string }[] } }[];
      }>("GET", "/api/v1/accounts", { bearer: key });
      expect(accounts.status).toBe(200);
      const account = accounts.body.items.find((a) => a.appId === appId);
      expect(account).toMatchObject({
        appId,
        kind: "service",
        connection: "component",
        nickname: "示例服务号",
        verified: true,
        authorizationState: "authorized",
        enabled: false,
        permissionSets: { applicable: true, missing: [] },
      });
      const granted = account?.permissionSets.granted ?? [];
      expect(granted.map((s) => s.id)).toEqual(expect.arrayContaining([1, 2, 3, 7, 8, 11, 15]));
      expect(granted.find((s) => s.id === 1)?.name).toBe("消息管理");
      transcript.push(
        `c. authorized ${appId} (示例服务号) with ${granted.length} permission sets, none missing`,
      );

      // d. Enabling needs the OpenID mapping: refused with the failed check named, then fixed.
      const refused = await w.call<{ error: { code: string; details: { failed: { check: string }[] } } }>(
        "POST",
        `/api/v1/accounts/${appId}/enable`,
        { bearer: key },
      );
      expect(refused.status).toBe(409);
      expect(refused.body.error.details.failed.map((f) => f.check)).toEqual(["openid_mapping"]);
      const mapped = await w.call("PUT", `/api/v1/accounts/${appId}/openid-mapping`, {
        bearer: key,
        body: { property: "wechat_openid" },
      });
      expect(mapped.body).toMatchObject({ openIdMapping: "wechat_openid" });
      const enabled = await w.call("POST", `/api/v1/accounts/${appId}/enable`, { bearer: key });
      expect(enabled.status).toBe(200);
      expect(enabled.body).toMatchObject({
        enabled: true,
        enableChecks: { verified: true, permissionSets: true, openIdMapping: true },
      });
      transcript.push("d. enable refused (openid_mapping); mapping set to wechat_openid; enabled");

      // e. The central token, used directly against WeChat (the sandbox): it is a real token.
      const token = await w.call<{ access_token: string; expires_at: number }>(
        "GET",
        `/api/v1/accounts/${appId}/access-token`,
        { bearer: key },
      );
      expect(token.status).toBe(200);
      expect(token.body.expires_at).toBeGreaterThan(w.server.clock.now());
      const users = await w.call<{
        total: number;
        count: number;
        data: { openid: string[] };
        errcode?: number;
      }>("GET", `/sandbox/cgi-bin/user/get?access_token=${encodeURIComponent(token.body.access_token)}`);
      expect(users.status).toBe(200);
      expect(users.body.errcode).toBeUndefined();
      expect(users.body.total).toBeGreaterThan(0);
      expect(users.body.data.openid).toHaveLength(users.body.count);
      const forged = await w.call<{ errcode: number }>(
        "GET",
        "/sandbox/cgi-bin/user/get?access_token=not-a-token",
      );
      expect(forged.body.errcode).toBe(40001);
      transcript.push(`e. the access token works on WeChat's user/get: ${users.body.total} followers`);

      // f. A new follower follows and writes; WeChat pushes both, encrypted, to wxgate's gateway.
      const follow = await w.call<{ openId: string; push: { outcome: string } }>(
        "POST",
        "/sandbox/__emulator/follower/follow",
        { body: { appId, nickname: "新朋友" } },
      );
      expect(follow.status).toBe(200);
      expect(follow.body.push.outcome).toBe("success");
      const openId = follow.body.openId;
      const text = await w.call<{ push: { outcome: string } }>(
        "POST",
        "/sandbox/__emulator/follower/send-text",
        {
          body: { appId, openId, content: "你好，wxgate" },
        },
      );
      expect(text.status).toBe(200);
      expect(text.body.push.outcome).toBe("success");

      const events = await w.call<{ items: Json[] }>("GET", `/api/v1/events?appid=${appId}`, { bearer: key });
      expect(events.status).toBe(200);
      expect(
        events.body.items.map((e) => [e["msgType"], e["event"], e["fromOpenId"], e["mode"], e["status"]]),
      ).toEqual([
        ["text", null, openId, "safe", "answered_success"],
        ["event", "subscribe", openId, "safe", "answered_success"],
      ]);
      const detail = await w.call<{ plaintextXml: string; query: string }>(
        "GET",
        `/api/v1/events/${String(events.body.items[0]?.["id"])}`,
        { bearer: key },
      );
      expect(detail.body.plaintextXml).toContain("<Content><![CDATA[你好，wxgate]]></Content>");
      expect(detail.body.query).toContain("encrypt_type=aes");

      await w.server.queue.runDue();
      const received = w.receiver.deliveries;
      expect(received).toHaveLength(2);
      for (const delivery of received) {
        expect(delivery.headers["x-wxgate-signature"]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
        expect(delivery.signatureValid).toBe(true);
      }
      const payloads = received.map((d) => JSON.parse(d.body) as Json);
      expect(payloads.map((p) => p["id"]).sort()).toEqual(events.body.items.map((e) => e["id"]).sort());
      expect(payloads.find((p) => p["msgType"] === "text")).toMatchObject({
        appId,
        fromOpenId: openId,
        message: { content: "你好，wxgate" },
      });
      const hookLog = await w.call<{ items: { status: string }[] }>(
        "GET",
        `/api/v1/webhooks/${hook.body.id}/deliveries`,
        { bearer: key },
      );
      expect(hookLog.body.items.map((d) => d.status)).toEqual(["delivered", "delivered"]);
      transcript.push(
        `f. ${openId} followed and wrote: 2 events, 2 webhook deliveries with valid signatures`,
      );

      // g. WeChat's side: both pushes went to wxgate's per-account URL and were answered.
      const pushes = await w.call<{
        attempts: { event: string; url: string; outcome: string; status: number }[];
      }>("GET", `/sandbox/__emulator/push/log?target=${appId}`);
      expect(pushes.body.attempts.map((a) => [a.event, a.outcome, a.status, a.url])).toEqual([
        ["event:subscribe", "success", 200, `${w.url}/wechat/accounts/${appId}/callback`],
        ["text", "success", 200, `${w.url}/wechat/accounts/${appId}/callback`],
      ]);
      transcript.push("g. push log: event:subscribe and text answered `success` (200)");

      // h. The administrator withdraws the authorization on WeChat's side; then the account is deleted.
      const tooEarly = await w.call("DELETE", `/api/v1/accounts/${appId}`, {
        bearer: key,
        body: { confirm: "示例服务号" },
      });
      expect(tooEarly.status).toBe(409);
      const before = await rowsNaming(w.server, appId);
      // The search for leftovers finds them while they are there (on either engine).
      expect(await cellsMentioning(w.server, appId)).toEqual(
        expect.arrayContaining(["accounts.appid", "events.appid", "tokens.key", "webhook_deliveries.appid"]),
      );
      for (const table of ["accounts", "tokens", "events", "webhook_deliveries", "authorization_requests"]) {
        expect(before[table], table).toBeGreaterThan(0);
      }
      const withdrawn = await w.call<{ push: { outcome: string } }>(
        "POST",
        "/sandbox/__emulator/component/deauthorize",
        {
          body: { componentAppId, authorizerAppId: appId },
        },
      );
      expect(withdrawn.body.push.outcome).toBe("success");
      const after = await w.call("GET", `/api/v1/accounts/${appId}`, { bearer: key });
      expect(after.body).toMatchObject({ authorizationState: "unauthorized", enabled: false });
      const noToken = await w.call<{ error: { details: { reason: string } } }>(
        "GET",
        `/api/v1/accounts/${appId}/access-token`,
        { bearer: key },
      );
      expect(noToken.status).toBe(409);
      expect(noToken.body.error.details.reason).toBe("account_unauthorized");
      const oldToken = await w.call<{ errcode: number }>(
        "GET",
        `/sandbox/cgi-bin/user/get?access_token=${encodeURIComponent(token.body.access_token)}`,
      );
      expect(oldToken.body.errcode).toBe(40001);
      // Deletion waits for the end of the 48-hour cooling-off (the emulator's clock is wxgate's here).
      const frozen = await w.call<{ error: { details: { reason: string; until: number } } }>(
        "DELETE",
        `/api/v1/accounts/${appId}`,
        { bearer: key, body: { confirm: "示例服务号" } },
      );
      expect(frozen.status).toBe(409);
      expect(frozen.body.error.details).toEqual({
        reason: "cooling_off",
        until: w.server.clock.now() + 48 * 3_600_000,
      });
      await w.call("POST", "/sandbox/__emulator/clock/advance", { body: { ms: 48 * 3_600_000 } });

      const mistyped = await w.call("DELETE", `/api/v1/accounts/${appId}`, {
        bearer: key,
        body: { confirm: "示例" },
      });
      expect(mistyped.status).toBe(400);
      const deleted = await w.call<{ deleted: Record<string, number> }>(
        "DELETE",
        `/api/v1/accounts/${appId}`,
        {
          bearer: key,
          body: { confirm: "示例服务号" },
        },
      );
      expect(deleted.status).toBe(200);
      expect(deleted.body.deleted["accounts"]).toBe(1);
      const remaining = await rowsNaming(w.server, appId);
      expect(Object.keys(remaining)).toEqual(Object.keys(before));
      for (const [table, count] of Object.entries(remaining)) expect(count, table).toBe(0);
      expect(await cellsMentioning(w.server, appId)).toEqual([]);
      // What was done to it stays on record: the deletion itself is the audit log's last entry.
      await w.server.queue.runDue();
      const audited = await sql<{ action: string; outcome: string }>`
        select action, outcome from audit_entries where appid = ${appId} order by id desc
      `.execute(w.server.store.db);
      expect(audited.rows[0]).toEqual({ action: "accounts.delete", outcome: "ok" });
      expect((await w.call("GET", `/api/v1/accounts/${appId}`, { bearer: key })).status).toBe(404);
      const noEvents = await w.call<{ items: Json[] }>("GET", `/api/v1/events?appid=${appId}`, {
        bearer: key,
      });
      expect(noEvents.body.items).toEqual([]);
      transcript.push(
        `h. de-authorized (disabled, token refused), deleted after the 48-hour cooling-off: 0 rows in ${Object.keys(remaining).join(", ")}`,
      );
      console.log(`sandbox walkthrough\n  ${transcript.join("\n  ")}`);
    });
  });

  /*
   * The gateway caches each account's push credentials (with its `enabled` flag); every write to
   * the account's row tells it to forget them. The manual clock of these tests stands still, so a
   * stale entry would never lapse by itself: these tests fail if the notification is lost.
   */
  describe("right after an account changes, the gateway acts on what it knows now", () => {
    it("a message to an account disabled a moment ago is recorded as ignored and not fanned out", async () => {
      const w = await startWalkthrough();
      const { key, appId } = await connectedServiceAccount(w);
      // One push while enabled: the gateway now knows the account.
      const follow = await w.call<{ openId: string }>("POST", "/sandbox/__emulator/follower/follow", {
        body: { appId, nickname: "新朋友" },
      });
      await w.server.queue.runDue();
      expect(w.receiver.deliveries).toHaveLength(1);

      const disabled = await w.call("POST", `/api/v1/accounts/${appId}/disable`, { bearer: key });
      expect(disabled.body).toMatchObject({ enabled: false });
      await w.call("POST", "/sandbox/__emulator/follower/send-text", {
        body: { appId, openId: follow.body.openId, content: "still there?" },
      });
      await w.server.queue.runDue();
      const events = await w.call<{ items: { msgType: string; status: string }[] }>(
        "GET",
        `/api/v1/events?appid=${appId}&type=text`,
        { bearer: key },
      );
      expect(events.body.items.map((e) => e.status)).toEqual(["ignored_disabled"]);
      expect(w.receiver.deliveries).toHaveLength(1);
    });

    it("a push arriving just after an account was deleted leaves no row behind", async () => {
      const w = await startWalkthrough();
      const { key, appId, componentAppId } = await connectedServiceAccount(w);
      const follow = await w.call<{ openId: string }>("POST", "/sandbox/__emulator/follower/follow", {
        body: { appId, nickname: "新朋友" },
      });
      await w.call("POST", "/sandbox/__emulator/component/deauthorize", {
        body: { componentAppId, authorizerAppId: appId },
      });
      await w.call("POST", "/sandbox/__emulator/clock/advance", { body: { ms: 48 * 3_600_000 } });
      const deleted = await w.call("DELETE", `/api/v1/accounts/${appId}`, {
        bearer: key,
        body: { confirm: "示例服务号" },
      });
      expect(deleted.status).toBe(200);
      expect(Object.values(await rowsNaming(w.server, appId)).every((n) => n === 0)).toBe(true);

      // A message WeChat sent before the withdrawal and delivers late, sealed as WeChat seals it.
      const world = w.server.sandbox!.core.world;
      const platform = world.platform(componentAppId)!;
      const xml = buildXml({
        ToUserName: world.account(appId)!.originalId,
        FromUserName: follow.body.openId,
        CreateTime: Math.floor(w.server.clock.now() / 1000),
        MsgType: "text",
        Content: "late",
        MsgId: "24000000000000001",
      });
      const sealed = sealPush(xml, {
        token: platform.token,
        appId: componentAppId,
        encodingAESKey: platform.encodingAESKey,
        mode: "safe",
        now: () => w.server.clock.now(),
      });
      const late = await fetch(
        `${w.url}/wechat/accounts/${appId}/callback?${new URLSearchParams(sealed.query)}`,
        {
          method: "POST",
          headers: { "content-type": "text/xml" },
          body: sealed.body,
        },
      );
      await w.server.queue.runDue();
      expect(late.status).toBe(404);
      expect(await rowsNaming(w.server, appId)).toMatchObject({ events: 0, webhook_deliveries: 0 });
    });
  });
});
