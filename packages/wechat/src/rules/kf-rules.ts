import { wechatErrcode } from "./errors.js";
import { charLength, type Violation, violation } from "./violation.js";

/**
 * Customer-service (客服) account rules from WeChat's kfaccount pages: the account is
 * `prefix@公众号微信号`, the prefix 1–10 letters, digits or underscores, the suffix at most 30
 * characters; the nickname at most 16 characters; at most 100 accounts.
 */
export const kfLimits = { prefixChars: 10, suffixChars: 30, nicknameChars: 16, maxAccounts: 100 } as const;

const PREFIX = /^[A-Za-z0-9_]{1,10}$/;
const SUFFIX = /^[A-Za-z0-9_-]{1,30}$/;

/** Checks a `kf_account` (65404 when malformed). */
export function checkKfAccount(account: unknown): { ok: true; value: string } | Violation {
  if (typeof account !== "string") return violation(wechatErrcode.invalidKfAccountName, "kf_account");
  const at = account.indexOf("@");
  const prefix = at < 0 ? account : account.slice(0, at);
  const suffix = at < 0 ? "" : account.slice(at + 1);
  if (!PREFIX.test(prefix) || !SUFFIX.test(suffix))
    return violation(wechatErrcode.invalidKfAccountName, "kf_account");
  return { ok: true, value: account };
}

/** Checks a nickname (65403 when empty or longer than 16 characters). */
export function checkKfNickname(nickname: unknown): { ok: true; value: string } | Violation {
  if (typeof nickname !== "string" || nickname.trim() === "" || charLength(nickname) > kfLimits.nicknameChars)
    return violation(wechatErrcode.invalidKfNickname, "nickname");
  return { ok: true, value: nickname };
}
