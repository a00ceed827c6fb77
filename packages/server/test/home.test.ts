import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { consoleCsp, SERVER_PREFIXES } from "../src/home/index.js";
import { moduleFactories } from "../src/registry.js";
import { createTestServer, type TestServer } from "../src/testing/server.js";
import { authorizeThroughPage as authorizeOnPage } from "./authorization-page.js";

/**
 * The console at `/`: what its page and files are served with, and the API calls its
 * accounts screen makes, over real HTTP against the registry's modules with the sandbox WeChat
 * mounted. What the console does in a browser is tested in packages/console/test.
 */

const ADMIN = { username: "admin", password: "correct horse battery" };

interface DemoIds {
  componentAppId: string;
  serviceAppId: string;
  subscriptionAppId: string;
}

let server: TestServer;
let url: string;
let demo: DemoIds;

beforeEach(async () => {
  server = await createTestServer({ modules: moduleFactories, sandbox: true });
  url = server.url!;
  const core = server.sandbox!.core;
  demo = core.world.state.extensions["demo"] as DemoIds;
  // The platform needs a ticket before it can ask WeChat for authorization links.
  const ticket = await core.control.component.pushTicket(demo.componentAppId);
  if (ticket.push.outcome !== "success") throw new Error(`the ticket push ended ${ticket.push.outcome}`);
  await server.auth.createAdmin(ADMIN);
});
afterEach(async () => {
  await server.dispose();
});

/** A browser's cookie jar of one, and the JSON calls the page makes. */
class Browser {
  cookie = "";
  csrfToken = "";

  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    options: { csrf?: boolean } = {},
  ): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (method !== "GET" && options.csrf !== false && this.csrfToken)
      headers["x-csrf-token"] = this.csrfToken;
    if (this.cookie) headers["cookie"] = this.cookie;
    const response = await fetch(`${url}/api/v1${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    this.remember(response);
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
  }

  remember(response: Response): void {
    const set = response.headers.getSetCookie()[0];
    if (set === undefined) return;
    const pair = set.split(";")[0]!;
    this.cookie = pair.endsWith("=") ? "" : pair;
  }
}

/** Goes through the emulated WeChat's authorization page the way an administrator's browser does. */
async function authorizeThroughPage(pcUrl: string, appId: string, funcScopes: number[]): Promise<void> {
  const back = await authorizeOnPage({ pcUrl, appId, funcScopes });
  expect(back.status).toBe(200);
}

/** Connects the demo service account directly, under the name given. */
async function connectDirect(browser: Browser, nickname: string): Promise<void> {
  const emulated = server.sandbox!.core.world.account(demo.serviceAppId)!;
  const created = await browser.call("POST", "/accounts", {
    appId: emulated.appId,
    appSecret: emulated.secret,
    kind: "service",
    nickname,
    verified: false,
  });
  expect(created.status).toBe(201);
}

async function signIn(browser: Browser): Promise<void> {
  const session = await browser.call<{ csrfToken: string }>("POST", "/session", ADMIN);
  expect(session.status).toBe(200);
  browser.csrfToken = session.body.csrfToken;
}

async function getText(path: string): Promise<{ response: Response; text: string }> {
  const response = await fetch(`${url}${path}`);
  return { response, text: await response.text() };
}

describe("GET / — the console and its assets", () => {
  it("serves the console's page under a strict CSP with a fresh style nonce, never cached", async () => {
    const first = await getText("/");
    expect(first.response.status).toBe(200);
    expect(first.response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(first.response.headers.get("cache-control")).toBe("no-cache");
    const csp = first.response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toBe(consoleCsp(nonce!));
    expect(first.text).toContain(`<meta name="wxgate-style-nonce" content="${nonce}" />`);
    expect(first.text).toContain('<meta name="wxgate-mode" content="sandbox" />');
    // No inline script: every script is a file of the same origin.
    expect(first.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const again = await getText("/");
    expect(again.response.headers.get("content-security-policy")).not.toBe(csp);
  });

  it("answers the console's own routes with the page, and never the server's paths", async () => {
    for (const path of ["/accounts", "/accounts/wx1234567890abcdef?tab=events", "/webhooks/x/y"]) {
      const page = await getText(path);
      expect(page.response.status, path).toBe(200);
      expect(page.text, path).toContain('<div id="root"></div>');
    }
    for (const prefix of SERVER_PREFIXES) {
      const missing = await getText(`${prefix}/nothing-here`);
      expect(missing.response.status, prefix).toBe(404);
      expect(missing.response.headers.get("content-security-policy"), prefix).toBeNull();
      expect(JSON.parse(missing.text), prefix).toMatchObject({ error: { code: "not_found" } });
    }
    expect((await getText("/healthz")).response.status).toBe(200);
  });

  it("serves hashed assets as immutable for a year, and /favicon.ico", async () => {
    const page = await getText("/");
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(page.text)?.[1];
    expect(asset).toBeTruthy();
    const script = await fetch(`${url}${asset}`);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toMatch(/javascript/);
    expect(script.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    await script.arrayBuffer();
    const icon = await fetch(`${url}/favicon.ico`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get("content-type")).toBe("image/x-icon");
    expect((await icon.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });
});

describe("the accounts screen's API calls, made as the console makes them", () => {
  it("sign in → CSRF → authorization link → accounts → enable refused with each failed check → sign out", async () => {
    const browser = new Browser();
    const before = await browser.call<{ error: { code: string } }>("GET", "/session");
    expect(before.status).toBe(401);
    expect(before.body.error.code).toBe("unauthorized");

    const wrong = await browser.call<{ error: { code: string; message: string } }>("POST", "/session", {
      username: "admin",
      password: "not the password",
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe("invalid_credentials");
    expect(wrong.body.error.message).toMatch(/\S/);

    await signIn(browser);
    expect(browser.cookie).toMatch(/=/);
    const again = await browser.call<{ csrfToken: string; user: { username: string } }>("GET", "/session");
    expect(again.body).toMatchObject({ csrfToken: browser.csrfToken, user: { username: "admin" } });

    const withoutCsrf = await browser.call<{ error: { code: string } }>(
      "POST",
      "/authorizations",
      {},
      { csrf: false },
    );
    expect(withoutCsrf.status).toBe(403);
    expect(withoutCsrf.body.error.code).toBe("csrf_failed");

    const link = await browser.call<{ pcUrl: string; mobileUrl: string; qrCode: string; expiresAt: number }>(
      "POST",
      "/authorizations",
      {},
    );
    expect(link.status).toBe(201);
    expect(link.body.qrCode).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    // In sandbox mode both links open the emulated WeChat's authorization pages.
    expect(link.body.pcUrl.startsWith(`${url}/sandbox/`)).toBe(true);
    expect(link.body.mobileUrl.startsWith(`${url}/sandbox/`)).toBe(true);
    expect(link.body.expiresAt).toBeGreaterThan(server.clock.now());

    const appId = demo.subscriptionAppId; // unverified in the demo world
    await authorizeThroughPage(link.body.pcUrl, appId, [1, 2, 3, 7]);

    interface Account {
      appId: string;
      nickname: string;
      kind: string;
      verified: boolean;
      enabled: boolean;
      permissionSets: { granted: { name: string }[]; missing: { name: string }[] };
    }
    const list = await browser.call<{ items: Account[] }>("GET", "/accounts");
    expect(list.status).toBe(200);
    const account = list.body.items.find((a) => a.appId === appId)!;
    expect(account).toMatchObject({ kind: "subscription", verified: false, enabled: false });
    expect(account.permissionSets.missing.map((s) => s.name)).toEqual(["微信卡券", "素材管理", "自定义菜单"]);

    interface Refusal {
      error: {
        code: string;
        message: string;
        details: { reason: string; failed: { check: string; missing?: { name: string }[] }[] };
      };
    }
    const refused = await browser.call<Refusal>("POST", `/accounts/${appId}/enable`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("conflict");
    expect(refused.body.error.details.reason).toBe("enable_checks_failed");
    expect(refused.body.error.details.failed.map((f) => f.check)).toEqual([
      "verified",
      "permission_sets",
      "openid_mapping",
    ]);
    expect(refused.body.error.details.failed[1]!.missing!.map((s) => s.name)).toEqual([
      "微信卡券",
      "素材管理",
      "自定义菜单",
    ]);

    const mapped = await browser.call("PUT", `/accounts/${appId}/openid-mapping`, {
      property: "wechat_openid",
    });
    expect(mapped.body).toMatchObject({ openIdMapping: "wechat_openid" });
    const fewer = await browser.call<Refusal>("POST", `/accounts/${appId}/enable`);
    expect(fewer.body.error.details.failed.map((f) => f.check)).toEqual(["verified", "permission_sets"]);

    const update = await browser.call<{ pcUrl: string; qrCode: string }>(
      "POST",
      `/accounts/${appId}/authorization-update`,
    );
    expect(update.status).toBe(201);
    expect(update.body.pcUrl).toContain(`biz_appid=${appId}`);

    const resets = await browser.call("GET", `/accounts/${appId}/quota/resets`);
    expect(resets.body).toMatchObject({ used: 0, limit: 10 });
    const reset = await browser.call("POST", `/accounts/${appId}/quota/reset`);
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({ used: 1, limit: 10, remaining: 9 });

    const events = await browser.call<{ items: unknown[] }>("GET", `/events?limit=20&appid=${appId}`);
    expect(events.status).toBe(200);
    expect(Array.isArray(events.body.items)).toBe(true);

    const kept = await browser.call<Refusal>("DELETE", `/accounts/${appId}`, { confirm: account.nickname });
    expect(kept.status).toBe(409);
    expect(kept.body.error.details.reason).toBe("still_authorized");

    const signedOut = await browser.call("DELETE", "/session");
    expect(signedOut.status).toBe(204);
    expect(browser.cookie).toBe("");
    expect((await browser.call("GET", "/accounts")).status).toBe(401);
  });

  it("quota resets stop at 10 a month, with the reason; deletion needs the account's name", async () => {
    const browser = new Browser();
    await signIn(browser);
    await connectDirect(browser, "示例服务号");
    const appId = demo.serviceAppId;
    for (let i = 1; i <= 10; i++) {
      expect((await browser.call("POST", `/accounts/${appId}/quota/reset`)).body).toMatchObject({ used: i });
    }
    const eleventh = await browser.call<{ error: { code: string; details: Record<string, unknown> } }>(
      "POST",
      `/accounts/${appId}/quota/reset`,
    );
    expect(eleventh.status).toBe(429);
    expect(eleventh.body.error.details).toMatchObject({ reason: "quota_reset_limit", used: 10, limit: 10 });

    const mismatch = await browser.call<{ error: { code: string; details: { reason: string } } }>(
      "DELETE",
      `/accounts/${appId}`,
      { confirm: "another name" },
    );
    expect(mismatch.status).toBe(400);
    expect(mismatch.body.error).toMatchObject({
      code: "validation_failed",
      details: { reason: "confirmation_mismatch" },
    });
    const deleted = await browser.call("DELETE", `/accounts/${appId}`, { confirm: "示例服务号" });
    expect(deleted.status).toBe(200);
    expect((await browser.call<{ items: unknown[] }>("GET", "/accounts")).body.items).toEqual([]);
  });
});
