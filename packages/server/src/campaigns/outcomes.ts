import { WeChatApiError, WeChatTransportError } from "@wxgate/wechat";
import type { Channel } from "./model.js";
import type { Outcome } from "./recipients.js";

/** Attempts before a retryable failure is given up. */
export const MAX_ATTEMPTS = 8;
const BACKOFF_BASE_MS = 2_000;
const BACKOFF_MAX_MS = 10 * 60_000;
/** An exhausted quota is not back within seconds: wait longer before the next try. */
const QUOTA_BACKOFF_MS = 15 * 60_000;

/** Permanent refusals that mean "this recipient cannot be reached", with the reason shown. */
const SKIPPED: Record<number, string> = {
  43004: "not_following",
  43101: "no_consent",
  45015: "outside_48h",
  45047: "window_used_up",
  45028: "quota",
  43019: "blocked",
};

/** Permanent refusals that are failures (the campaign's content or the recipient id is wrong). */
const FAILED: Record<number, string> = {
  40003: "invalid_openid",
  40037: "template_invalid",
  47001: "content_invalid",
  48001: "not_permitted",
  61007: "not_permitted",
  41028: "form_id_invalid",
};

function backoff(attempt: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
}

/**
 * What a call's error means for the row — the one place errors are sorted. Retried with
 * backoff: -1 (system busy, already retried by the client), 45009/45011 (quota), errors before
 * WeChat was reached. Never retried: the permanent refusals above. A timeout or a cut
 * connection may have reached WeChat: a template row then waits for its receipt
 * (TEMPLATESENDJOBFINISH) instead of being sent again; the other channels retry (a mass send
 * carries its clientmsgid, so WeChat refuses a repeat with 45065).
 */
export function outcomeOfError(
  error: unknown,
  input: { channel: Channel; attempt: number; now: number; receiptWaitMs: number },
): Outcome {
  const { attempt, now } = input;
  const giveUp = attempt >= MAX_ATTEMPTS;
  if (error instanceof WeChatApiError) {
    const { errcode } = error;
    const rid = error.rid ?? null;
    if (errcode === 45065) return { kind: "sent", msgid: null };
    const skipped = SKIPPED[errcode];
    if (skipped) return { kind: "skipped", reason: skipped, errcode };
    const failed = FAILED[errcode];
    if (failed) return { kind: "failed", errcode, rid, reason: failed };
    const quota = errcode === 45009 || errcode === 45011;
    if (errcode === -1 || quota) {
      if (giveUp) return { kind: "failed", errcode, rid, reason: "gave_up" };
      return {
        kind: "retry",
        at: now + (quota ? QUOTA_BACKOFF_MS : backoff(attempt)),
        errcode,
        rid,
        reason: quota ? "quota" : "busy",
      };
    }
    return { kind: "failed", errcode, rid, reason: "refused" };
  }
  if (error instanceof WeChatTransportError) {
    if (input.channel === "template") return { kind: "unconfirmed", until: now + input.receiptWaitMs };
    if (giveUp) return { kind: "failed", errcode: null, rid: null, reason: "gave_up" };
    return { kind: "retry", at: now + backoff(attempt), errcode: null, rid: null, reason: error.code };
  }
  // Not sent at all (the account is disabled, no token could be had, …): safe to try again.
  if (giveUp) return { kind: "failed", errcode: null, rid: null, reason: "gave_up" };
  return { kind: "retry", at: now + backoff(attempt), errcode: null, rid: null, reason: "not_sent" };
}
