import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, maskUrl } from "./logger.js";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, destination };
}

describe("createLogger", () => {
  it("never writes a secret, wherever it sits in the record", () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: "trace", destination });
    const secrets = {
      appSecret: "APPSECRET-aaaaaaaaaaaaaaaa",
      token: "TOKEN-bbbbbbbbbbbbbbbb",
      accessToken: "ACCESS-cccccccccccccccc",
      refreshToken: "REFRESH-dddddddddddddddd",
      encodingAESKey: "AESKEY-eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
      password: "PASSWORD-ffffffffffffffff",
      bearer: "Bearer wxg_SECRETKEYgggggggggggggggg",
      cookie: "wxgate_session=SESSIONhhhhhhhhhhhhhhhh",
      queryToken: "QUERYTOKENiiiiiiiiiiiiii",
    };
    logger.info({ appSecret: secrets.appSecret, password: secrets.password }, "top level");
    logger.info({ account: { appSecret: secrets.appSecret, token: secrets.token } }, "nested");
    logger.info(
      { result: { credentials: { accessToken: secrets.accessToken, refreshToken: secrets.refreshToken } } },
      "deeper",
    );
    logger.warn({ config: { component: { encodingAESKey: secrets.encodingAESKey } } }, "config");
    logger.info(
      {
        req: {
          method: "GET",
          url: `/cgi-bin/menu/get?access_token=${secrets.queryToken}&x=1`,
          headers: { authorization: secrets.bearer, cookie: secrets.cookie },
        },
      },
      "request",
    );
    logger.info({ headers: { authorization: secrets.bearer, cookie: secrets.cookie } }, "headers");
    const output = lines.join("");
    expect(lines.length).toBe(6);
    for (const secret of Object.values(secrets)) expect(output).not.toContain(secret);
    expect(output).toContain("[redacted]");
    expect(output).toContain("x=1");
  });
  it("censors secrets in errors, arrays, child bindings and objects written through toJSON", () => {
    const { lines, destination } = capture();
    const logger = createLogger({ level: "trace", destination });
    const failure = Object.assign(new Error("refresh failed"), { refreshToken: "REFRESH-errprop111111" });
    logger.error({ err: failure }, "with an error");
    logger.error(Object.assign(new Error("bare"), { secret: "SECRET-bareerror22222" }));
    logger.info({ accounts: [{ appId: "wx1", token: "TOKEN-inarray333333" }] }, "array");
    logger.child({ session: { sessionToken: "SESSION-binding444444" } }).info("child");
    const wrapped = { toJSON: () => ({ password: "PASSWORD-tojson555555", kept: "visible-6" }) };
    logger.info({ wrapped }, "toJSON");
    const loop: Record<string, unknown> = { name: "loop" };
    loop.self = loop;
    logger.info({ loop }, "a cycle ends");
    const output = lines.join("");
    expect(lines.length).toBe(6);
    for (const secret of [
      "REFRESH-errprop",
      "SECRET-bareerror",
      "TOKEN-inarray",
      "SESSION-binding",
      "PASSWORD-tojson",
    ])
      expect(output).not.toContain(secret);
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    // The error keeps what makes it useful: its type, message and stack.
    expect(records[0]?.err).toMatchObject({
      type: "Error",
      message: "refresh failed",
      refreshToken: "[redacted]",
    });
    expect(String((records[0]?.err as { stack?: string } | undefined)?.stack)).toContain("refresh failed");
    expect(records[1]).toMatchObject({ msg: "bare", err: { secret: "[redacted]" } });
    expect(records[2]?.accounts).toEqual([{ appId: "wx1", token: "[redacted]" }]);
    expect(records[4]?.wrapped).toEqual({ password: "[redacted]", kept: "visible-6" });
    expect(output).toContain("[too deep]");
  });
});

describe("maskUrl", () => {
  it("masks credential parameters and keeps the rest", () => {
    expect(maskUrl("/cgi-bin/token?grant_type=client_credential&secret=abc&appid=wx1")).toBe(
      "/cgi-bin/token?grant_type=client_credential&secret=[redacted]&appid=wx1",
    );
    expect(maskUrl("/x?component_access_token=t1&access_token=t2")).toBe(
      "/x?component_access_token=[redacted]&access_token=[redacted]",
    );
  });

  it("masks a push's signatures and nonce, which could sign another body", () => {
    expect(
      maskUrl(
        "/wechat/component?signature=s1&timestamp=1700000000&nonce=42&encrypt_type=aes&msg_signature=m1",
      ),
    ).toBe(
      "/wechat/component?signature=[redacted]&timestamp=1700000000&nonce=[redacted]&encrypt_type=aes&msg_signature=[redacted]",
    );
  });
});
