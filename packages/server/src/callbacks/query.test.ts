import { describe, expect, it } from "vitest";
import { parseQuery } from "./gateway.js";
import { unsignedQuery } from "./routes.js";

describe("parseQuery", () => {
  const cases = [
    "signature=abc&timestamp=1700000000&nonce=123&encrypt_type=aes&msg_signature=def&openid=oX",
    "timestamp=1&nonce=2&signature=3&extra=4&echostr=hello",
    "signature=&nonce",
    "openid=o%2BX&nonce=a+b&timestamp=1",
    "",
    "&&nonce=1&",
  ];
  it.each(cases)("reads %j as URLSearchParams does", (raw) => {
    const params = new URLSearchParams(raw);
    const expected = Object.fromEntries(
      ["signature", "timestamp", "nonce", "echostr", "encrypt_type", "msg_signature", "openid"]
        .filter((name) => params.has(name))
        .map((name) => [name, params.get(name)]),
    );
    expect(parseQuery(raw)).toEqual(expected);
  });

  it.each(["nonce=1&nonce=2", "nonce=1&nonce=2%33", "signature=a&x=1&signature=a"])(
    "refuses a repeated protocol parameter in %j",
    (raw) => {
      expect(() => parseQuery(raw)).toThrow(expect.objectContaining({ code: "bad_query" }));
    },
  );
});

describe("unsignedQuery", () => {
  it("takes out signature, msg_signature and nonce in any spelling, and keeps the rest in order", () => {
    expect(
      unsignedQuery("signature=a&timestamp=1700000000&nonce=42&openid=oX&encrypt_type=aes&msg_signature=b"),
    ).toBe("timestamp=1700000000&openid=oX&encrypt_type=aes");
    expect(unsignedQuery("SIGNATURE=a&%6Eonce=1&x=%zz&&timestamp=1")).toBe("x=%zz&timestamp=1");
    expect(unsignedQuery("")).toBe("");
  });
});
