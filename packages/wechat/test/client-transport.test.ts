import { request as httpRequest } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type RawAnswer,
  WeChatApiError,
  WeChatClient,
  type WeChatHttpRequest,
  type WeChatTransport,
  WeChatTransportError,
} from "../src/index.js";
import { type ScriptedWeChat, startScriptedWeChat, wechatError } from "./client-support.js";

/** A transport over node:http that remembers every request handed to it. */
function httpTransport(seen: WeChatHttpRequest[]): WeChatTransport {
  return (call) => {
    seen.push(call);
    return new Promise<RawAnswer>((resolve, reject) => {
      const outgoing = httpRequest(call.url, {
        method: call.method,
        headers: call.headers,
        signal: call.signal,
      });
      outgoing.on("response", (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
        incoming.on("error", reject);
        incoming.on("end", () =>
          resolve({
            status: incoming.statusCode ?? 0,
            contentType: incoming.headers["content-type"] ?? "",
            body: Buffer.concat(chunks),
          }),
        );
      });
      outgoing.on("error", reject);
      outgoing.end(call.body);
    });
  };
}

let wechat: ScriptedWeChat;
let seen: WeChatHttpRequest[];

function client(options: { timeoutMs?: number; api?: string } = {}): WeChatClient {
  const url = options.api ?? wechat.url;
  return new WeChatClient({
    endpoints: { api: url, mp: wechat.url, open: wechat.url },
    token: { getToken: async () => "token-abcdef", invalidate: async () => undefined },
    transport: httpTransport(seen),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
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
  seen = [];
});

afterEach(async () => {
  await wechat.close();
});

describe("a client with a transport of its own", () => {
  it("sends JSON calls through it: method, token in the query, JSON body and content type", async () => {
    wechat.on("/cgi-bin/user/info/batchget", { json: { user_info_list: [{ subscribe: 1, openid: "o1" }] } });
    const answer = await client().call<{ user_info_list: { openid: string }[] }>(
      "/cgi-bin/user/info/batchget",
      {
        body: { user_list: [{ openid: "o1", lang: "zh_CN" }] },
      },
    );
    expect(answer.user_info_list[0]?.openid).toBe("o1");
    expect(seen).toHaveLength(1);
    expect(seen[0]?.method).toBe("POST");
    expect(seen[0]?.headers["content-type"]).toContain("application/json");
    expect(seen[0]?.body).toBe('{"user_list":[{"openid":"o1","lang":"zh_CN"}]}');
    const [arrived] = wechat.requests;
    expect(arrived?.query.get("access_token")).toBe("token-abcdef");
    expect(arrived?.body).toEqual({ user_list: [{ openid: "o1", lang: "zh_CN" }] });
  });

  it("turns errcode answers that came through it into typed errors", async () => {
    wechat.on("/cgi-bin/menu/get", wechatError(46003, "menu no exist"));
    const error = await failure(client().call("/cgi-bin/menu/get"));
    expect(error).toBeInstanceOf(WeChatApiError);
    expect((error as WeChatApiError).errcode).toBe(46003);
    expect(seen[0]?.method).toBe("GET");
    expect(seen[0]?.body).toBeUndefined();
  });

  it("leaves binary answers and uploads to fetch", async () => {
    wechat.on("/cgi-bin/showqrcode", { bytes: Buffer.from([1, 2, 3]), contentType: "image/jpeg" });
    wechat.on("/cgi-bin/media/upload", { json: { type: "image", media_id: "m1", created_at: 1 } });
    const raw = await client().callRaw("/cgi-bin/showqrcode", { host: "mp", withToken: false });
    expect(raw.body.equals(Buffer.from([1, 2, 3]))).toBe(true);
    const upload = await client().call<{ media_id: string }>("/cgi-bin/media/upload", {
      query: { type: "image" },
      upload: { field: "media", filename: "a.jpg", contentType: "image/jpeg", data: new Uint8Array([9]) },
    });
    expect(upload.media_id).toBe("m1");
    expect(seen).toHaveLength(0);
    expect(wechat.requests).toHaveLength(2);
  });

  it("times out an answer that never comes by aborting the transport's request", async () => {
    wechat.on("/cgi-bin/menu/get", { hang: true });
    const error = await failure(client({ timeoutMs: 50 }).call("/cgi-bin/menu/get"));
    expect((error as WeChatTransportError).code).toBe("timeout");
    expect(seen[0]?.signal.aborted).toBe(true);
  });

  it("names the system's error of a transport that throws it as is", async () => {
    const closed = await startScriptedWeChat();
    await closed.close();
    const error = await failure(client({ api: closed.url }).call("/cgi-bin/menu/get"));
    expect(error).toBeInstanceOf(WeChatTransportError);
    expect((error as WeChatTransportError).code).toBe("network_error");
    expect((error as WeChatTransportError).message).toContain("ECONNREFUSED");
  });
});
