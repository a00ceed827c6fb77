import { runInNewContext, Script } from "node:vm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HOME_CSP, SCRIPT_PATH, STYLE_PATH } from "../src/home/index.js";
import { moduleFactories } from "../src/registry.js";
import { createTestServer, type TestServer } from "../src/testing/server.js";
import { authorizeThroughPage as authorizeOnPage } from "./authorization-page.js";

/**
 * The authorization-management page at `/`: what it is served with, and the API calls it
 * makes, over real HTTP against the registry's modules with the sandbox WeChat mounted.
 */

const XSS_NICKNAME = "<img src=x onerror=alert(1)>";
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

describe("GET / — the page and its assets", () => {
  it("serves the page in Chinese, under a strict CSP, with nothing from elsewhere", async () => {
    const { response, text } = await getText("/");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("content-security-policy")).toBe(HOME_CSP);
    expect(HOME_CSP).toContain("default-src 'none'");
    expect(HOME_CSP).toContain("img-src 'self' data:");
    expect(HOME_CSP).not.toMatch(/unsafe|\*|https?:/);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(text).toContain('<html lang="zh-CN"');
    expect(text).toContain('<h1 data-i18n="title">微信授权管理</h1>');
    expect(text).toContain(`<script src="${SCRIPT_PATH}" defer></script>`);
    expect(text).toContain(`<link rel="stylesheet" href="${STYLE_PATH}">`);
    // No asset or link leaves the origin, and nothing inline would need the CSP relaxed.
    expect(text).not.toMatch(/https?:\/\//);
    expect(text).not.toMatch(/\/\/[a-z0-9.-]+\.[a-z]{2,}/i);
    expect(text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(text).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    for (const label of ["授权账号", "刷新列表", "用户名", "密码", "类型", "OpenID 映射"])
      expect(text).toContain(label);
    expect(text).toContain('<label for="username"');
    expect(text.match(/<th scope="col"/g)?.length).toBe(16);
    expect(text).toContain('<th scope="col" data-i18n="col.lifecycle">授权有效期</th>');
    // The month's authorization requests sit beside the action and describe it.
    expect(text).toContain('<span id="usage" class="usage" hidden></span>');
    expect(text).toContain('<button id="authorize" type="button" class="primary" aria-describedby="usage"');
  });

  it("speaks English when asked", async () => {
    const { text } = await getText("/?lang=en");
    expect(text).toContain('<html lang="en"');
    expect(text).toContain("WeChat authorization management");
    expect(text).toContain("Authorize an account");
    expect(text).not.toContain("授权账号");
  });

  it("serves the script and the stylesheet from the same origin with their types", async () => {
    const script = await getText(SCRIPT_PATH);
    expect(script.response.status).toBe(200);
    expect(script.response.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(script.response.headers.get("content-security-policy")).toBe(HOME_CSP);
    expect(() => new Script(script.text)).not.toThrow();
    expect(script.text).not.toMatch(/https?:\/\//);
    expect(script.text).toContain('"授权账号"');

    const style = await getText(STYLE_PATH);
    expect(style.response.status).toBe(200);
    expect(style.response.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(style.text).not.toMatch(/https?:\/\/|@import|url\(/);
  });

  it("the script writes no markup: no HTML sinks, only inert attributes", async () => {
    const { text } = await getText(SCRIPT_PATH);
    expect(text).not.toMatch(
      /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|srcdoc/,
    );
    const attributes = [...text.matchAll(/setAttribute\("([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(attributes)).toEqual(new Set(["aria-label", "data-lang"]));
    expect(text).toContain("node.textContent = String(text)");
  });

  it("leaves the JSON API's errors and the other roots as they were", async () => {
    const missing = await getText("/nothing-here");
    expect(missing.response.status).toBe(404);
    expect(missing.response.headers.get("content-security-policy")).toBeNull();
    expect(JSON.parse(missing.text)).toMatchObject({ error: { code: "not_found" } });
    expect((await getText("/healthz")).response.status).toBe(200);
  });
});

describe("the page's API calls, made as the script makes them", () => {
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

// ── the script itself, run against the server in a minimal document ─────────

/** Just enough of a DOM element for the script; records any attempt to write markup. */
class FakeElement {
  readonly children: FakeElement[] = [];
  readonly attributes = new Map<string, string>();
  readonly listeners = new Map<string, ((event: unknown) => unknown)[]>();
  ownText = "";
  hidden = false;
  disabled = false;
  className = "";
  value = "";
  type = "";
  scope = "";
  href = "";
  src = "";
  alt = "";
  lang = "";

  constructor(
    readonly tagName: string,
    private readonly markupWrites: string[],
  ) {}

  get textContent(): string {
    return this.ownText + this.children.map((child) => child.textContent).join("");
  }
  set textContent(value: string) {
    this.ownText = String(value);
    this.children.length = 0;
  }
  set innerHTML(value: string) {
    this.markupWrites.push(value);
  }
  append(...nodes: (FakeElement | string)[]): void {
    for (const node of nodes) {
      if (typeof node !== "string") this.children.push(node);
      else {
        const text = new FakeElement("#text", this.markupWrites);
        text.ownText = node;
        this.children.push(text);
      }
    }
  }
  replaceChildren(...nodes: (FakeElement | string)[]): void {
    this.ownText = "";
    this.children.length = 0;
    this.append(...nodes);
  }
  setAttribute(name: string, value: string): void {
    this.attributes.set(name, String(value));
  }
  getAttribute(name: string): string | null {
    return this.attributes.get(name) ?? null;
  }
  removeAttribute(name: string): void {
    this.attributes.delete(name);
  }
  addEventListener(type: string, listener: (event: unknown) => unknown): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  fire(type: string, event: unknown = {}): void {
    for (const listener of this.listeners.get(type) ?? []) void listener(event);
  }
  focus(): void {}
  scrollIntoView(): void {}
  /** Every element below this one, depth first. */
  all(): FakeElement[] {
    return this.children.flatMap((child) => [child, ...child.all()]);
  }
}

/** Runs the served script in a fresh context whose `fetch` goes to the test server with a cookie. */
async function runPageScript() {
  const markupWrites: string[] = [];
  const created: FakeElement[] = [];
  const elements = new Map<string, FakeElement>();
  const root = new FakeElement("html", markupWrites);
  root.setAttribute("data-lang", "zh");
  const browser = new Browser();
  const requests: { method: string; path: string; status: number; csrf: string | undefined }[] = [];
  const pending = new Set<Promise<unknown>>();
  const answers: (string | boolean | null)[] = [];

  const pageFetch = (
    path: string,
    init: { method: string; headers: Record<string, string>; body?: string },
  ) => {
    const call = (async () => {
      const headers = { ...init.headers, ...(browser.cookie ? { cookie: browser.cookie } : {}) };
      const response = await fetch(new URL(path, url), {
        method: init.method,
        headers,
        ...(init.body === undefined ? {} : { body: init.body }),
      });
      browser.remember(response);
      const text = await response.text();
      requests.push({
        method: init.method,
        path,
        status: response.status,
        csrf: init.headers["x-csrf-token"],
      });
      return { ok: response.ok, status: response.status, text: async () => text };
    })();
    pending.add(call);
    const forget = () => pending.delete(call);
    call.then(forget, forget);
    return call;
  };

  const document = {
    documentElement: root,
    title: "",
    createElement(tag: string) {
      const element = new FakeElement(tag, markupWrites);
      created.push(element);
      return element;
    },
    getElementById(id: string) {
      let element = elements.get(id);
      if (!element) {
        element = new FakeElement(`#${id}`, markupWrites);
        elements.set(id, element);
      }
      return element;
    },
    querySelectorAll: () => [],
  };
  const window = {
    prompt: () => answers.shift() ?? null,
    confirm: () => answers.shift() === true,
  };
  const script = await getText(SCRIPT_PATH);
  runInNewContext(script.text, {
    document,
    window,
    fetch: pageFetch,
    URL,
    location: new URL(`${url}/`),
    history: { replaceState() {} },
  });

  /** Lets every request the script started, and what it does with the answers, finish. */
  const settle = async () => {
    do {
      await Promise.allSettled([...pending]);
      await new Promise((resolve) => setImmediate(resolve));
    } while (pending.size > 0);
  };
  const byId = (id: string) => document.getElementById(id);
  return { document, byId, created, markupWrites, requests, answers, settle };
}

type Page = Awaited<ReturnType<typeof runPageScript>>;

/** Opens the page and signs in through its form, as an administrator does. */
async function openSignedIn(): Promise<Page> {
  const page = await runPageScript();
  await page.settle();
  page.byId("username").value = ADMIN.username;
  page.byId("password").value = ADMIN.password;
  page.byId("sign-in-form").fire("submit", { preventDefault() {} });
  await page.settle();
  expect(page.byId("console").hidden).toBe(false);
  return page;
}

/** The row of the account list showing `appId`. */
function rowOf(page: Page, appId: string): FakeElement {
  const row = page.byId("accounts").children.find((r) => r.children[1]?.textContent === appId);
  if (!row) throw new Error(`no row for ${appId}`);
  return row;
}

/** The badge and its note in a row's authorization-validity cell. */
function lifecycleIn(row: FakeElement) {
  const [badge, note] = row.children[9]!.children;
  return { badge: badge!, note };
}

function buttonOf(row: FakeElement, label: string): FakeElement {
  const button = row.all().find((element) => element.tagName === "button" && element.textContent === label);
  if (!button) throw new Error(`no button ${label}`);
  return button;
}

/** A time as the page writes it: the API's epoch milliseconds in the browser's locale. */
function shownTime(ms: number, lang: "zh" | "en"): string {
  return new Date(ms).toLocaleString(lang === "en" ? "en-GB" : "zh-CN", { hour12: false });
}

const DAY_MS = 86_400_000;

describe("the page's script, run against the server", () => {
  it("signs in, lists an account named like markup as plain text, and shows the failed enable checks", async () => {
    const setup = new Browser();
    await signIn(setup);
    await connectDirect(setup, XSS_NICKNAME);

    const page = await runPageScript();
    await page.settle();
    expect(page.byId("sign-in").hidden).toBe(false);
    expect(page.byId("console").hidden).toBe(true);

    page.byId("username").value = ADMIN.username;
    page.byId("password").value = ADMIN.password;
    page.byId("sign-in-form").fire("submit", { preventDefault() {} });
    await page.settle();
    expect(page.byId("console").hidden).toBe(false);
    expect(page.byId("password").value).toBe("");
    expect(page.byId("who").textContent).toBe("已登录：admin");

    const rows = page.byId("accounts").children;
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    const cells = row.children.map((cell) => cell.textContent);
    expect(row.children[0]!.tagName).toBe("th");
    expect(cells[0]).toBe(XSS_NICKNAME);
    expect(cells.slice(1, 5)).toEqual([demo.serviceAppId, "服务号", "否", "AppSecret 直连"]);
    expect(cells[7]).toBe("未设置");
    // A direct connection has no authorization to end.
    expect(cells[9]).toBe("无有效期");
    // The name is text: no element came from it, and no markup was ever written.
    expect(page.created.filter((element) => element.tagName === "img")).toEqual([]);
    expect(page.markupWrites).toEqual([]);

    const buttons = row.all().filter((element) => element.tagName === "button");
    expect(buttons.map((button) => button.textContent)).toEqual([
      "设置 OpenID",
      "开启",
      "重置限额",
      "事件",
      "删除",
    ]);
    expect(buttons[1]!.getAttribute("aria-label")).toBe(`开启 · ${XSS_NICKNAME}`);

    buttons[1]!.fire("click");
    await page.settle();
    const error = page.byId("error");
    expect(error.hidden).toBe(false);
    const lines = error
      .all()
      .filter((element) => element.tagName === "li")
      .map((li) => li.textContent);
    expect(lines).toEqual(["未通过微信认证", "未设置 OpenID"]);
    expect(error.textContent).toContain(`无法开启“${XSS_NICKNAME}”，以下校验未通过：`);
    expect(error.textContent).toContain("conflict");
    expect(error.textContent).toContain("enable_checks_failed");

    // 设置 OpenID through the prompt, then the events of the account.
    page.answers.push("wechat_openid");
    buttons[0]!.fire("click");
    await page.settle();
    expect(page.byId("accounts").children[0]!.children[7]!.textContent).toBe("wechat_openid");
    buttons[3]!.fire("click");
    await page.settle();
    expect(page.byId("events-heading").textContent).toBe(`最近事件：${XSS_NICKNAME}`);
    expect(page.byId("events-empty").hidden).toBe(false);

    // Unsafe calls carried the CSRF token; reads did not need it.
    const unsafe = page.requests.filter((r) => r.method !== "GET" && r.path !== "/api/v1/session");
    expect(unsafe.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      `POST /api/v1/accounts/${demo.serviceAppId}/enable 409`,
      `PUT /api/v1/accounts/${demo.serviceAppId}/openid-mapping 200`,
    ]);
    expect(unsafe.every((r) => typeof r.csrf === "string" && r.csrf.length > 0)).toBe(true);
    expect(page.requests.at(-1)?.path).toBe(`/api/v1/events?limit=20&appid=${demo.serviceAppId}`);

    // 授权账号: the QR code and both links, which lead to the emulated WeChat in sandbox mode.
    page.byId("authorize").fire("click");
    await page.settle();
    expect(page.byId("authorization").hidden).toBe(false);
    expect(page.byId("authorization-heading").textContent).toBe("扫码授权");
    expect(page.byId("qr").src).toMatch(/^data:image\/png;base64,/);
    expect(page.byId("pc-link").href.startsWith(`${url}/sandbox/`)).toBe(true);
    expect(page.byId("mobile-link").href.startsWith(`${url}/sandbox/`)).toBe(true);
    expect(page.byId("expires").textContent).toMatch(/^链接有效期至 .+，且只能使用一次。$/);

    // The language button re-labels what is shown, in place.
    page.byId("language").fire("click");
    expect(page.document.title).toBe("WeChat authorization management · wxgate");
    expect(page.document.documentElement.lang).toBe("en");
    expect(page.byId("who").textContent).toBe("Signed in as admin");
    expect(page.byId("accounts").children[0]!.children[2]!.textContent).toBe("Service account");
    expect(page.byId("events-heading").textContent).toBe(`Latest events: ${XSS_NICKNAME}`);
    expect(page.byId("authorization-heading").textContent).toBe("Scan to authorize");
    expect(page.markupWrites).toEqual([]);
  });

  it("shows each account's authorization validity: valid until, the reminder 30 days before the end, the lapse", async () => {
    const setup = new Browser();
    await signIn(setup);
    await connectDirect(setup, "直连服务号");
    const link = await setup.call<{ pcUrl: string }>("POST", "/authorizations", {});
    const appId = demo.subscriptionAppId;
    await authorizeThroughPage(link.body.pcUrl, appId, [1, 2, 3, 7]);
    interface Lifecycle {
      state: string;
      expiresAt: number;
      remindFrom: number;
    }
    const account = await setup.call<{ nickname: string; lifecycle: Lifecycle }>("GET", `/accounts/${appId}`);
    const { nickname } = account.body;
    const { expiresAt, remindFrom } = account.body.lifecycle;
    expect(account.body.lifecycle.state).toBe("active");
    expect(expiresAt - remindFrom).toBe(30 * DAY_MS);

    // A new authorization: active, with its end; the direct connection has none.
    const fresh = await openSignedIn();
    const active = lifecycleIn(rowOf(fresh, appId));
    expect(active.badge.tagName).toBe("span");
    expect(active.badge.textContent).toBe("有效");
    expect(active.badge.className).toBe("badge badge-active");
    expect(active.note?.textContent).toBe(`有效期至 ${shownTime(expiresAt, "zh")}`);
    expect(rowOf(fresh, demo.serviceAppId).children[9]!.textContent).toBe("无有效期");
    expect(fresh.byId("reminders").hidden).toBe(true);
    expect(buttonOf(rowOf(fresh, appId), "更新授权").className).toBe("");

    // 30 days before the end: expiring, said on the row and above the list, renewal highlighted.
    server.clock.advance(remindFrom - server.clock.now());
    const reminded = await openSignedIn();
    const expiring = lifecycleIn(rowOf(reminded, appId));
    expect(expiring.badge.textContent).toBe("即将到期");
    expect(expiring.badge.className).toBe("badge badge-expiring");
    expect(expiring.note?.textContent).toBe(
      `将于 ${shownTime(expiresAt, "zh")} 到期，请在此前点击“更新授权”续期`,
    );
    expect(expiring.note?.className).toBe("note warn");
    expect(reminded.byId("reminders").hidden).toBe(false);
    expect(reminded.byId("reminders").textContent).toBe(
      `以下账号的授权将在 30 天内到期，请在到期前点击“更新授权”续期：${nickname}`,
    );
    expect(buttonOf(rowOf(reminded, appId), "更新授权").className).toBe("primary");
    expect(lifecycleIn(rowOf(reminded, demo.serviceAppId)).badge.textContent).toBe("无有效期");
    reminded.byId("language").fire("click");
    const english = lifecycleIn(rowOf(reminded, appId));
    expect(english.badge.textContent).toBe("Expiring");
    expect(english.note?.textContent).toBe(
      `ends on ${shownTime(expiresAt, "en")}: renew it with “Update authorization” before then`,
    );
    expect(reminded.byId("reminders").textContent).toContain("ends within 30 days");

    // After the end: lapsed, sending stopped, and the way back is the update action.
    server.clock.advance(expiresAt - server.clock.now());
    const ended = await openSignedIn();
    const lapsed = lifecycleIn(rowOf(ended, appId));
    expect(lapsed.badge.textContent).toBe("已到期");
    expect(lapsed.badge.className).toBe("badge badge-lapsed");
    expect(lapsed.note?.textContent).toBe(
      `已于 ${shownTime(expiresAt, "zh")} 到期：已停止发送，点击“更新授权”重新授权后恢复`,
    );
    expect(lapsed.note?.className).toBe("note danger");
    expect(ended.byId("reminders").textContent).toBe(
      `以下账号的授权已到期，已停止发送，点击“更新授权”重新授权后恢复：${nickname}`,
    );
    buttonOf(rowOf(ended, appId), "更新授权").fire("click");
    await ended.settle();
    expect(ended.byId("authorization-heading").textContent).toBe(`更新授权：${nickname}`);
    await authorizeThroughPage(ended.byId("pc-link").href, appId, [1, 2, 3, 7]);
    ended.byId("authorization-done").fire("click");
    await ended.settle();
    const renewed = lifecycleIn(rowOf(ended, appId));
    expect(renewed.badge.textContent).toBe("有效");
    expect(ended.byId("reminders").hidden).toBe(true);
    expect(ended.markupWrites).toEqual([]);
  });

  it("shows the month's authorization requests beside 授权账号 and stops the action at the limit, with the reason", async () => {
    const page = await openSignedIn();
    const usage = page.byId("usage");
    const action = page.byId("authorize");
    expect(usage.hidden).toBe(false);
    expect(usage.textContent).toBe("本月已发起 0/50 次授权请求（含更新授权）");
    expect(action.disabled).toBe(false);

    action.fire("click");
    await page.settle();
    expect(page.byId("authorization").hidden).toBe(false);
    expect(usage.textContent).toBe("本月已发起 1/50 次授权请求（含更新授权）");
    page.byId("language").fire("click");
    expect(usage.textContent).toBe("Used 1 of 50 authorization requests this month (updates included)");
    page.byId("language").fire("click");

    // Another administrator starts the month's other 49 while this page still shows 1 of 50.
    const other = new Browser();
    await signIn(other);
    for (let i = 0; i < 49; i++) expect((await other.call("POST", "/authorizations", {})).status).toBe(201);
    const { month } = (await other.call<{ month: string }>("GET", "/authorizations/usage")).body;
    expect(action.disabled).toBe(false);

    action.fire("click");
    await page.settle();
    expect(page.requests.filter((r) => r.method === "POST").map((r) => `${r.path} ${r.status}`)).toEqual([
      "/api/v1/session 200",
      "/api/v1/authorizations 201",
      "/api/v1/authorizations 429",
    ]);
    const error = page.byId("error");
    expect(error.hidden).toBe(false);
    expect(error.children[0]!.textContent).toBe(
      `无法发起授权：本月（${month}）的 50 次授权请求已用完（含更新授权），下个月（北京时间）可再发起。`,
    );
    expect(error.textContent).toContain("too_many_requests");
    expect(error.textContent).toContain("authorization_request_limit");
    // The page now knows: the action is disabled and the line says why.
    expect(action.disabled).toBe(true);
    expect(usage.className).toBe("usage warn");
    expect(usage.textContent).toBe(
      `本月（${month}）的授权请求已用完：50/50。下个月（北京时间）才能再发起授权。`,
    );
    page.byId("language").fire("click");
    expect(usage.textContent).toBe(
      `Every authorization request of this month (${month}) is used: 50 of 50. The next one is possible next month (Beijing time).`,
    );

    // A page opened now starts with the action disabled.
    const later = await openSignedIn();
    expect(later.byId("authorize").disabled).toBe(true);
    expect(later.byId("usage").textContent).toBe(
      `本月（${month}）的授权请求已用完：50/50。下个月（北京时间）才能再发起授权。`,
    );
  });
});
