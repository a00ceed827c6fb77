import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { msgSignature, sha1Signature, signaturesEqual, timestampFresh, urlSignature } from "./signature.js";

const sha1 = (text: string) => createHash("sha1").update(text, "utf8").digest("hex");

describe("signatures", () => {
  it("sorts the parts by code unit before hashing", () => {
    expect(sha1Signature("b", "a", "C", "10", "9")).toBe(sha1("109Cab"));
    expect(urlSignature("token", "1410685589", "nonce")).toBe(sha1("1410685589noncetoken"));
  });

  it("does not depend on argument order", () => {
    expect(sha1Signature("x", "y", "z")).toBe(sha1Signature("z", "x", "y"));
    expect(msgSignature("t", "1", "n", "E")).toBe(sha1Signature("E", "n", "1", "t"));
  });

  it("signs the ciphertext into msg_signature", () => {
    const plain = urlSignature("tok", "1458300676", "260774613");
    const withBody = msgSignature("tok", "1458300676", "260774613", "QUJD");
    expect(withBody).not.toBe(plain);
    expect(withBody).toBe(sha1(["tok", "1458300676", "260774613", "QUJD"].sort().join("")));
  });

  it("hashes non-ASCII parts as UTF-8", () => {
    expect(sha1Signature("中文", "a")).toBe(sha1("a中文"));
  });

  it("does not mutate the caller's array", () => {
    const parts = ["c", "b", "a"];
    sha1Signature(...parts);
    expect(parts).toEqual(["c", "b", "a"]);
  });

  it("yields 40 lowercase hex characters", () => {
    expect(sha1Signature()).toMatch(/^[0-9a-f]{40}$/);
    expect(urlSignature("", "", "")).toBe(sha1(""));
  });
});

describe("signaturesEqual", () => {
  const expected = urlSignature("test", "1410685589", "test"); // f21891de399b4e33a1a93c9a7b8a8fffb5a443ff

  it("accepts the same digest", () => {
    expect(signaturesEqual(expected, expected)).toBe(true);
  });

  it("ignores the case of hex digits", () => {
    expect(signaturesEqual(expected, expected.toUpperCase())).toBe(true);
    expect(signaturesEqual(expected.toUpperCase(), expected)).toBe(true);
  });

  it("rejects a digest differing in one character, at either end", () => {
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === "0" ? "1" : "0") + s.slice(i + 1);
    expect(signaturesEqual(expected, flip(expected, 0))).toBe(false);
    expect(signaturesEqual(expected, flip(expected, 20))).toBe(false);
    expect(signaturesEqual(expected, flip(expected, 39))).toBe(false);
  });

  it.each([
    ["empty", ""],
    ["39 characters", expected.slice(0, 39)],
    ["41 characters", `${expected}0`],
    ["doubled", expected + expected],
    ["trailing space", `${expected} `],
  ])("rejects a signature of the wrong length (%s)", (_name, given) => {
    expect(signaturesEqual(expected, given)).toBe(false);
  });

  it("rejects a missing signature", () => {
    expect(signaturesEqual(expected, undefined)).toBe(false);
    expect(signaturesEqual(expected, null)).toBe(false);
  });

  it("rejects values that are not strings without throwing", () => {
    for (const given of [40, {}, [expected], { length: 40 }, Buffer.from(expected)]) {
      expect(signaturesEqual(expected, given as unknown as string)).toBe(false);
    }
  });

  it("does not let a non-ASCII character stand for a hex digit", () => {
    // U+0161 encodes to 0x61 ('a') in latin1; U+212A (Kelvin sign) lowercases to 'k'.
    const lookalike = expected.replace(/a/g, "\u0161");
    expect(lookalike).not.toBe(expected);
    expect(lookalike.length).toBe(expected.length);
    expect(signaturesEqual(expected, lookalike)).toBe(false);
    expect(signaturesEqual("k".repeat(40), "\u212a".repeat(40))).toBe(false);
    expect(signaturesEqual(expected, expected.replace(/f/g, "\uff46"))).toBe(false);
  });

  it("compares the whole string, not a prefix", () => {
    expect(signaturesEqual(expected, `${expected.slice(0, 39)}\u0000`)).toBe(false);
  });
});

describe("timestampFresh", () => {
  const now = 1_700_000_000_000;
  const seconds = now / 1000;

  it("accepts the current second", () => {
    expect(timestampFresh(String(seconds), now)).toBe(true);
  });

  it("accepts exactly the window's bounds, past and future", () => {
    expect(timestampFresh(String(seconds - 300), now)).toBe(true);
    expect(timestampFresh(String(seconds + 300), now)).toBe(true);
  });

  it("rejects one second beyond the window either way", () => {
    expect(timestampFresh(String(seconds - 301), now)).toBe(false);
    expect(timestampFresh(String(seconds + 301), now)).toBe(false);
  });

  it("measures against milliseconds precisely", () => {
    // now = …000.999 s: a timestamp 300 s older is 300.999 s away.
    expect(timestampFresh(String(seconds - 300), now + 999)).toBe(false);
    expect(timestampFresh(String(seconds + 300), now + 999)).toBe(true);
  });

  it("honours a custom window", () => {
    expect(timestampFresh(String(seconds - 10), now, 10)).toBe(true);
    expect(timestampFresh(String(seconds - 11), now, 10)).toBe(false);
    expect(timestampFresh(String(seconds), now, 0)).toBe(true);
    expect(timestampFresh(String(seconds - 1), now, 0)).toBe(false);
  });

  it.each([
    ["empty", ""],
    ["negative", `-${seconds}`],
    ["signed", `+${seconds}`],
    ["decimal", `${seconds}.5`],
    ["exponent", "1.7e9"],
    ["hex", "0x6553f100"],
    ["leading space", ` ${seconds}`],
    ["trailing newline", `${seconds}\n`],
    ["13 digits (milliseconds)", String(now)],
    ["letters", "abc"],
    ["full-width digits", "１７００００００００"],
  ])("rejects a malformed timestamp (%s)", (_name, timestamp) => {
    expect(timestampFresh(timestamp, now)).toBe(false);
  });

  it("accepts leading zeros as the same number", () => {
    expect(timestampFresh(`00${seconds}`, now)).toBe(true);
  });

  it("rejects the epoch against a current clock", () => {
    expect(timestampFresh("0", now)).toBe(false);
    expect(timestampFresh("0", 0)).toBe(true);
  });
});
