import { sendingLimits } from "@wxgate/wechat";
import { errors } from "../platform/errors.js";
import { type Actor, reaches } from "../platform/policy.js";
import { checkTokenUrl } from "../tokens/index.js";
import { AccountAuthorization } from "./authorization.js";
import { AccountConnection } from "./connection.js";
import { AccountDeletion } from "./deletion.js";
import { coolingOffEnd, latestExpiry, lifecycleOf, MAX_VALIDITY_DAYS } from "./lifecycle.js";
import { beijingMonth } from "./month.js";
import {
  accountAbilities,
  authorizationExpiryRefusal,
  enableRefusal,
  rowFacts,
  sendConfigRefusal,
} from "./policy.js";
import { AccountQuota } from "./quota.js";
import { type AccountDeps, AccountReader } from "./reading.js";
import type { AccountRow } from "./repository.js";
import type { MinimumPermissionSets } from "./settings.js";
import {
  type AccountView,
  type AccountViewWithAbilities,
  enableChecksOf,
  permissionSetsOf,
  toAccountView,
} from "./views.js";

export { AUTHORIZED_PATH, type AuthorizationLink } from "./authorization.js";
export type { PurgeReport } from "./deletion.js";

/**
 * 授权管理, as the routes see it: reading accounts and their settings (enabling with checks,
 * push and send configuration) here; authorization, connection, quota and deletion in their
 * own use cases, which this service hands the calls to.
 */
export class AccountService {
  readonly #reader: AccountReader;
  readonly authorization: AccountAuthorization;
  readonly connection: AccountConnection;
  readonly quotas: AccountQuota;
  readonly deletion: AccountDeletion;

  constructor(private readonly deps: AccountDeps) {
    this.#reader = new AccountReader(deps);
    this.authorization = new AccountAuthorization(deps, this.#reader);
    this.connection = new AccountConnection(deps, this.#reader);
    this.quotas = new AccountQuota(deps, this.#reader);
    this.deletion = new AccountDeletion(deps, this.#reader);
  }

  /** The accounts in the actor's reach. */
  async list(actor: Pick<Actor, "reach">): Promise<AccountView[]> {
    return (await this.#reader.list()).filter((view) => reaches(actor, view.appId));
  }

  get(appId: string): Promise<AccountView> {
    return this.#reader.get(appId);
  }

  /**
   * The views with what `actor` can do with each account now (`abilities`), by the policy's
   * rules and this month's counts: the same verdicts the operations would give.
   */
  async withAbilities(actor: Actor, views: readonly AccountView[]): Promise<AccountViewWithAbilities[]> {
    const month = beijingMonth(this.deps.clock.now());
    const [resets, requests] = await Promise.all([
      this.deps.repository.countQuotaResetsByAccount(
        month,
        views.map((v) => v.appId),
      ),
      this.authorization.authorizationRequestUsage(),
    ]);
    return views.map((view) => ({
      ...view,
      abilities: accountAbilities(actor, view, {
        quotaResetsUsed: resets.get(view.appId) ?? 0,
        quotaResetsLimit: sendingLimits.clearQuotaPerMonth,
        authorizationRequestsRemaining: requests.remaining,
      }),
    }));
  }

  /** One view with its abilities; see {@link withAbilities}. */
  async withAbilitiesOne(actor: Actor, view: AccountView): Promise<AccountViewWithAbilities> {
    const [one] = await this.withAbilities(actor, [view]);
    return one as AccountViewWithAbilities;
  }

  /** @see AccountAuthorization.createAuthorization */
  createAuthorization(
    ...args: Parameters<AccountAuthorization["createAuthorization"]>
  ): ReturnType<AccountAuthorization["createAuthorization"]> {
    return this.authorization.createAuthorization(...args);
  }

  /** @see AccountAuthorization.authorizationRequestUsage */
  authorizationRequestUsage(
    ...args: Parameters<AccountAuthorization["authorizationRequestUsage"]>
  ): ReturnType<AccountAuthorization["authorizationRequestUsage"]> {
    return this.authorization.authorizationRequestUsage(...args);
  }

  /** @see AccountAuthorization.requestAuthorizationUpdate */
  requestAuthorizationUpdate(
    ...args: Parameters<AccountAuthorization["requestAuthorizationUpdate"]>
  ): ReturnType<AccountAuthorization["requestAuthorizationUpdate"]> {
    return this.authorization.requestAuthorizationUpdate(...args);
  }

  /** @see AccountAuthorization.completeAuthorization */
  completeAuthorization(
    ...args: Parameters<AccountAuthorization["completeAuthorization"]>
  ): ReturnType<AccountAuthorization["completeAuthorization"]> {
    return this.authorization.completeAuthorization(...args);
  }

  /** @see AccountAuthorization.handleComponentPush */
  handleComponentPush(
    ...args: Parameters<AccountAuthorization["handleComponentPush"]>
  ): ReturnType<AccountAuthorization["handleComponentPush"]> {
    return this.authorization.handleComponentPush(...args);
  }

  /** @see AccountAuthorization.refreshInfo */
  refreshInfo(
    ...args: Parameters<AccountAuthorization["refreshInfo"]>
  ): ReturnType<AccountAuthorization["refreshInfo"]> {
    return this.authorization.refreshInfo(...args);
  }

  /** @see AccountConnection.connectDirect */
  connectDirect(
    ...args: Parameters<AccountConnection["connectDirect"]>
  ): ReturnType<AccountConnection["connectDirect"]> {
    return this.connection.connectDirect(...args);
  }

  /** @see AccountConnection.connectExternal */
  connectExternal(
    ...args: Parameters<AccountConnection["connectExternal"]>
  ): ReturnType<AccountConnection["connectExternal"]> {
    return this.connection.connectExternal(...args);
  }

  /** @see AccountQuota.resetQuota */
  resetQuota(...args: Parameters<AccountQuota["resetQuota"]>): ReturnType<AccountQuota["resetQuota"]> {
    return this.quotas.resetQuota(...args);
  }

  /** @see AccountQuota.quotaResets */
  quotaResets(...args: Parameters<AccountQuota["quotaResets"]>): ReturnType<AccountQuota["quotaResets"]> {
    return this.quotas.quotaResets(...args);
  }

  /** @see AccountQuota.quota */
  quota(...args: Parameters<AccountQuota["quota"]>): ReturnType<AccountQuota["quota"]> {
    return this.quotas.quota(...args);
  }

  /** @see AccountQuota.apiCalls */
  apiCalls(...args: Parameters<AccountQuota["apiCalls"]>): ReturnType<AccountQuota["apiCalls"]> {
    return this.quotas.apiCalls(...args);
  }

  /** @see AccountDeletion.delete */
  delete(...args: Parameters<AccountDeletion["delete"]>): ReturnType<AccountDeletion["delete"]> {
    return this.deletion.delete(...args);
  }

  // ── settings of one account ───────────────────────────────────────────────

  async setOpenIdMapping(appId: string, property: string): Promise<AccountView> {
    await this.#reader.require(appId);
    await this.deps.repository.update(appId, { openid_mapping: property, updated_at: this.deps.clock.now() });
    return this.#reader.reload(appId);
  }

  async setRequiredPermissionSets(appId: string, ids: number[] | null): Promise<AccountView> {
    await this.#reader.require(appId);
    await this.deps.repository.update(appId, {
      required_permission_sets: ids === null ? null : JSON.stringify([...new Set(ids)].sort((a, b) => a - b)),
      updated_at: this.deps.clock.now(),
    });
    return this.#reader.reload(appId);
  }

  /**
   * Shortens (or restores) the end of the account's platform authorization: at most a year
   * after the period began, and not in the past.
   */
  async setAuthorizationExpiry(
    appId: string,
    input: { expiresAt: number } | { validityDays: number },
  ): Promise<AccountView> {
    const row = await this.#reader.require(appId);
    const refused = authorizationExpiryRefusal(rowFacts(row));
    if (refused === "not_component") {
      throw errors.conflict(`${appId} is not connected through the platform; its access does not expire`, {
        reason: "not_component",
      });
    }
    if (refused === "account_unauthorized" || row.authorized_at === null) {
      throw errors.conflict(`${appId} has withdrawn its authorization; authorize it again first`, {
        reason: "account_unauthorized",
      });
    }
    const startedAt = row.authorized_at;
    const expiresAt = "expiresAt" in input ? input.expiresAt : startedAt + input.validityDays * 86_400_000;
    const latest = latestExpiry(startedAt);
    if (expiresAt > latest) {
      throw errors.validation(
        `an authorization lasts at most ${MAX_VALIDITY_DAYS} days: this one began ${new Date(startedAt).toISOString()} and may end ${new Date(latest).toISOString()} at the latest`,
        { reason: "validity_too_long", maxDays: MAX_VALIDITY_DAYS, latest },
      );
    }
    const now = this.deps.clock.now();
    if (expiresAt <= now) {
      throw errors.validation(`the end of the authorization must be in the future`, {
        reason: "expiry_in_past",
        now,
      });
    }
    await this.deps.repository.update(appId, { authorization_expires_at: expiresAt, updated_at: now });
    this.deps.logger.info({ appId, expiresAt }, "authorization end set by an operator");
    return this.#reader.reload(appId);
  }

  /** 开启: only when verified, holding the minimum permission sets and with an OpenID mapping. */
  async enable(appId: string): Promise<AccountView> {
    const row = await this.#reader.require(appId);
    const now = this.deps.clock.now();
    const minimum = await this.deps.settings.minimumPermissionSets();
    // The policy's rule decides (the account's `abilities.enable` reads the same); the details
    // of each refusal are written here.
    switch (enableRefusal(toAccountView(row, minimum, lifecycleOf(row, now, this.deps.policy)))) {
      case "account_unauthorized": {
        const until = coolingOffEnd(row, this.deps.policy);
        throw errors.conflict(`${appId} has withdrawn its authorization; authorize it again first`, {
          reason: "account_unauthorized",
          ...(until !== undefined && now < until ? { coolingOffUntil: until } : {}),
        });
      }
      case "authorization_lapsed":
        throw errors.conflict(`${appId}'s authorization ended; authorize it again first`, {
          reason: "authorization_lapsed",
          expiredAt: row.authorization_expires_at,
        });
      case "account_suspended":
        throw errors.conflict(`${appId} is suspended by WeChat (account_status ${row.account_status})`, {
          reason: "account_suspended",
        });
      case "enable_checks_failed": {
        const failed = this.#failedChecks(row, minimum);
        throw errors.conflict(`${appId} cannot be enabled: ${failed.map((f) => f.message).join("; ")}`, {
          reason: "enable_checks_failed",
          failed,
        });
      }
    }
    await this.deps.repository.update(appId, { enabled: 1, updated_at: this.deps.clock.now() });
    return this.#reader.reload(appId);
  }

  #failedChecks(row: AccountRow, minimum: MinimumPermissionSets) {
    const checks = enableChecksOf(row, minimum);
    const failed: { check: string; message: string; missing?: { id: number; name: string }[] }[] = [];
    if (!checks.verified) {
      failed.push({
        check: "verified",
        message: "the account has not passed WeChat verification (微信认证)",
      });
    }
    if (!checks.permissionSets) {
      const view = toAccountView(row, minimum, lifecycleOf(row, this.deps.clock.now(), this.deps.policy));
      failed.push({
        check: "permission_sets",
        message: `permission sets not granted: ${permissionSetsOf(row, minimum).missing.join(", ")}`,
        missing: view.permissionSets.missing,
      });
    }
    if (!checks.openIdMapping)
      failed.push({ check: "openid_mapping", message: "the OpenID mapping is not set" });
    return failed;
  }

  async disable(appId: string): Promise<AccountView> {
    await this.#reader.require(appId);
    await this.deps.repository.update(appId, { enabled: 0, updated_at: this.deps.clock.now() });
    return this.#reader.reload(appId);
  }

  /** 小程序发送配置: the mini program's AppSecret, or its token URL. */
  async setSendConfig(
    appId: string,
    input:
      | { mode: "app_secret"; appSecret: string }
      | { mode: "token_url"; tokenUrl: string; header?: string | undefined },
  ): Promise<AccountView> {
    const row = await this.#reader.require(appId);
    if (sendConfigRefusal({ kind: row.kind })) {
      throw errors.conflict(`${appId} is not a mini program`, { reason: "not_miniprogram" });
    }
    const { repository } = this.deps;
    if (input.mode === "app_secret") {
      await repository.update(appId, {
        send_mode: "app_secret",
        send_app_secret: repository.seal(appId, "send_app_secret", input.appSecret),
        send_token_url: null,
        send_token_header: null,
        updated_at: this.deps.clock.now(),
      });
    } else {
      await checkTokenUrl(input.tokenUrl, { production: this.deps.wechat.production });
      await repository.update(appId, {
        send_mode: "token_url",
        send_app_secret: null,
        send_token_url: repository.seal(appId, "send_token_url", input.tokenUrl),
        send_token_header: input.header ? repository.seal(appId, "send_token_header", input.header) : null,
        updated_at: this.deps.clock.now(),
      });
    }
    return this.#reader.reload(appId);
  }

  /** 回执配置: the Token, EncodingAESKey and mode of the account's own push configuration. */
  async setReceiptConfig(
    appId: string,
    input: { token: string; encodingAESKey?: string | undefined; mode: "plaintext" | "compatible" | "safe" },
  ): Promise<AccountView> {
    await this.#reader.require(appId);
    if (input.mode !== "plaintext" && !input.encodingAESKey) {
      throw errors.validation("compatible and safe modes need an EncodingAESKey", {
        reason: "encoding_aes_key_required",
      });
    }
    const { repository } = this.deps;
    await repository.update(appId, {
      receipt_token: repository.seal(appId, "receipt_token", input.token),
      receipt_aes_key: input.encodingAESKey
        ? repository.seal(appId, "receipt_aes_key", input.encodingAESKey)
        : null,
      receipt_mode: input.mode,
      updated_at: this.deps.clock.now(),
    });
    return this.#reader.reload(appId);
  }
}
