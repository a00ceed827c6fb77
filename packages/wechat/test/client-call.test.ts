import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type ApiCallRecord,
  type TokenProvider,
  WeChatApiError,
  WeChatClient,
  type WeChatClientOptions,
  WeChatConfigError,
  WeChatQuotaError,
  WeChatTransportError,
} from "../src/index.js";
import { type ScriptedWeChat, startScriptedWeChat, wechatError } from "./client-support.js";

/** A provider that hands out token-1, token-2, … and remembers what it was told. */
class CountingTokens implements TokenProvider {
  issued = 0;
  current: string | undefined;
  invalidated: (string | undefined)[] = [];
  async getToken(): Promise<string> {
    if (!this.current) {
      this.issued++;
      this.current = `token-${this.issued}-abcdef`;
    }
    return this.current;
  }
  async invalidate(stale?: string): Promise<void> {
    this.invalidated.push(stale);
    if (stale === undefined || stale === this.current) this.current = undefined;
  }
}

let wechat: ScriptedWeChat;
let tokens: CountingTokens;
let records: ApiCallRecord[];
let sleeps: number[];

function client(options: WeChatClientOptions = {}): WeChatClient {
  return new WeChatClient({
    endpoints: { api: wechat.url, mp: wechat.url, open: wechat.url },
    token: tokens,
    onCall: (record) => records.push(record),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options,
  });
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

beforeEach(async () => {
  wechat = await startScriptedWeChat();
  tokens = new CountingTokens();
  records = [];
  sleeps = [];
});

afterEach(async () => {
  await wechat.close();
});

describe("WeChatClient.call", () => {
  it("adds the token as access_token and returns the JSON answer", async () => {
    wechat.on("/cgi-bin/user/get", { json: { total: 1, count: 1, next_openid: "" } });
    const answer = await client().call<{ total: number }>("/cgi-bin/user/get", {
      query: { next_openid: "o1" },
    });
    expect(answer.total).toBe(1);
    const [seen] = wechat.requests;
    expect(seen?.method).toBe("GET");
    expect(seen?.query.get("next_openid")).toBe("o1");
    expect(seen?.query.get("access_token")).toBe("token-1-abcdef");
  });

  it("posts a JSON body with non-ASCII text kept as is", async () => {
    wechat.on("/cgi-bin/menu/create", { json: { errcode: 0, errmsg: "ok" } });
    await client().call("/cgi-bin/menu/create", { body: { button: [{ name: "菜单" }] } });
    const [seen] = wechat.requests;
    expect(seen?.method).toBe("POST");
    expect(seen?.headers["content-type"]).toContain("application/json");
    expect(seen?.rawBody).toBe('{"button":[{"name":"菜单"}]}');
  });

  it("leaves the token out when withToken is false, and skips undefined query values", async () => {
    wechat.on("/cgi-bin/token", { json: { access_token: "x", expires_in: 7200 } });
    await client().call("/cgi-bin/token", { query: { appid: "wx1", lang: undefined }, withToken: false });
    const [seen] = wechat.requests;
    expect([...(seen?.query.keys() ?? [])]).toEqual(["appid"]);
    expect(tokens.issued).toBe(0);
  });

  it("refuses a call that needs a token when the client has none", async () => {
    const error = await failure(client({ token: undefined }).call("/cgi-bin/menu/get"));
    expect(error).toBeInstanceOf(WeChatConfigError);
    expect(wechat.requests).toHaveLength(0);
  });

  it("keeps the path prefix of an endpoint (emulator under /sandbox)", async () => {
    wechat.on("/sandbox/cgi-bin/menu/get", { json: { menu: { button: [] } } });
    await client({ endpoints: { api: `${wechat.url}/sandbox/` } }).call("/cgi-bin/menu/get");
    expect(wechat.requests[0]?.path).toBe("/sandbox/cgi-bin/menu/get");
  });

  it("attaches another account's token with withToken, under the given query name", async () => {
    wechat.on("/cgi-bin/component/api_create_preauthcode", { json: { pre_auth_code: "p", expires_in: 600 } });
    const component = client().withToken(
      { getToken: async () => "component-token-1", invalidate: async () => {} },
      "component_access_token",
    );
    await component.call("/cgi-bin/component/api_create_preauthcode", { body: { component_appid: "wxc" } });
    const [seen] = wechat.requests;
    expect(seen?.query.get("component_access_token")).toBe("component-token-1");
    expect(seen?.query.has("access_token")).toBe(false);
    expect(component.endpoints).toEqual(client().endpoints);
  });
});

describe("WeChat errors", () => {
  it("turns errcode ≠ 0 into WeChatApiError with the rid parsed from errmsg", async () => {
    wechat.on(
      "/cgi-bin/menu/create",
      wechatError(40018, "invalid button name size", "61f0e3a2-11223344-5566"),
    );
    const error = await failure(client().call("/cgi-bin/menu/create", { body: { button: [] } }));
    expect(error).toBeInstanceOf(WeChatApiError);
    expect(error).not.toBeInstanceOf(WeChatQuotaError);
    const api = error as WeChatApiError;
    expect(api.errcode).toBe(40018);
    expect(api.errmsg).toBe("invalid button name size rid: 61f0e3a2-11223344-5566");
    expect(api.rid).toBe("61f0e3a2-11223344-5566");
    expect(api.api).toBe("/cgi-bin/menu/create");
    expect(api.code).toBe("wechat_api_error");
    expect(wechat.requests).toHaveLength(1);
  });

  it("treats {errcode: 0, errmsg: ok} as success", async () => {
    wechat.on("/cgi-bin/menu/delete", { json: { errcode: 0, errmsg: "ok" } });
    await expect(client().call("/cgi-bin/menu/delete")).resolves.toEqual({ errcode: 0, errmsg: "ok" });
  });

  it.each([40001, 40014, 42001])(
    "on %i invalidates the stale token and retries exactly once",
    async (errcode) => {
      wechat.on("/cgi-bin/menu/get", (request) =>
        request.query.get("access_token") === "token-1-abcdef"
          ? wechatError(errcode, "access_token is invalid or not latest")
          : { json: { menu: { button: [] } } },
      );
      await client().call("/cgi-bin/menu/get");
      expect(tokens.invalidated).toEqual(["token-1-abcdef"]);
      expect(wechat.requests.map((r) => r.query.get("access_token"))).toEqual([
        "token-1-abcdef",
        "token-2-abcdef",
      ]);
    },
  );

  it.each([40001, 40014, 42001])("on %i twice in a row gives up after the one retry", async (errcode) => {
    wechat.on("/cgi-bin/menu/get", wechatError(errcode, "invalid credential"));
    const error = await failure(client().call("/cgi-bin/menu/get"));
    expect((error as WeChatApiError).errcode).toBe(errcode);
    expect(wechat.requests).toHaveLength(2);
    expect(tokens.invalidated).toHaveLength(1);
  });

  it("does not retry a token rejection on a call made without token", async () => {
    wechat.on("/cgi-bin/token", wechatError(40001, "invalid credential"));
    await failure(client().call("/cgi-bin/token", { withToken: false }));
    expect(wechat.requests).toHaveLength(1);
    expect(tokens.invalidated).toHaveLength(0);
  });

  it("retries -1 with exponential backoff, bounded by systemErrorRetries", async () => {
    wechat.on("/cgi-bin/tags/get", wechatError(-1, "system error"));
    const error = await failure(client().call("/cgi-bin/tags/get"));
    expect((error as WeChatApiError).errcode).toBe(-1);
    expect(wechat.requests).toHaveLength(3);
    expect(sleeps).toEqual([200, 400]);
  });

  it("succeeds when -1 clears up within the retries, with the configured backoff", async () => {
    wechat.on("/cgi-bin/tags/get", (_request, index) =>
      index < 3 ? wechatError(-1, "system error") : { json: { tags: [] } },
    );
    const answer = await client({ retry: { systemErrorRetries: 4, backoffMs: 50 } }).call(
      "/cgi-bin/tags/get",
    );
    expect(answer).toEqual({ tags: [] });
    expect(wechat.requests).toHaveLength(4);
    expect(sleeps).toEqual([50, 100, 200]);
  });

  it("lets one call turn off -1 retries", async () => {
    wechat.on("/cgi-bin/message/mass/sendall", wechatError(-1, "system error"));
    await failure(client().call("/cgi-bin/message/mass/sendall", { body: {}, systemErrorRetries: 0 }));
    expect(wechat.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it.each([45009, 45011])(
    "on %i throws WeChatQuotaError after one request, never retried",
    async (errcode) => {
      wechat.on("/cgi-bin/message/custom/send", wechatError(errcode, "reach max api daily quota limit"));
      const error = await failure(client().call("/cgi-bin/message/custom/send", { body: { touser: "o" } }));
      expect(error).toBeInstanceOf(WeChatQuotaError);
      expect(error).toBeInstanceOf(WeChatApiError);
      expect((error as WeChatQuotaError).code).toBe("wechat_quota_exceeded");
      expect((error as WeChatQuotaError).errcode).toBe(errcode);
      expect((error as WeChatQuotaError).rid).toBe("6523a3f1-2c3a9e0b-1f5e7a55");
      expect(wechat.requests).toHaveLength(1);
      expect(sleeps).toEqual([]);
    },
  );
});

describe("transport failures", () => {
  it("times out a server that never answers", async () => {
    wechat.on("/cgi-bin/menu/get", { hang: true });
    const error = await failure(client({ timeoutMs: 50 }).call("/cgi-bin/menu/get"));
    expect(error).toBeInstanceOf(WeChatTransportError);
    expect((error as WeChatTransportError).code).toBe("timeout");
    expect((error as WeChatTransportError).api).toBe("/cgi-bin/menu/get");
    expect(wechat.requests).toHaveLength(1);
  });

  it("times out a body that never ends", async () => {
    wechat.on("/cgi-bin/menu/get", { hangBody: true });
    const error = await failure(client({ timeoutMs: 50 }).call("/cgi-bin/menu/get"));
    expect((error as WeChatTransportError).code).toBe("timeout");
  });

  it("reports a refused connection as network_error", async () => {
    const closed = await startScriptedWeChat();
    await closed.close();
    const error = await failure(client({ endpoints: { api: closed.url } }).call("/cgi-bin/menu/get"));
    expect(error).toBeInstanceOf(WeChatTransportError);
    expect((error as WeChatTransportError).code).toBe("network_error");
  });

  it("reports a non-JSON answer as bad_response", async () => {
    wechat.on("/cgi-bin/menu/get", { text: "<html>502 Bad Gateway</html>", status: 502 });
    const error = await failure(client().call("/cgi-bin/menu/get"));
    expect(error).toBeInstanceOf(WeChatTransportError);
    expect((error as WeChatTransportError).code).toBe("bad_response");
  });

  it("reports JSON that is not an object as bad_response", async () => {
    wechat.on("/cgi-bin/menu/get", { json: [1, 2] });
    const error = await failure(client().call("/cgi-bin/menu/get"));
    expect((error as WeChatTransportError).code).toBe("bad_response");
  });
});

describe("callRaw", () => {
  it("returns binary answers as they came, from the mp host without token", async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]);
    wechat.on("/cgi-bin/showqrcode", { bytes: png, contentType: "image/jpeg" });
    const answer = await client().callRaw("/cgi-bin/showqrcode", {
      host: "mp",
      query: { ticket: "gQH/8Dw=" },
      withToken: false,
    });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe("image/jpeg");
    expect(answer.body.equals(png)).toBe(true);
    expect(wechat.requests[0]?.query.get("ticket")).toBe("gQH/8Dw=");
  });

  it("still turns a JSON error answer into WeChatApiError", async () => {
    wechat.on("/cgi-bin/media/get", wechatError(40007, "invalid media_id"));
    const error = await failure(client().callRaw("/cgi-bin/media/get", { query: { media_id: "m" } }));
    expect((error as WeChatApiError).errcode).toBe(40007);
  });
});

describe("onCall records", () => {
  it("receives every attempt with errcode, rid, attempt number and outcome", async () => {
    wechat.on("/cgi-bin/menu/get", (_request, index) =>
      index === 0
        ? wechatError(-1, "system error", "rid-busy-1")
        : index === 1
          ? wechatError(40001, "invalid credential", "rid-token-2")
          : { json: { menu: { button: [] } } },
    );
    const started = performance.now();
    await client().call("/cgi-bin/menu/get?unused=1");
    const elapsed = performance.now() - started;
    expect(records.map(({ latencyMs: _latency, ...rest }) => rest)).toEqual([
      {
        api: "/cgi-bin/menu/get",
        method: "GET",
        errcode: -1,
        errmsg: "system error rid: rid-busy-1",
        rid: "rid-busy-1",
        attempt: 1,
        ok: false,
        error: "wechat_api_error",
        status: 200,
      },
      {
        api: "/cgi-bin/menu/get",
        method: "GET",
        errcode: 40001,
        errmsg: "invalid credential rid: rid-token-2",
        rid: "rid-token-2",
        attempt: 2,
        ok: false,
        error: "wechat_api_error",
        status: 200,
      },
      { api: "/cgi-bin/menu/get", method: "GET", errcode: 0, attempt: 3, ok: true, status: 200 },
    ]);
    // Each attempt's latency is the real time of its own round trip: more than nothing, and
    // together no more than the whole call took.
    for (const record of records) expect(record.latencyMs).toBeGreaterThan(0);
    expect(records.reduce((sum, record) => sum + record.latencyMs, 0)).toBeLessThanOrEqual(elapsed);
    expect(wechat.requests[0]?.query.get("unused")).toBe("1");
  });

  it("records transport failures with their code", async () => {
    wechat.on("/cgi-bin/menu/get", { text: "not json" });
    await failure(client().call("/cgi-bin/menu/get"));
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ ok: false, error: "bad_response", errcode: 0, attempt: 1 });
  });

  it("survives a throwing onCall", async () => {
    wechat.on("/cgi-bin/menu/get", { json: { menu: { button: [] } } });
    const noisy = client({
      onCall: () => {
        throw new Error("logger down");
      },
    });
    await expect(noisy.call("/cgi-bin/menu/get")).resolves.toEqual({ menu: { button: [] } });
  });
});

describe("secrets", () => {
  const secret = "S3cr3t-AppSecret-0123456789abcdef";

  it("keeps the secret and the token out of errors and records, even when WeChat echoes them", async () => {
    wechat.on("/cgi-bin/token", wechatError(40125, `invalid appsecret ${secret}`));
    wechat.on("/cgi-bin/menu/get", (request) =>
      wechatError(40014, `invalid access_token ${request.query.get("access_token")}`),
    );
    const tokenError = await failure(
      client().call("/cgi-bin/token", {
        query: { grant_type: "client_credential", appid: "wx1", secret },
        withToken: false,
      }),
    );
    const menuError = await failure(client().call("/cgi-bin/menu/get"));
    const seen = [tokenError, menuError].map((error) => {
      const e = error as WeChatApiError;
      return JSON.stringify({ message: e.message, errmsg: e.errmsg, stack: e.stack, e });
    });
    const all = seen.join("\n") + JSON.stringify(records);
    expect(wechat.requests[0]?.query.get("secret")).toBe(secret);
    expect(all).not.toContain(secret);
    expect(all).not.toContain("token-1-abcdef");
    expect(all).not.toContain("token-2-abcdef");
    expect(all).toContain("invalid appsecret ***");
  });

  it("redacts secrets passed inline in the api path too", async () => {
    wechat.on("/cgi-bin/token", wechatError(40125, `invalid appsecret ${secret}`));
    const error = (await failure(
      client().call(`/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=${secret}`, {
        withToken: false,
      }),
    )) as WeChatApiError;
    expect(error.api).toBe("/cgi-bin/token");
    expect(`${error.message} ${error.errmsg} ${JSON.stringify(records)}`).not.toContain(secret);
  });

  it("keeps the token out of transport errors and their causes", async () => {
    const closed = await startScriptedWeChat();
    await closed.close();
    const error = (await failure(
      client({ endpoints: { api: closed.url } }).call("/cgi-bin/menu/get"),
    )) as WeChatTransportError;
    let text = "";
    for (let e: unknown = error; e instanceof Error; e = e.cause) text += `${e.message}\n${e.stack}\n`;
    expect(text).not.toContain("token-1-abcdef");
    expect(text).not.toContain("access_token=");
  });
});
