import { WeChatApiError, WeChatQuotaError, WeChatTransportError } from "@wxgate/wechat";
import { describe, expect, it } from "vitest";
import { MAX_ATTEMPTS, outcomeOfError } from "./outcomes.js";

const api = (errcode: number) =>
  new WeChatApiError({
    errcode,
    errmsg: `e ${errcode} rid: 6123-abc`,
    api: "/cgi-bin/message/template/send",
    rid: "6123-abc",
  });
const at = { attempt: 1, now: 1_000_000, receiptWaitMs: 600_000 };

describe("how a send's error is sorted", () => {
  it("skips a recipient WeChat will not take, with the reason, and never retries", () => {
    expect(outcomeOfError(api(43004), { ...at, channel: "template" })).toEqual({
      kind: "skipped",
      reason: "not_following",
      errcode: 43004,
    });
    expect(outcomeOfError(api(43101), { ...at, channel: "subscribe" })).toMatchObject({
      kind: "skipped",
      reason: "no_consent",
    });
    expect(outcomeOfError(api(45015), { ...at, channel: "custom" })).toMatchObject({
      kind: "skipped",
      reason: "outside_48h",
    });
  });

  it("fails on a permanent refusal with the errcode and rid", () => {
    expect(outcomeOfError(api(40003), { ...at, channel: "template" })).toEqual({
      kind: "failed",
      errcode: 40003,
      rid: "6123-abc",
      reason: "invalid_openid",
    });
    expect(outcomeOfError(api(40037), { ...at, channel: "template" })).toMatchObject({
      kind: "failed",
      reason: "template_invalid",
    });
  });

  it("retries -1 and an exhausted quota with backoff, and gives up after the last attempt", () => {
    const busy = outcomeOfError(api(-1), { ...at, channel: "custom" });
    expect(busy).toMatchObject({ kind: "retry", reason: "busy", errcode: -1 });
    const later = outcomeOfError(api(-1), { ...at, attempt: 3, channel: "custom" });
    expect(later.kind === "retry" && busy.kind === "retry" && later.at > busy.at).toBe(true);
    const quota = new WeChatQuotaError({
      errcode: 45009,
      errmsg: "quota",
      api: "/cgi-bin/message/template/send",
    });
    expect(outcomeOfError(quota, { ...at, channel: "template" })).toMatchObject({
      kind: "retry",
      reason: "quota",
    });
    expect(outcomeOfError(api(-1), { ...at, attempt: MAX_ATTEMPTS, channel: "custom" })).toMatchObject({
      kind: "failed",
      reason: "gave_up",
    });
  });

  it("waits for the receipt of a template whose call may have reached WeChat; retries the others", () => {
    const timeout = new WeChatTransportError("timeout", "/cgi-bin/message/template/send", "no answer");
    expect(outcomeOfError(timeout, { ...at, channel: "template" })).toEqual({
      kind: "unconfirmed",
      until: at.now + at.receiptWaitMs,
    });
    expect(outcomeOfError(timeout, { ...at, channel: "custom" })).toMatchObject({
      kind: "retry",
      reason: "timeout",
    });
  });

  it("reads a repeated mass clientmsgid as sent, and an error before WeChat as safe to retry", () => {
    expect(outcomeOfError(api(45065), { ...at, channel: "mass" })).toEqual({ kind: "sent", msgid: null });
    expect(outcomeOfError(new Error("account disabled"), { ...at, channel: "template" })).toMatchObject({
      kind: "retry",
      reason: "not_sent",
    });
  });
});
