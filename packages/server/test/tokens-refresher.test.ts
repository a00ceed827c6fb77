import { tokenKeys } from "@wxgate/wechat";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { authorizeAccount, type SandboxHarness, startSandbox } from "./accounts-fixture.js";

interface Token {
  access_token: string;
  expires_at: number;
}
interface AccountAnswer {
  lastTokenError: { code: string; errcode: number | null; rid: string | null } | null;
}

const HOUR = 3_600_000;
const TOKEN_LIFE = 2 * HOUR;
const REFRESH = "/cgi-bin/component/api_authorizer_token";
const COMPONENT_TOKEN = "/cgi-bin/component/api_component_token";
/** Inside the 5-minute refresh-ahead window of the tokens issued at the start, not expired. */
const NEAR_EXPIRY = TOKEN_LIFE - 60_000;

/**
 * WeChat's calls leave the server through undici's `request` (platform/wechat-transport.ts):
 * the test stands at that door, where a call to one path can be held until opened.
 */
const gate = vi.hoisted(() => ({ knock: undefined as ((path: string) => Promise<void>) | undefined }));
vi.mock("undici", async (importOriginal) => {
  const undici = await importOriginal<typeof import("undici")>();
  const request: typeof undici.request = async (url, options) => {
    await gate.knock?.(new URL(String(url)).pathname);
    return undici.request(url, options);
  };
  return { ...undici, request };
});

/** Holds the server's calls to one WeChat path at its door until opened. */
class Door {
  #arrived!: () => void;
  readonly arrived = new Promise<void>((resolve) => {
    this.#arrived = resolve;
  });
  #open!: () => void;
  readonly opened = new Promise<void>((resolve) => {
    this.#open = resolve;
  });
  constructor(readonly path: string) {}
  knock(): Promise<void> {
    this.#arrived();
    return this.opened;
  }
  open(): void {
    this.#open();
  }
}

let door: Door | undefined;
let h: SandboxHarness;
let appId: string;

beforeEach(async () => {
  door = undefined;
  gate.knock = async (path) => {
    if (door && path.endsWith(door.path)) await door.knock();
  };
  // The timer's own ticks stay out of the way: each test runs the refresher itself.
  h = await startSandbox({ env: { WXGATE_TOKEN_REFRESH_SECONDS: "240" } });
  appId = h.demo.serviceAppId;
  await authorizeAccount(h, appId);
  await h.api("PUT", `/accounts/${appId}/openid-mapping`, { property: "openid" });
  expect((await h.api("POST", `/accounts/${appId}/enable`)).status).toBe(200);
  await h.settle();
});
afterEach(async () => {
  door?.open();
  await h.close();
  vi.restoreAllMocks();
});

async function advance(ms: number): Promise<void> {
  await h.server.sandbox!.core.control.advanceClock(ms);
  await h.settle();
}

async function token(id = appId): Promise<Token> {
  const answer = await h.api<Token>("GET", `/accounts/${id}/access-token`);
  expect(answer.status).toBe(200);
  return answer.body;
}

/** Connects an account of its own with AppID + AppSecret (its token comes from /cgi-bin/token). */
async function directAccount(): Promise<string> {
  const emulated = h.server.sandbox!.core.control.createAccount({ kind: "service", verifyType: 0 });
  const created = await h.api("POST", "/accounts", {
    appId: emulated.appId,
    appSecret: emulated.secret,
    kind: "service",
    nickname: "直连服务号",
    verified: true,
  });
  expect(created.status).toBe(201);
  await h.api("PUT", `/accounts/${emulated.appId}/openid-mapping`, { property: "openid" });
  expect((await h.api("POST", `/accounts/${emulated.appId}/enable`)).status).toBe(200);
  return emulated.appId;
}

describe("the background token refresher", () => {
  it("refreshes a token near its expiry with one call at WeChat; the endpoint then serves it without one", async () => {
    const old = await token();
    const componentCalls = h.wechatCalls(COMPONENT_TOKEN);
    await advance(NEAR_EXPIRY);

    // The platform's component_access_token was issued with the authorization: due as well.
    expect(await h.accounts.refresher.run()).toEqual({ refreshed: 2, failed: 0, skipped: 0 });
    expect(h.wechatCalls(REFRESH)).toBe(1);
    expect(h.wechatCalls(COMPONENT_TOKEN)).toBe(componentCalls + 1);

    const served = await token();
    expect(served.access_token).not.toBe(old.access_token);
    expect(served.expires_at).toBe(h.server.clock.now() + TOKEN_LIFE);
    expect(h.wechatCalls(REFRESH)).toBe(1);
  });

  it("run() twice in a row (or twice at once) refreshes once", async () => {
    await token();
    await advance(NEAR_EXPIRY);
    const [first, second] = await Promise.all([h.accounts.refresher.run(), h.accounts.refresher.run()]);
    expect(first).toEqual({ refreshed: 2, failed: 0, skipped: 0 });
    expect(second).toEqual({ refreshed: 0, failed: 0, skipped: 0 });
    expect(await h.accounts.refresher.run()).toEqual({ refreshed: 0, failed: 0, skipped: 0 });
    expect(h.wechatCalls(REFRESH)).toBe(1);
  });

  it("running while 50 token requests are in flight makes exactly one refresh", async () => {
    const old = await token();
    await advance(NEAR_EXPIRY);
    const key = tokenKeys.authorizerAccessToken(h.demo.componentAppId, appId);
    const store = h.accounts.tokens.store;
    const read = store.get.bind(store);
    let readsAfterKnock = 0;
    let allRead!: () => void;
    const requestsWaiting = new Promise<void>((resolve) => {
      allRead = resolve;
    });
    door = new Door(REFRESH);
    vi.spyOn(store, "get").mockImplementation(async (asked) => {
      // Each request reads the stored token once before it joins the refresh in flight.
      if (asked === key && h.wechatCalls(REFRESH) === 0 && ++readsAfterKnock === 50) allRead();
      return read(asked);
    });

    // The refresher's call reaches WeChat's door and is held there.
    const running = h.accounts.refresher.run();
    await door.arrived;
    readsAfterKnock = 0;
    const requests = Promise.all(
      Array.from({ length: 50 }, () => h.api<Token>("GET", `/accounts/${appId}/access-token`)),
    );
    await requestsWaiting;
    door.open();

    const answers = await requests;
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const values = new Set(answers.map((a) => a.body.access_token));
    expect(values.size).toBe(1);
    expect(values.has(old.access_token)).toBe(false);
    expect(await running).toEqual({ refreshed: 2, failed: 0, skipped: 0 });
    expect(h.wechatCalls(REFRESH)).toBe(1);
    expect((await token()).access_token).toBe([...values][0]);
  });

  it("leaves a disabled account's token alone, and refreshes it once the account is enabled again", async () => {
    const old = await token();
    expect((await h.api("POST", `/accounts/${appId}/disable`)).status).toBe(200);
    await advance(NEAR_EXPIRY);

    expect(await h.accounts.refresher.run()).toEqual({ refreshed: 1, failed: 0, skipped: 1 });
    expect(h.wechatCalls(REFRESH)).toBe(0);

    expect((await h.api("POST", `/accounts/${appId}/enable`)).status).toBe(200);
    expect(await h.accounts.refresher.run()).toEqual({ refreshed: 1, failed: 0, skipped: 0 });
    expect(h.wechatCalls(REFRESH)).toBe(1);
    expect((await token()).access_token).not.toBe(old.access_token);
  });

  it("records a failed refresh on the account, keeps serving the old token, and the others still refresh", async () => {
    const old = await token();
    const direct = await directAccount();
    const directOld = await token(direct);
    expect(h.wechatCalls("/cgi-bin/token", direct)).toBe(1);
    h.server.sandbox!.core.control.addFault({ api: REFRESH, kind: "errcode", errcode: 61023, count: 1 });
    await advance(NEAR_EXPIRY);

    expect(await h.accounts.refresher.run()).toEqual({ refreshed: 2, failed: 1, skipped: 0 });
    expect(h.wechatCalls(REFRESH)).toBe(1);
    expect(h.wechatCalls("/cgi-bin/token", direct)).toBe(2);
    expect((await token(direct)).access_token).not.toBe(directOld.access_token);

    const account = await h.api<AccountAnswer>("GET", `/accounts/${appId}`);
    expect(account.body.lastTokenError).toMatchObject({ code: "wechat_api_error", errcode: 61023 });
    expect(account.body.lastTokenError?.rid).toMatch(/\S/);
    const served = await token();
    expect(served.access_token).toBe(old.access_token);
    expect(served.expires_at).toBe(old.expires_at);

    // The next run (a minute later) succeeds.
    await advance(60_000);
    expect(await h.accounts.refresher.run()).toEqual({ refreshed: 1, failed: 0, skipped: 0 });
    expect(h.wechatCalls(REFRESH)).toBe(2);
    expect((await token()).access_token).not.toBe(old.access_token);
  });

  it("runs when the server is ready and stops when it closes", async () => {
    expect(h.accounts.refresher.scheduled).toBe(true);
    await h.server.close();
    expect(h.accounts.refresher.scheduled).toBe(false);
  });
});
