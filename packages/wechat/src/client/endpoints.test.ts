import { describe, expect, it } from "vitest";
import { defaultEndpoints, joinEndpoint, resolveEndpoints } from "./endpoints.js";
import { parseRid } from "./errcodes.js";
import { collectSecrets, redact, safeCause } from "./redact.js";

describe("endpoints", () => {
  it("defaults to WeChat's hosts", () => {
    expect(resolveEndpoints()).toEqual({
      api: "https://api.weixin.qq.com",
      mp: "https://mp.weixin.qq.com",
      open: "https://open.weixin.qq.com",
    });
    expect(resolveEndpoints({})).toEqual(defaultEndpoints);
  });

  it("fills missing hosts and trims trailing slashes, keeping prefixes", () => {
    expect(resolveEndpoints({ api: "http://127.0.0.1:8080/sandbox/" })).toEqual({
      api: "http://127.0.0.1:8080/sandbox",
      mp: "https://mp.weixin.qq.com",
      open: "https://open.weixin.qq.com",
    });
  });

  it("joins a path under the prefix", () => {
    expect(joinEndpoint("http://h/sandbox", "/cgi-bin/token")).toBe("http://h/sandbox/cgi-bin/token");
    expect(joinEndpoint("http://h/sandbox/", "cgi-bin/token")).toBe("http://h/sandbox/cgi-bin/token");
    expect(joinEndpoint("https://api.weixin.qq.com", "/cgi-bin/token")).toBe(
      "https://api.weixin.qq.com/cgi-bin/token",
    );
  });
});

describe("parseRid", () => {
  it("reads rid from errmsg", () => {
    expect(
      parseRid("invalid credential, access_token is invalid or not latest rid: 6523a3f1-2c3a9e0b-1f5e7a55"),
    ).toBe("6523a3f1-2c3a9e0b-1f5e7a55");
  });

  it("reads the older req_id hint", () => {
    expect(parseRid("invalid appid hints: [ req_id: Kj3fAa0ce-8yS ]")).toBe("Kj3fAa0ce-8yS");
  });

  it("is undefined without one", () => {
    expect(parseRid("ok")).toBeUndefined();
    expect(parseRid("")).toBeUndefined();
  });
});

describe("redaction", () => {
  it("collects the token and secret-named fields only", () => {
    expect(
      collectSecrets(
        "tok-123456",
        { appid: "wx1", secret: "sec-123456" },
        {
          component_appsecret: "csec-1234",
          component_verify_ticket: "ticket-1234",
          authorizer_refresh_token: "refresh-1234",
          component_appid: "wxc",
          nested: { secret: "not-top-level" },
        },
      ),
    ).toEqual(["tok-123456", "sec-123456", "csec-1234", "ticket-1234", "refresh-1234"]);
  });

  it("replaces every occurrence", () => {
    expect(redact("bad sec-123456 and sec-123456", ["sec-123456"])).toBe("bad *** and ***");
  });

  it("drops a cause that mentions a secret anywhere in its chain", () => {
    const inner = new Error("Failed to parse URL from http://h/x?access_token=tok-123456");
    const outer = new TypeError("fetch failed", { cause: inner });
    expect(safeCause(outer, ["tok-123456"])).toBeUndefined();
    const harmless = new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED") });
    expect(safeCause(harmless, ["tok-123456"])).toBe(harmless);
  });
});
