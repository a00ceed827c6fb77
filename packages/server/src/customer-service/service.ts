import {
  checkKfAccount,
  checkKfNickname,
  checkMediaUpload,
  createCustomerServiceApi,
  type KfAccount,
  kfLimits,
  mediaLimits,
  utf8ByteLength,
  WeChatApiError,
  type WeChatClient,
  wechatErrcode,
} from "@wxgate/wechat";
import type { ReceivedUpload } from "../http/upload.js";
import { errors, PlatformError } from "../platform/errors.js";
import { newId } from "../platform/ids.js";
import type { Logger } from "../platform/logger.js";
import type { Clock } from "../platform/ports.js";
import type { KfRefusal } from "./policy.js";
import type { CustomerServiceRepository, RoutingRuleRow } from "./repository.js";

/**
 * WeChat takes a customer-service avatar under the thumbnail rule: a jpg of at most 64 KB (the
 * fact sheet names no other limit for `uploadheadimg`, so the SDK's thumb rule is the one used).
 */
export const AVATAR_MAX_BYTES = mediaLimits.temporary.thumb.maxBytes;

/** At most this many routing rules per account. */
export const MAX_ROUTING_RULES = 100;

function refusal(reason: KfRefusal, message: string, details: Record<string, unknown> = {}): PlatformError {
  return new PlatformError("validation_failed", message, { reason, ...details });
}

/** WeChat's "no such customer-service account" (65401) as the API's 404. */
async function knownAccount<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof WeChatApiError && error.errcode === wechatErrcode.invalidKfAccount)
      throw errors.notFound("the customer-service account");
    throw error;
  }
}

/** A customer-service account as the API shows it. */
export interface KfAccountView {
  account: string;
  nickname: string;
  id: string;
  avatarUrl: string;
  boundWeChat: string | null;
}

/** A routing rule as the API takes and shows it. */
export type RoutingRule =
  | { kind: "keyword"; value: string; match: "exact" | "contains"; kfAccount: string }
  | { kind: "menu_key"; value: string; kfAccount: string }
  | { kind: "tag"; tagId: number; kfAccount: string };

export function ruleOf(row: RoutingRuleRow): RoutingRule {
  if (row.kind === "keyword")
    return { kind: "keyword", value: row.value, match: row.match ?? "exact", kfAccount: row.kf_account };
  if (row.kind === "menu_key") return { kind: "menu_key", value: row.value, kfAccount: row.kf_account };
  return { kind: "tag", tagId: Number(row.value), kfAccount: row.kf_account };
}

const viewOf = (a: KfAccount): KfAccountView => ({
  account: a.kf_account,
  nickname: a.kf_nick,
  id: String(a.kf_id),
  avatarUrl: a.kf_headimgurl,
  boundWeChat: a.kf_wx ?? null,
});

export interface CustomerServiceDeps {
  repository: CustomerServiceRepository;
  clientFor(appId: string): Promise<WeChatClient>;
  clock: Clock;
  logger: Logger;
}

/** Customer-service accounts at WeChat (checked locally first) and the routing rules to them. */
export class CustomerServiceService {
  constructor(private readonly deps: CustomerServiceDeps) {}

  private async api(appId: string) {
    return createCustomerServiceApi(await this.deps.clientFor(appId));
  }

  async accounts(appId: string): Promise<KfAccountView[]> {
    return (await (await this.api(appId)).list()).kf_list.map(viewOf);
  }

  async add(appId: string, input: { account: string; nickname: string }): Promise<KfAccountView> {
    const account = checkKfAccount(input.account);
    if (!account.ok)
      throw refusal(
        "kf_account_invalid",
        "the account is prefix@公众号微信号: 1–10 letters, digits or _ before the @, at most 30 characters after",
        { errcode: account.errcode },
      );
    const nickname = checkKfNickname(input.nickname);
    if (!nickname.ok)
      throw refusal("nickname_invalid", "the nickname is 1–16 characters", { errcode: nickname.errcode });
    const api = await this.api(appId);
    const existing = (await api.list()).kf_list;
    if (existing.some((a) => a.kf_account === account.value))
      throw errors.conflict("this customer-service account exists", { reason: "kf_account_exists" });
    if (existing.length >= kfLimits.maxAccounts)
      throw refusal(
        "kf_account_limit",
        `an account has at most ${kfLimits.maxAccounts} customer-service accounts`,
        {
          limit: kfLimits.maxAccounts,
        },
      );
    await api.add(account.value, nickname.value);
    const added = (await api.list()).kf_list.find((a) => a.kf_account === account.value);
    if (!added) throw errors.notFound("the new customer-service account");
    return viewOf(added);
  }

  async rename(appId: string, account: string, nickname: string): Promise<void> {
    const checked = checkKfNickname(nickname);
    if (!checked.ok)
      throw refusal("nickname_invalid", "the nickname is 1–16 characters", { errcode: checked.errcode });
    await knownAccount((await this.api(appId)).update(account, checked.value));
  }

  /**
   * Sets the account's avatar at WeChat (`uploadheadimg`) after checking the file with the SDK's
   * thumb rule, and answers the account as `getkflist` shows it afterwards.
   */
  async uploadAvatar(appId: string, account: string, file: ReceivedUpload): Promise<KfAccountView> {
    const checked = checkMediaUpload("temporary", "thumb", {
      filename: file.filename,
      size: file.data.length,
      head: file.data,
    });
    if (!checked.ok) {
      if (checked.errcode === wechatErrcode.mediaDataMissing)
        throw refusal("media_missing", "the avatar file is empty", { errcode: checked.errcode });
      if (checked.errcode === wechatErrcode.invalidFileType)
        throw refusal("file_type", "an avatar is a jpg image", { errcode: checked.errcode });
      throw new PlatformError("payload_too_large", `an avatar is at most ${AVATAR_MAX_BYTES} bytes`, {
        reason: "file_too_large",
        errcode: checked.errcode,
        limit: AVATAR_MAX_BYTES,
      });
    }
    const api = await this.api(appId);
    await knownAccount(
      api.uploadAvatar(account, { filename: file.filename, contentType: "image/jpeg", data: file.data }),
    );
    const updated = (await api.list()).kf_list.find((a) => a.kf_account === account);
    if (!updated) throw errors.notFound("the customer-service account");
    this.deps.logger.info({ appid: appId, kfAccount: account }, "customer-service avatar set");
    return viewOf(updated);
  }

  /** Deletes the account at WeChat, and the routing rules that named it. */
  async remove(appId: string, account: string): Promise<{ rulesRemoved: number }> {
    await knownAccount((await this.api(appId)).delete(account));
    return { rulesRemoved: await this.deps.repository.deleteRulesFor(appId, account) };
  }

  async rules(appId: string): Promise<RoutingRule[]> {
    return (await this.deps.repository.rulesOf(appId)).map(ruleOf);
  }

  /**
   * Replaces the rules (their order is the order they are tried). Each must name an existing
   * customer-service account; keywords 1–30 characters, menu keys 1–128 bytes (WeChat's key limit).
   */
  async setRules(appId: string, rules: readonly RoutingRule[]): Promise<RoutingRule[]> {
    if (rules.length > MAX_ROUTING_RULES)
      throw refusal("rules_limit", `at most ${MAX_ROUTING_RULES} rules`, { limit: MAX_ROUTING_RULES });
    for (const [i, rule] of rules.entries()) {
      const bad =
        (rule.kind === "keyword" && (rule.value.trim() === "" || [...rule.value].length > 30)) ||
        (rule.kind === "menu_key" && (rule.value === "" || utf8ByteLength(rule.value) > 128)) ||
        (rule.kind === "tag" && !(Number.isSafeInteger(rule.tagId) && rule.tagId >= 0));
      if (bad) throw refusal("rule_invalid", `rule ${i + 1} is not valid`, { index: i });
    }
    const known = new Set((await this.accounts(appId)).map((a) => a.account));
    for (const [i, rule] of rules.entries()) {
      if (!known.has(rule.kfAccount))
        throw refusal("kf_account_unknown", `rule ${i + 1} names an unknown customer-service account`, {
          index: i,
          kfAccount: rule.kfAccount,
        });
    }
    const now = this.deps.clock.now();
    const rows: RoutingRuleRow[] = rules.map((rule, position) => ({
      id: newId(now),
      appid: appId,
      position,
      kind: rule.kind,
      value:
        rule.kind === "tag" ? String(rule.tagId) : rule.kind === "keyword" ? rule.value.trim() : rule.value,
      match: rule.kind === "keyword" ? rule.match : null,
      kf_account: rule.kfAccount,
      created_at: now,
    }));
    await this.deps.repository.replaceRules(appId, rows);
    this.deps.logger.info({ appid: appId, rules: rows.length }, "routing rules replaced");
    return rows.map(ruleOf);
  }
}
