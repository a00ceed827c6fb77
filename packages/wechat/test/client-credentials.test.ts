import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AccessTokenCredential,
  type ApiCallRecord,
  AuthorizerAccessTokenCredential,
  ComponentAccessTokenCredential,
  createOfficialAccountApi,
  ExternalTokenCredential,
  MemoryRefreshTokenStore,
  MemoryTicketStore,
  MemoryTokenStore,
  MissingRefreshTokenError,
  MissingTicketError,
  tokenKeys,
  WeChatApiError,
  WeChatClient,
  type WeChatTransportError,
} from "../src/index.js";
import { type ScriptedWeChat, startScriptedWeChat, wechatError } from "./client-support.js";

const SECRET = "app-secret-9f8e7d6c5b4a39281706";
const COMPONENT_SECRET = "component-secret-0a1b2c3d4e5f6071";

let wechat: ScriptedWeChat;
let records: ApiCallRecord[];
let clock: number;
const now = () => clock;

function client(): WeChatClient {
  return new WeChatClient({
    endpoints: { api: wechat.url },
    onCall: (record) => records.push(record),
    sleep: async () => {},
  });
}

/** /cgi-bin/token answering token-1, token-2, … */
function scriptTokenEndpoint(expiresIn = 7200): void {
  wechat.on("/cgi-bin/token", (_request, index) => ({
    json: { access_token: `token-${index + 1}`, expires_in: expiresIn },
  }));
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

beforeEach(async () => {
  wechat = await startScriptedWeChat();
  records = [];
  clock = Date.UTC(2025, 0, 1);
});

afterEach(async () => {
  await wechat.close();
});

describe("AccessTokenCredential", () => {
  it("fetches with client_credential, appid and secret, and stores under access_token:<appid>", async () => {
    scriptTokenEndpoint();
    const store = new MemoryTokenStore();
    const credential = new AccessTokenCredential({
      appId: "wx1",
      secret: SECRET,
      client: client(),
      store,
      now,
    });
    expect(await credential.getToken()).toBe("token-1");
    const query = wechat.requests[0]?.query;
    expect(query?.get("grant_type")).toBe("client_credential");
    expect(query?.get("appid")).toBe("wx1");
    expect(query?.get("secret")).toBe(SECRET);
    expect(credential.key).toBe("access_token:wx1");
    expect(await store.get(tokenKeys.accessToken("wx1"))).toEqual({
      value: "token-1",
      expiresAt: clock + 7200_000,
    });
  });

  it("makes exactly one token request for 200 concurrent getToken() callers", async () => {
    scriptTokenEndpoint();
    const credential = new AccessTokenCredential({ appId: "wx1", secret: SECRET, client: client(), now });
    const tokens = await Promise.all(Array.from({ length: 200 }, () => credential.getToken()));
    expect(new Set(tokens)).toEqual(new Set(["token-1"]));
    expect(wechat.requestsTo("/cgi-bin/token")).toHaveLength(1);
  });

  it("serves the stored token until refreshAheadMs before expiry, then refreshes", async () => {
    scriptTokenEndpoint();
    const credential = new AccessTokenCredential({
      appId: "wx1",
      secret: SECRET,
      client: client(),
      now,
      refreshAheadMs: 5 * 60_000,
    });
    const issuedAt = clock;
    expect(await credential.getToken()).toBe("token-1");
    clock = issuedAt + (7200 - 300) * 1000 - 1;
    expect(await credential.getToken()).toBe("token-1");
    expect(wechat.requestsTo("/cgi-bin/token")).toHaveLength(1);
    clock = issuedAt + (7200 - 300) * 1000;
    expect(await credential.getToken()).toBe("token-2");
    expect(wechat.requestsTo("/cgi-bin/token")).toHaveLength(2);
  });

  it("keeps serving the old, still valid token when refreshing ahead fails, and waits before trying again", async () => {
    wechat.on("/cgi-bin/token", (_request, index) =>
      index === 0 ? { json: { access_token: "token-1", expires_in: 7200 } } : wechatError(-1, "system error"),
    );
    const credential = new AccessTokenCredential({ appId: "wx1", secret: SECRET, client: client(), now });
    await credential.getToken();
    clock += 7000_000; // inside the refresh-ahead window, not expired
    expect(await credential.getToken()).toBe("token-1");
    const afterFailure = wechat.requestsTo("/cgi-bin/token").length;
    expect(await credential.getToken()).toBe("token-1");
    expect(wechat.requestsTo("/cgi-bin/token")).toHaveLength(afterFailure);
    clock += 31_000;
    await credential.getToken();
    expect(wechat.requestsTo("/cgi-bin/token").length).toBeGreaterThan(afterFailure);
  });

  it("fails when there is no valid token and the fetch fails", async () => {
    wechat.on("/cgi-bin/token", wechatError(40125, "invalid appsecret"));
    const credential = new AccessTokenCredential({ appId: "wx1", secret: SECRET, client: client(), now });
    const error = await failure(credential.getToken());
    expect((error as WeChatApiError).errcode).toBe(40125);
  });

  it("invalidate(stale) drops the token only while it is still the stale one", async () => {
    scriptTokenEndpoint();
    const store = new MemoryTokenStore();
    const credential = new AccessTokenCredential({
      appId: "wx1",
      secret: SECRET,
      client: client(),
      store,
      now,
    });
    await credential.getToken();
    await credential.invalidate("some-older-token");
    expect(await credential.getToken()).toBe("token-1");
    await credential.invalidate("token-1");
    expect(await store.get(credential.key)).toBeUndefined();
    expect(await credential.getToken()).toBe("token-2");
    await credential.invalidate("token-1");
    expect(await credential.getToken()).toBe("token-2");
    expect(wechat.requestsTo("/cgi-bin/token")).toHaveLength(2);
  });

  it("100 callers invalidating the same stale token cause one refresh", async () => {
    scriptTokenEndpoint();
    const credential = new AccessTokenCredential({ appId: "wx1", secret: SECRET, client: client(), now });
    const stale = await credential.getToken();
    await Promise.all(
      Array.from({ length: 100 }, async () => {
        await credential.invalidate(stale);
        return credential.getToken();
      }),
    );
    expect(wechat.requestsTo("/cgi-bin/token")).toHaveLength(2);
    expect(await credential.getToken()).toBe("token-2");
  });

  it("100 concurrent API calls rejected with 40001 lead to one refresh and one retry each", async () => {
    scriptTokenEndpoint();
    wechat.on("/cgi-bin/tags/get", (request) =>
      request.query.get("access_token") === "token-1"
        ? wechatError(40001, "invalid credential, access_token is invalid or not latest")
        : { json: { tags: [] } },
    );
    const credential = new AccessTokenCredential({ appId: "wx1", secret: SECRET, client: client(), now });
    const api = createOfficialAccountApi(client().withToken(credential));
    await Promise.all(Array.from({ length: 100 }, () => api.tags.list()));
    expect(wechat.requestsTo("/cgi-bin/token")).toHaveLength(2);
    expect(wechat.requestsTo("/cgi-bin/tags/get")).toHaveLength(200);
  });

  it("invalidate() without a token drops whatever is stored", async () => {
    scriptTokenEndpoint();
    const credential = new AccessTokenCredential({ appId: "wx1", secret: SECRET, client: client(), now });
    await credential.getToken();
    await credential.invalidate();
    expect(await credential.getToken()).toBe("token-2");
  });

  it("refresh() fetches a new token whatever is stored", async () => {
    scriptTokenEndpoint();
    const credential = new AccessTokenCredential({ appId: "wx1", secret: SECRET, client: client(), now });
    await credential.getToken();
    expect(await credential.refresh()).toBe("token-2");
    expect(await credential.getToken()).toBe("token-2");
  });

  it("stable mode posts to stable_token and forces a refresh only after WeChat rejected the token", async () => {
    wechat.on("/cgi-bin/stable_token", (_request, index) => ({
      json: { access_token: `stable-${index + 1}`, expires_in: 7200 },
    }));
    const credential = new AccessTokenCredential({
      appId: "wx1",
      secret: SECRET,
      client: client(),
      mode: "stable",
      now,
    });
    expect(await credential.getToken()).toBe("stable-1");
    await credential.invalidate("stable-1");
    expect(await credential.getToken()).toBe("stable-2");
    clock += 7200_000;
    expect(await credential.getToken()).toBe("stable-3");
    const bodies = wechat.requestsTo("/cgi-bin/stable_token").map((r) => r.body);
    expect(bodies).toEqual([
      { grant_type: "client_credential", appid: "wx1", secret: SECRET, force_refresh: false },
      { grant_type: "client_credential", appid: "wx1", secret: SECRET, force_refresh: true },
      { grant_type: "client_credential", appid: "wx1", secret: SECRET, force_refresh: false },
    ]);
    expect(wechat.requestsTo("/cgi-bin/stable_token")[0]?.method).toBe("POST");
  });

  it("never lets the secret out: errors, records, the object itself", async () => {
    wechat.on("/cgi-bin/token", wechatError(40125, `invalid appsecret ${SECRET} hints: [ req_id: abc ]`));
    const credential = new AccessTokenCredential({ appId: "wx1", secret: SECRET, client: client(), now });
    const error = (await failure(credential.getToken())) as WeChatApiError;
    const text = [
      error.message,
      error.errmsg,
      error.stack,
      JSON.stringify(error),
      JSON.stringify(records),
    ].join("\n");
    expect(text).not.toContain(SECRET);
    expect(JSON.stringify(credential)).not.toContain(SECRET);
    expect(Object.values(credential)).not.toContain(SECRET);
  });
});

describe("ComponentAccessTokenCredential", () => {
  it("throws MissingTicketError, without calling WeChat, while no ticket is stored", async () => {
    const credential = new ComponentAccessTokenCredential({
      componentAppId: "wxcomp",
      componentSecret: COMPONENT_SECRET,
      client: client(),
      ticketStore: new MemoryTicketStore(),
      now,
    });
    const error = await failure(credential.getToken());
    expect(error).toBeInstanceOf(MissingTicketError);
    expect((error as MissingTicketError).code).toBe("component_ticket_missing");
    expect(wechat.requests).toHaveLength(0);
  });

  it("trades the stored ticket for a component_access_token", async () => {
    wechat.on("/cgi-bin/component/api_component_token", {
      json: { component_access_token: "ctoken-1", expires_in: 7200 },
    });
    const ticketStore = new MemoryTicketStore();
    await ticketStore.setTicket("wxcomp", "ticket@@@xyz");
    const store = new MemoryTokenStore();
    const credential = new ComponentAccessTokenCredential({
      componentAppId: "wxcomp",
      componentSecret: COMPONENT_SECRET,
      client: client(),
      ticketStore,
      store,
      now,
    });
    const tokens = await Promise.all(Array.from({ length: 50 }, () => credential.getToken()));
    expect(new Set(tokens)).toEqual(new Set(["ctoken-1"]));
    const requests = wechat.requestsTo("/cgi-bin/component/api_component_token");
    expect(requests).toHaveLength(1);
    expect(requests[0]?.method).toBe("POST");
    expect(requests[0]?.body).toEqual({
      component_appid: "wxcomp",
      component_appsecret: COMPONENT_SECRET,
      component_verify_ticket: "ticket@@@xyz",
    });
    expect([...(requests[0]?.query.keys() ?? [])]).toEqual([]);
    expect(await store.get("component_access_token:wxcomp")).toEqual({
      value: "ctoken-1",
      expiresAt: clock + 7200_000,
    });
  });

  it("keeps the component secret and ticket out of errors", async () => {
    wechat.on(
      "/cgi-bin/component/api_component_token",
      wechatError(61006, `component ticket is invalid ${COMPONENT_SECRET} ticket@@@xyz`),
    );
    const ticketStore = new MemoryTicketStore();
    await ticketStore.setTicket("wxcomp", "ticket@@@xyz");
    const credential = new ComponentAccessTokenCredential({
      componentAppId: "wxcomp",
      componentSecret: COMPONENT_SECRET,
      client: client(),
      ticketStore,
      now,
    });
    const error = (await failure(credential.getToken())) as WeChatApiError;
    expect(error.errcode).toBe(61006);
    const text = [error.message, error.errmsg, JSON.stringify(error), JSON.stringify(records)].join("\n");
    expect(text).not.toContain(COMPONENT_SECRET);
    expect(text).not.toContain("ticket@@@xyz");
  });
});

describe("AuthorizerAccessTokenCredential", () => {
  async function setup() {
    wechat.on("/cgi-bin/component/api_component_token", {
      json: { component_access_token: "ctoken-1", expires_in: 7200 },
    });
    const ticketStore = new MemoryTicketStore();
    await ticketStore.setTicket("wxcomp", "ticket-1");
    const component = new ComponentAccessTokenCredential({
      componentAppId: "wxcomp",
      componentSecret: COMPONENT_SECRET,
      client: client(),
      ticketStore,
      now,
    });
    const refreshTokenStore = new MemoryRefreshTokenStore();
    const store = new MemoryTokenStore();
    const authorizer = new AuthorizerAccessTokenCredential({
      componentAppId: "wxcomp",
      authorizerAppId: "wxauth",
      component,
      client: client(),
      refreshTokenStore,
      store,
      now,
    });
    return { authorizer, refreshTokenStore, store };
  }

  it("refreshes with the stored refresh token over component_access_token, and stores a new refresh token", async () => {
    const { authorizer, refreshTokenStore, store } = await setup();
    await refreshTokenStore.set("wxauth", "refresh-1");
    wechat.on("/cgi-bin/component/api_authorizer_token", (_request, index) => ({
      json: {
        authorizer_access_token: `atoken-${index + 1}`,
        expires_in: 7200,
        authorizer_refresh_token: "refresh-2",
      },
    }));
    expect(await authorizer.getToken()).toBe("atoken-1");
    const [request] = wechat.requestsTo("/cgi-bin/component/api_authorizer_token");
    expect(request?.query.get("component_access_token")).toBe("ctoken-1");
    expect(request?.query.has("access_token")).toBe(false);
    expect(request?.body).toEqual({
      component_appid: "wxcomp",
      authorizer_appid: "wxauth",
      authorizer_refresh_token: "refresh-1",
    });
    expect(await refreshTokenStore.get("wxauth")).toBe("refresh-2");
    expect(authorizer.key).toBe("authorizer_access_token:wxcomp:wxauth");
    expect((await store.get(authorizer.key))?.value).toBe("atoken-1");

    await authorizer.invalidate("atoken-1");
    await authorizer.getToken();
    expect(wechat.requestsTo("/cgi-bin/component/api_authorizer_token")[1]?.body).toMatchObject({
      authorizer_refresh_token: "refresh-2",
    });
  });

  it("keeps the refresh token when WeChat returns none", async () => {
    const { authorizer, refreshTokenStore } = await setup();
    await refreshTokenStore.set("wxauth", "refresh-1");
    wechat.on("/cgi-bin/component/api_authorizer_token", {
      json: { authorizer_access_token: "a", expires_in: 7200 },
    });
    await authorizer.getToken();
    expect(await refreshTokenStore.get("wxauth")).toBe("refresh-1");
  });

  it("throws MissingRefreshTokenError when the authorizer has no refresh token", async () => {
    const { authorizer } = await setup();
    const error = await failure(authorizer.getToken());
    expect(error).toBeInstanceOf(MissingRefreshTokenError);
    expect(wechat.requestsTo("/cgi-bin/component/api_authorizer_token")).toHaveLength(0);
  });

  it("accept() keeps what api_query_auth granted, so the first call needs no refresh", async () => {
    const { authorizer, refreshTokenStore } = await setup();
    await authorizer.accept({
      authorizer_appid: "wxauth",
      authorizer_access_token: "granted-token",
      expires_in: 7200,
      authorizer_refresh_token: "granted-refresh",
    });
    expect(await authorizer.getToken()).toBe("granted-token");
    expect(await refreshTokenStore.get("wxauth")).toBe("granted-refresh");
    expect(wechat.requests).toHaveLength(0);
  });

  it("serves authorized account APIs with the authorizer token as access_token", async () => {
    const { authorizer } = await setup();
    await authorizer.accept({
      authorizer_appid: "wxauth",
      authorizer_access_token: "granted-token",
      expires_in: 7200,
      authorizer_refresh_token: "granted-refresh",
    });
    wechat.on("/cgi-bin/menu/get", { json: { menu: { button: [] } } });
    await createOfficialAccountApi(client().withToken(authorizer)).menu.get();
    expect(wechat.requestsTo("/cgi-bin/menu/get")[0]?.query.get("access_token")).toBe("granted-token");
  });
});

describe("ExternalTokenCredential", () => {
  it("reads {access_token, expires_in} with the configured headers, once for concurrent callers", async () => {
    wechat.on("/central/token", { json: { access_token: "ext-1", expires_in: 600 } });
    const store = new MemoryTokenStore();
    const credential = new ExternalTokenCredential({
      url: `${wechat.url}/central/token?appid=wx1&key=customer-key-123456`,
      headers: { authorization: "Bearer customer-bearer-abcdef" },
      store,
      now,
    });
    const tokens = await Promise.all(Array.from({ length: 20 }, () => credential.getToken()));
    expect(new Set(tokens)).toEqual(new Set(["ext-1"]));
    expect(wechat.requests).toHaveLength(1);
    expect(wechat.requests[0]?.headers.authorization).toBe("Bearer customer-bearer-abcdef");
    expect(wechat.requests[0]?.query.get("appid")).toBe("wx1");
    expect(await store.get(credential.key)).toEqual({ value: "ext-1", expiresAt: clock + 600_000 });
    expect(credential.source).toBe(`${wechat.url}/central/token`);
  });

  it("reads {access_token, expires_at} in epoch seconds and refreshes 30 s before it", async () => {
    const expiresAtSeconds = clock / 1000 + 3600;
    wechat.on("/central/token", (_request, index) => ({
      json: { access_token: `ext-${index + 1}`, expires_at: expiresAtSeconds + index * 3600 },
    }));
    const credential = new ExternalTokenCredential({ url: `${wechat.url}/central/token`, now });
    expect(await credential.getToken()).toBe("ext-1");
    clock = expiresAtSeconds * 1000 - 30_001;
    expect(await credential.getToken()).toBe("ext-1");
    clock = expiresAtSeconds * 1000 - 30_000;
    expect(await credential.getToken()).toBe("ext-2");
  });

  it("accepts a custom parse for plain-text answers", async () => {
    wechat.on("/central/token", { text: "plain-token-1", contentType: "text/plain" });
    const credential = new ExternalTokenCredential({
      url: `${wechat.url}/central/token`,
      parse: (body) => ({ value: String(body), expiresAt: clock + 60_000 }),
      now,
    });
    expect(await credential.getToken()).toBe("plain-token-1");
  });

  it("turns a WeChat-style error answer into WeChatApiError and a bad answer into bad_response", async () => {
    wechat.on("/central/token", (_request, index) =>
      index === 0 ? wechatError(40164, "invalid ip") : { text: "<html>oops</html>", status: 500 },
    );
    const credential = new ExternalTokenCredential({ url: `${wechat.url}/central/token`, now });
    const first = await failure(credential.getToken());
    expect(first).toBeInstanceOf(WeChatApiError);
    expect((first as WeChatApiError).errcode).toBe(40164);
    const second = await failure(credential.getToken());
    expect((second as WeChatTransportError).code).toBe("bad_response");
  });

  it("times out a token server that never answers, without its URL credentials in the error", async () => {
    wechat.on("/central/token", { hang: true });
    const credential = new ExternalTokenCredential({
      url: `http://user:password-123456@127.0.0.1:${new URL(wechat.url).port}/central/token?key=customer-key-123456`,
      timeoutMs: 50,
      now,
    });
    const error = (await failure(credential.getToken())) as WeChatTransportError;
    expect(error.code).toBe("timeout");
    expect(wechat.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from("user:password-123456").toString("base64")}`,
    );
    const text = [error.message, error.stack, JSON.stringify(error), String(error.cause)].join("\n");
    expect(text).not.toContain("customer-key-123456");
    expect(text).not.toContain("password-123456");
  });
});
