import { describe, expect, it } from "vitest";
import { WeChatApiError, WeChatTransportError } from "../errors/index.js";
import { parseTokenAnswer } from "./external-token.js";
import { tokenKeys } from "./keys.js";

const now = Date.UTC(2025, 0, 1);

describe("parseTokenAnswer", () => {
  it("reads expires_in as seconds from now", () => {
    expect(parseTokenAnswer({ access_token: "a", expires_in: 7200 }, now, "s")).toEqual({
      value: "a",
      expiresAt: now + 7_200_000,
    });
  });

  it("reads expires_at in epoch seconds, epoch ms, digits or an ISO date", () => {
    const at = now + 3_600_000;
    for (const expires_at of [at / 1000, at, String(at / 1000), new Date(at).toISOString()]) {
      expect(parseTokenAnswer({ access_token: "a", expires_at }, now, "s")).toEqual({
        value: "a",
        expiresAt: at,
      });
    }
  });

  it("rejects answers without a token or an expiry", () => {
    for (const body of [{ expires_in: 1 }, { access_token: "a" }, "text", [1], null]) {
      expect(() => parseTokenAnswer(body, now, "s")).toThrow(WeChatTransportError);
    }
  });

  it("turns a WeChat error body into WeChatApiError", () => {
    expect(() => parseTokenAnswer({ errcode: 40001, errmsg: "invalid credential" }, now, "s")).toThrow(
      WeChatApiError,
    );
  });
});

describe("tokenKeys", () => {
  it("names each token", () => {
    expect(tokenKeys.accessToken("wx1")).toBe("access_token:wx1");
    expect(tokenKeys.componentAccessToken("wxc")).toBe("component_access_token:wxc");
    expect(tokenKeys.authorizerAccessToken("wxc", "wxa")).toBe("authorizer_access_token:wxc:wxa");
    expect(tokenKeys.externalToken("https://t.example/token")).toBe("external_token:https://t.example/token");
  });
});
