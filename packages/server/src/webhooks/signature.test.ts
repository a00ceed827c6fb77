import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signWebhookBody, verifyWebhookSignature } from "./signature.js";

describe("webhook signatures", () => {
  const secret = "whsec_test";
  const body = '{"id":"e1","content":"你好"}';

  it("is HMAC-SHA256 over `<t>.<body>`, as a receiver computes it independently", () => {
    const expected = createHmac("sha256", secret).update(`1700000000.${body}`, "utf8").digest("hex");
    expect(signWebhookBody(secret, 1_700_000_000, body)).toBe(`t=1700000000,v1=${expected}`);
  });

  it("verifies, and refuses a changed body, another secret, an old time and junk headers", () => {
    const header = signWebhookBody(secret, 1_700_000_000, body);
    expect(verifyWebhookSignature(secret, header, body, { nowSeconds: 1_700_000_100 })).toBe(true);
    expect(verifyWebhookSignature(secret, header, `${body} `, { nowSeconds: 1_700_000_100 })).toBe(false);
    expect(verifyWebhookSignature("whsec_other", header, body, { nowSeconds: 1_700_000_100 })).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, { nowSeconds: 1_700_000_301 })).toBe(false);
    for (const junk of [undefined, "", "t=,v1=", "v1=abc", "t=1700000000", "garbage"]) {
      expect(verifyWebhookSignature(secret, junk, body, { nowSeconds: 1_700_000_000 })).toBe(false);
    }
  });
});
