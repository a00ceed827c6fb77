import { describe, expect, it } from "vitest";
import { MAX_SUMMARY, redactBody } from "./redact.js";

describe("redactBody", () => {
  it("keeps the shape and plain values, and only the fact that a secret was given", () => {
    const body = {
      appId: "wx123",
      appSecret: "s3cr3t",
      encodingAESKey: "k".repeat(43),
      token: "tok",
      nested: { password: "pw", newPassword: "pw2", name: "ops", code: "123456" },
      list: [{ apiKey: "wxg_x" }, { key: "raw" }],
    };
    expect(JSON.parse(redactBody(body)!)).toEqual({
      appId: "wx123",
      appSecret: "[redacted]",
      encodingAESKey: "[redacted]",
      token: "[redacted]",
      nested: { password: "[redacted]", newPassword: "[redacted]", name: "ops", code: "[redacted]" },
      list: [{ apiKey: "[redacted]" }, { key: "[redacted]" }],
    });
  });

  it("cuts long strings, long lists, many keys and deep values, and bounds the whole", () => {
    const summary = JSON.parse(
      redactBody({
        text: "x".repeat(1000),
        items: Array.from({ length: 30 }, (_, i) => i),
        deep: { a: { b: { c: { d: { e: 1 } } } } },
      })!,
    );
    expect(summary.text).toBe(`${"x".repeat(200)}…`);
    expect(summary.items).toHaveLength(21);
    expect(summary.items[20]).toBe("[+10]");
    expect(summary.deep).toEqual({ a: { b: { c: "[…]" } } });
    const wide = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, "v".repeat(150)]));
    expect(redactBody(wide)!.length).toBeLessThanOrEqual(MAX_SUMMARY);
    expect(redactBody(undefined)).toBeNull();
  });
});
