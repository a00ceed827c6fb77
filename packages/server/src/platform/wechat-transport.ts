import type { RawAnswer, WeChatTransport } from "@wxgate/wechat";
import { Agent, type Dispatcher, request } from "undici";

/**
 * WeChat's JSON calls over undici's request API on a pool of kept-alive connections. A follower
 * sync makes ten thousand calls a million followers; fetch's request and response streams cost
 * several times the garbage per call, enough to grow the heap. Redirects are not followed:
 * WeChat's APIs answer in place.
 */
export function wechatTransport(dispatcher: Dispatcher = new Agent()): WeChatTransport {
  return async (call): Promise<RawAnswer> => {
    const answer = await request(call.url, {
      method: call.method === "POST" ? "POST" : "GET",
      headers: call.headers,
      ...(call.body === undefined ? {} : { body: call.body }),
      signal: call.signal,
      dispatcher,
    });
    const body = Buffer.from(await answer.body.arrayBuffer());
    const type = answer.headers["content-type"];
    return {
      status: answer.statusCode,
      contentType: Array.isArray(type) ? type.join(", ") : (type ?? ""),
      body,
    };
  };
}
