import { createHash } from "node:crypto";
import {
  type ApiQuotaResult,
  type AuthorizerInfoResult,
  accountKindFromServiceType,
  type ComponentAuthType,
  createQuotaApi,
  getAccessToken,
  type InboundMessage,
  sendingLimits,
  tokenKeys,
  WeChatApiError,
  WeChatError,
} from "@wxgate/wechat";
import QRCode from "qrcode";
import { errors, PlatformError } from "../platform/errors.js";
import { newId } from "../platform/ids.js";
import type { Logger } from "../platform/logger.js";
import { type Actor, actorLabel } from "../platform/policy.js";
import type { Clock, Lock } from "../platform/ports.js";
import type { WeChatConnection } from "../platform/wechat.js";
import { GuardedExternalTokenCredential } from "../tokens/credentials.js";
import { checkTokenUrl, guardedFetch } from "../tokens/external-url.js";
import { parseHeader, type TokenService } from "../tokens/service.js";
import {
  coolingOffEnd,
  type LifecyclePolicy,
  latestExpiry,
  lifecycleOf,
  MAX_VALIDITY_DAYS,
} from "./lifecycle.js";
import {
  accountAbilities,
  authorizationExpiryRefusal,
  deleteRefusal,
  enableRefusal,
  quotaResetRefusal,
  refreshInfoRefusal,
  rowFacts,
  rowFactsAt,
  sendConfigRefusal,
} from "./policy.js";
import type { AccountRepository, AccountRow, ApiCallFilter } from "./repository.js";
import type { AccountSettings, MinimumPermissionSets } from "./settings.js";
import type { AccountsTable } from "./tables.js";
import {
  type AccountView,
  type AccountViewWithAbilities,
  enableChecksOf,
  permissionSetsOf,
  toAccountView,
} from "./views.js";

/** Where WeChat sends the browser after the administrator confirmed. */
export const AUTHORIZED_PATH = "/wechat/authorized";

type Kind = AccountsTable["kind"];

/** A pre-auth link, ready to show as a QR code (PC) and a link (mobile). */
export interface AuthorizationLink {
  id: string;
  pcUrl: string;
  mobileUrl: string;
  /** `data:image/png;base64,…` of `mobileUrl`. */
  qrCode: string;
  expiresAt: number;
}

/** Rows deleted per table when an account was deleted. */
export type PurgeReport = Record<string, number>;

function digest(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** `YYYY-MM` in Beijing time (UTC+8), the month WeChat counts clear_quota and authorization requests in. */
export function beijingMonth(epochMs: number): string {
  return new Date(epochMs + BEIJING_OFFSET_MS).toISOString().slice(0, 7);
}

/** The Beijing month holding `epochMs`, with its bounds in epoch milliseconds: [from, to). */
export function beijingMonthBounds(epochMs: number): { month: string; from: number; to: number } {
  const month = beijingMonth(epochMs);
  const [year, index] = month.split("-").map(Number) as [number, number];
  return {
    month,
    from: Date.UTC(year, index - 1, 1) - BEIJING_OFFSET_MS,
    to: Date.UTC(year, index, 1) - BEIJING_OFFSET_MS,
  };
}

/**
 * 授权管理: connecting accounts (platform authorization, AppSecret, external token server),
 * the platform's pushes, enabling with checks, quota resets and deletion.
 */
export class AccountService {
  /** auth_code digests already exchanged → authorizer appid (the push and the redirect race). */
  readonly #exchanged = new Map<string, string>();

  constructor(
    private readonly deps: {
      repository: AccountRepository;
      settings: AccountSettings;
      tokens: TokenService;
      wechat: WeChatConnection;
      clock: Clock;
      lock: Lock;
      logger: Logger;
      policy: LifecyclePolicy;
      /** Authorization requests the platform may start per Beijing month. */
      authorizationRequestsPerMonth: number;
    },
  ) {}

  // ── reading ────────────────────────────────────────────────────────────────

  async list(): Promise<AccountView[]> {
    const [rows, minimum] = await Promise.all([
      this.deps.repository.list(),
      this.deps.settings.minimumPermissionSets(),
    ]);
    const now = this.deps.clock.now();
    return rows.map((row) => toAccountView(row, minimum, lifecycleOf(row, now, this.deps.policy)));
  }

  async get(appId: string): Promise<AccountView> {
    return this.#view(await this.#require(appId));
  }

  /**
   * The views with what `actor` can do with each account now (`abilities`), by the policy's
   * rules and this month's counts: the same verdicts the operations would give.
   */
  async withAbilities(actor: Actor, views: readonly AccountView[]): Promise<AccountViewWithAbilities[]> {
    const now = this.deps.clock.now();
    const month = beijingMonth(now);
    const [resets, requests] = await Promise.all([
      this.deps.repository.countQuotaResetsByAccount(
        month,
        views.map((v) => v.appId),
      ),
      this.authorizationRequestUsage(),
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

  async #view(row: AccountRow): Promise<AccountView> {
    const minimum = await this.deps.settings.minimumPermissionSets();
    return toAccountView(row, minimum, lifecycleOf(row, this.deps.clock.now(), this.deps.policy));
  }

  async #require(appId: string): Promise<AccountRow> {
    const row = await this.deps.repository.find(appId);
    if (!row) throw errors.notFound(`account ${appId}`);
    return row;
  }

  async #reload(appId: string): Promise<AccountView> {
    this.deps.tokens.forget(appId);
    return this.get(appId);
  }

  // ── platform authorization ────────────────────────────────────────────────

  /**
   * A new pre-auth link (授权链接) for the PC page and the mobile page. The platform may start
   * a limited number a month (Beijing time): beyond it the request is refused here, before
   * WeChat is asked.
   */
  async createAuthorization(
    actor: Actor | undefined,
    input: { authType?: ComponentAuthType | undefined; bizAppId?: string | undefined },
  ): Promise<AuthorizationLink> {
    const { wechat, tokens, repository, clock } = this.deps;
    const api = tokens.componentApi();
    // One at a time, so two requests cannot both take the month's last one.
    const { code, id, expiresAt } = await this.deps.lock.runExclusive("authorization-requests", async () => {
      const usage = await this.authorizationRequestUsage();
      if (usage.used >= usage.limit) {
        throw new PlatformError(
          "too_many_requests",
          `the platform has started its ${usage.limit} authorization requests of ${usage.month}; the next one is possible next month (Beijing time)`,
          { reason: "authorization_request_limit", used: usage.used, limit: usage.limit, month: usage.month },
        );
      }
      const code = await api.createPreAuthCode();
      const now = clock.now();
      const id = newId(now);
      const expiresAt = now + code.expires_in * 1000;
      await repository.createAuthorizationRequest({
        id,
        pre_auth_code: code.pre_auth_code,
        auth_type: input.authType ?? null,
        biz_appid: input.bizAppId ?? null,
        created_by: actor ? actorLabel(actor) : null,
        created_at: now,
        expires_at: expiresAt,
        completed_at: null,
        authorizer_appid: null,
        auth_code_digest: null,
      });
      return { code, id, expiresAt };
    });
    const page = {
      preAuthCode: code.pre_auth_code,
      redirectUri: `${wechat.origin}${AUTHORIZED_PATH}?state=${id}`,
      ...(input.authType !== undefined ? { authType: input.authType } : {}),
      ...(input.bizAppId !== undefined ? { bizAppId: input.bizAppId } : {}),
    };
    const mobileUrl = api.bindComponentUrl(page);
    return {
      id,
      pcUrl: api.loginPageUrl(page),
      mobileUrl,
      qrCode: await QRCode.toDataURL(mobileUrl, { errorCorrectionLevel: "M", margin: 1, width: 256 }),
      expiresAt,
    };
  }

  /** This Beijing month's authorization requests: how many were started and how many are allowed. */
  async authorizationRequestUsage() {
    const { month, from, to } = beijingMonthBounds(this.deps.clock.now());
    const used = await this.deps.repository.countAuthorizationRequests(from, to);
    const limit = this.deps.authorizationRequestsPerMonth;
    return { month, used, limit, remaining: Math.max(0, limit - used) };
  }

  /** 更新授权: a link restricted to this account, to change its permission sets. */
  async requestAuthorizationUpdate(actor: Actor, appId: string): Promise<AuthorizationLink> {
    const row = await this.#require(appId);
    // The month's limit is the request's own rule, checked under its lock by createAuthorization.
    if (row.connection !== "component") {
      throw errors.conflict(`${appId} is not connected through the platform`, { reason: "not_component" });
    }
    return this.createAuthorization(actor, {
      authType: row.kind === "miniprogram" ? 2 : 1,
      bizAppId: appId,
    });
  }

  /**
   * The redirect after the administrator confirmed: exchanges the auth_code (unless the
   * `authorized` push did already) and stores the account.
   */
  async completeAuthorization(state: string, authCode: string): Promise<AccountView> {
    const request = await this.deps.repository.findAuthorizationRequest(state);
    if (!request) throw errors.notFound("authorization request");
    const appId = await this.#exchange(authCode, request.id);
    return this.get(appId);
  }

  /** Handles a verified push to the authorization-event URL. */
  async handleComponentPush(message: InboundMessage): Promise<void> {
    if (message.kind !== "component") {
      this.deps.logger.info({ kind: message.kind }, "ignored a push that is not a platform event");
      return;
    }
    const platform = this.deps.wechat.platform();
    if (message.appId !== platform.componentAppId) {
      this.deps.logger.warn({ appId: message.appId }, "a platform push names another platform");
      return;
    }
    switch (message.infoType) {
      case "component_verify_ticket":
        await this.deps.tokens.tickets.setTicket(platform.componentAppId, message.componentVerifyTicket);
        this.deps.logger.debug("component_verify_ticket stored");
        return;
      case "authorized":
      case "updateauthorized": {
        const request = await this.deps.repository.findAuthorizationRequestByPreAuthCode(message.preAuthCode);
        await this.#exchange(message.authorizationCode, request?.id);
        return;
      }
      case "unauthorized":
        await this.#markUnauthorized(message.authorizerAppid);
        return;
    }
  }

  async #exchange(authCode: string, requestId: string | undefined): Promise<string> {
    const key = digest(authCode);
    return this.deps.lock.runExclusive(`authorization-code:${key}`, async () => {
      const done = this.#exchanged.get(key);
      if (done) return done;
      const { tokens, repository, clock } = this.deps;
      const api = tokens.componentApi();
      const { authorization_info: granted } = await api.queryAuth(authCode);
      const appId = granted.authorizer_appid;
      const info = await tokens.componentApi(appId).getAuthorizerInfo(appId);
      await this.deps.lock.runExclusive(`account:${appId}`, async () => {
        await this.#storeAuthorized(
          appId,
          info,
          granted.func_info.map((f) => f.funcscope_category.id),
          { newPeriod: true },
        );
        await tokens.acceptAuthorization(granted);
      });
      this.#exchanged.set(key, appId);
      if (this.#exchanged.size > 1000) this.#exchanged.delete(this.#exchanged.keys().next().value as string);
      if (requestId) {
        await repository.completeAuthorizationRequest(requestId, {
          completedAt: clock.now(),
          authorizerAppId: appId,
          authCodeDigest: key,
        });
      }
      this.deps.logger.info({ appId }, "account authorized");
      return appId;
    });
  }

  /**
   * Stores what WeChat says of an authorized account. `newPeriod` (an authorization just
   * exchanged: first, renewed or updated) starts a new authorization period, with its validity.
   */
  async #storeAuthorized(
    appId: string,
    result: AuthorizerInfoResult,
    funcInfo: number[],
    options: { newPeriod: boolean },
  ): Promise<void> {
    const { repository, clock } = this.deps;
    const info = result.authorizer_info;
    const now = clock.now();
    const period = {
      authorized_at: now,
      authorization_expires_at: now + this.deps.policy.validityMs,
      unauthorized_at: null,
    };
    const fields = {
      kind: accountKindFromServiceType(info.service_type_info.id, info.MiniProgramInfo !== undefined),
      nickname: info.nick_name,
      original_id: info.user_name,
      principal_name: info.principal_name,
      head_img: info.head_img ?? null,
      service_type: info.service_type_info.id,
      verify_type: info.verify_type_info.id,
      account_status: info.account_status ?? null,
      func_info: JSON.stringify([...new Set(funcInfo)].sort((a, b) => a - b)),
      authorization_state: "authorized" as const,
      updated_at: now,
      last_token_error: null,
    };
    const existing = await repository.find(appId);
    if (!existing) {
      await repository.insert({
        id: newId(now),
        appid: appId,
        connection: "component",
        ...fields,
        declared_verified: 0,
        ...period,
        enabled: 0,
        created_at: now,
      });
      return;
    }
    if (existing.connection !== "component") {
      // The platform now holds the account: its own secret would fight the platform for tokens.
      await repository.update(appId, {
        ...fields,
        connection: "component",
        app_secret: null,
        token_url: null,
        token_header: null,
        ...period,
      });
      await this.deps.tokens.dropTokens(appId);
      return;
    }
    await repository.update(appId, { ...fields, ...(options.newPeriod ? period : {}) });
  }

  async #markUnauthorized(appId: string): Promise<void> {
    const { repository, clock, tokens } = this.deps;
    await this.deps.lock.runExclusive(`account:${appId}`, async () => {
      const row = await repository.find(appId);
      if (!row) return;
      const now = clock.now();
      await repository.update(appId, {
        authorization_state: "unauthorized",
        unauthorized_at: now,
        // No authorization, no validity; the cooling-off starts now.
        authorization_expires_at: null,
        enabled: 0,
        refresh_token: null,
        updated_at: now,
      });
      await tokens.dropTokens(appId);
    });
    this.deps.logger.info({ appId }, "account withdrew its authorization: disabled, tokens dropped");
  }

  /** Reads the account's profile from WeChat again (type, verification, status, permission sets). */
  async refreshInfo(appId: string): Promise<AccountView> {
    const row = await this.#require(appId);
    if (refreshInfoRefusal(rowFacts(row))) {
      throw errors.conflict(`${appId} is not an authorized platform account`, { reason: "not_component" });
    }
    const info = await this.deps.tokens.componentApi(appId).getAuthorizerInfo(appId);
    await this.#storeAuthorized(
      appId,
      info,
      info.authorization_info.func_info.map((f) => f.funcscope_category.id),
      { newPeriod: false },
    );
    return this.#reload(appId);
  }

  // ── direct and external connections ───────────────────────────────────────

  /** 直连: AppID + AppSecret, checked by fetching a token. */
  async connectDirect(input: {
    appId: string;
    appSecret: string;
    kind: Kind;
    nickname?: string | undefined;
    verified?: boolean | undefined;
  }): Promise<AccountView> {
    await this.#refuseTaken(input.appId);
    const { wechat, repository, clock, tokens } = this.deps;
    let token: { access_token: string; expires_in: number };
    try {
      token = await getAccessToken(wechat.client({ appId: input.appId }), {
        appId: input.appId,
        secret: input.appSecret,
      });
    } catch (error) {
      throw refusedCredential(error, "the AppID and AppSecret");
    }
    const now = clock.now();
    await repository.insert({
      ...this.#newRow(input, "direct", now),
      app_secret: repository.seal(input.appId, "app_secret", input.appSecret),
    });
    await tokens.acceptToken(tokenKeys.accessToken(input.appId), {
      value: token.access_token,
      expiresAt: now + token.expires_in * 1000,
    });
    return this.#reload(input.appId);
  }

  /** 外部中控: tokens are read from the customer's own token server, never refreshed here. */
  async connectExternal(input: {
    appId: string;
    tokenUrl: string;
    header?: string | undefined;
    kind: Kind;
    nickname?: string | undefined;
    verified?: boolean | undefined;
  }): Promise<AccountView> {
    await this.#refuseTaken(input.appId);
    const { repository, clock, tokens } = this.deps;
    await this.#checkTokenSource(input.appId, input.tokenUrl, input.header);
    const now = clock.now();
    await repository.insert({
      ...this.#newRow(input, "external", now),
      token_url: repository.seal(input.appId, "token_url", input.tokenUrl),
      token_header: input.header ? repository.seal(input.appId, "token_header", input.header) : null,
    });
    tokens.forget(input.appId);
    return this.get(input.appId);
  }

  /**
   * Fetches one token from a customer's token server, so a wrong URL is refused at once; the
   * token is kept for the account's first use.
   */
  async #checkTokenSource(appId: string, tokenUrl: string, header: string | undefined): Promise<void> {
    const production = this.deps.wechat.production;
    await checkTokenUrl(tokenUrl, { production });
    const probe = new GuardedExternalTokenCredential(
      {
        url: tokenUrl,
        ...(header ? { headers: parseHeader(header) } : {}),
        fetch: guardedFetch({ production }),
        now: () => this.deps.clock.now(),
        key: tokenKeys.externalToken(appId),
        store: this.deps.tokens.store,
      },
      { lock: this.deps.lock, onFailure: () => {} },
    );
    try {
      await probe.getToken();
    } catch (error) {
      throw refusedCredential(error, "the token URL");
    }
  }

  #newRow(
    input: { appId: string; kind: Kind; nickname?: string | undefined; verified?: boolean | undefined },
    connection: "direct" | "external",
    now: number,
  ): AccountsTable {
    return {
      id: newId(now),
      appid: input.appId,
      kind: input.kind,
      connection,
      nickname: input.nickname ?? input.appId,
      original_id: null,
      principal_name: null,
      head_img: null,
      service_type: null,
      verify_type: null,
      declared_verified: input.verified ? 1 : 0,
      account_status: null,
      func_info: "[]",
      authorization_state: "authorized",
      authorized_at: now,
      unauthorized_at: null,
      authorization_expires_at: null,
      enabled: 0,
      openid_mapping: null,
      required_permission_sets: null,
      app_secret: null,
      refresh_token: null,
      token_url: null,
      token_header: null,
      send_mode: null,
      send_app_secret: null,
      send_token_url: null,
      send_token_header: null,
      receipt_token: null,
      receipt_aes_key: null,
      receipt_mode: null,
      last_token_error: null,
      created_at: now,
      updated_at: now,
    };
  }

  async #refuseTaken(appId: string): Promise<void> {
    const existing = await this.deps.repository.find(appId);
    if (existing) {
      throw errors.conflict(`${appId} is already connected (${existing.connection})`, {
        reason: "already_connected",
        connection: existing.connection,
      });
    }
  }

  // ── settings of one account ───────────────────────────────────────────────

  async setOpenIdMapping(appId: string, property: string): Promise<AccountView> {
    await this.#require(appId);
    await this.deps.repository.update(appId, { openid_mapping: property, updated_at: this.deps.clock.now() });
    return this.#reload(appId);
  }

  async setRequiredPermissionSets(appId: string, ids: number[] | null): Promise<AccountView> {
    await this.#require(appId);
    await this.deps.repository.update(appId, {
      required_permission_sets: ids === null ? null : JSON.stringify([...new Set(ids)].sort((a, b) => a - b)),
      updated_at: this.deps.clock.now(),
    });
    return this.#reload(appId);
  }

  /**
   * Shortens (or restores) the end of the account's platform authorization: at most a year
   * after the period began, and not in the past.
   */
  async setAuthorizationExpiry(
    appId: string,
    input: { expiresAt: number } | { validityDays: number },
  ): Promise<AccountView> {
    const row = await this.#require(appId);
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
    return this.#reload(appId);
  }

  /** 开启: only when verified, holding the minimum permission sets and with an OpenID mapping. */
  async enable(appId: string): Promise<AccountView> {
    const row = await this.#require(appId);
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
    return this.#reload(appId);
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
    await this.#require(appId);
    await this.deps.repository.update(appId, { enabled: 0, updated_at: this.deps.clock.now() });
    return this.#reload(appId);
  }

  /** 小程序发送配置: the mini program's AppSecret, or its token URL. */
  async setSendConfig(
    appId: string,
    input:
      | { mode: "app_secret"; appSecret: string }
      | { mode: "token_url"; tokenUrl: string; header?: string | undefined },
  ): Promise<AccountView> {
    const row = await this.#require(appId);
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
    return this.#reload(appId);
  }

  /** 回执配置: the Token, EncodingAESKey and mode of the account's own push configuration. */
  async setReceiptConfig(
    appId: string,
    input: { token: string; encodingAESKey?: string | undefined; mode: "plaintext" | "compatible" | "safe" },
  ): Promise<AccountView> {
    await this.#require(appId);
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
    return this.#reload(appId);
  }

  // ── quota ─────────────────────────────────────────────────────────────────

  /**
   * 重置限额 (clear_quota). WeChat allows 10 a month; the 11th is refused here, before WeChat
   * is asked, so the count is never wasted on a call that must fail.
   */
  async resetQuota(actor: Actor, appId: string) {
    const row = await this.#require(appId);
    const { repository, clock, tokens } = this.deps;
    return this.deps.lock.runExclusive(`quota-reset:${appId}`, async () => {
      const now = clock.now();
      const month = beijingMonth(now);
      const limit = sendingLimits.clearQuotaPerMonth;
      const used = await repository.countQuotaResets(appId, month);
      const by = actorLabel(actor);
      if (quotaResetRefusal({ quotaResetsUsed: used, quotaResetsLimit: limit })) {
        await repository.recordQuotaReset({
          appid: appId,
          month,
          at: now,
          by,
          result: "refused",
          errcode: null,
          rid: null,
        });
        throw new PlatformError(
          "too_many_requests",
          `${row.nickname} has used its ${limit} quota resets of ${month}; the next one is possible next month`,
          { reason: "quota_reset_limit", used, limit, month },
        );
      }
      try {
        const client = await tokens.clientFor(appId, { allowDisabled: true });
        await createQuotaApi(client).clear(appId);
      } catch (error) {
        if (error instanceof WeChatApiError) {
          await repository.recordQuotaReset({
            appid: appId,
            month,
            at: now,
            by,
            result: "failed",
            errcode: error.errcode,
            rid: error.rid ?? null,
          });
        }
        throw error;
      }
      await repository.recordQuotaReset({
        appid: appId,
        month,
        at: now,
        by,
        result: "ok",
        errcode: null,
        rid: null,
      });
      return { month, used: used + 1, limit, remaining: limit - used - 1 };
    });
  }

  async quotaResets(appId: string) {
    await this.#require(appId);
    const now = this.deps.clock.now();
    const month = beijingMonth(now);
    const [history, used] = await Promise.all([
      this.deps.repository.listQuotaResets(appId),
      this.deps.repository.countQuotaResets(appId, month),
    ]);
    const limit = sendingLimits.clearQuotaPerMonth;
    return { month, used, limit, remaining: Math.max(0, limit - used), history };
  }

  /** openapi/quota/get for one API path. */
  async quota(appId: string, cgiPath: string): Promise<ApiQuotaResult["quota"]> {
    await this.#require(appId);
    const client = await this.deps.tokens.clientFor(appId, { allowDisabled: true });
    return (await createQuotaApi(client).get(cgiPath)).quota;
  }

  async apiCalls(appId: string, filter: ApiCallFilter) {
    await this.#require(appId);
    await this.deps.wechat.flushCallLog();
    const rows = await this.deps.repository.listApiCalls(appId, filter);
    return {
      items: rows.map((r) => ({
        id: r.id,
        api: r.api,
        method: r.method,
        errcode: r.errcode,
        ok: r.ok === 1,
        error: r.error,
        rid: r.rid,
        attempt: r.attempt,
        latencyMs: r.latency_ms,
        at: r.at,
      })),
      nextBefore: rows.length === filter.limit ? (rows.at(-1)?.id ?? null) : null,
    };
  }

  // ── deletion ──────────────────────────────────────────────────────────────

  /**
   * 删除: only once WeChat no longer authorizes the platform (or for direct and external
   * connections), after the operator typed the account's name. Every row of the account goes,
   * in every module (through the purge hooks).
   */
  async delete(appId: string, confirm: string): Promise<PurgeReport> {
    const row = await this.#require(appId);
    const refused = deleteRefusal(rowFactsAt(row, this.deps.clock.now(), this.deps.policy));
    if (refused === "still_authorized") {
      throw errors.conflict(
        `${appId} still authorizes the platform; withdraw the authorization on WeChat's side first`,
        { reason: "still_authorized" },
      );
    }
    const until = coolingOffEnd(row, this.deps.policy);
    if (refused === "cooling_off" && until !== undefined) {
      // Its own code, as the README promises: a client tells a frozen account from other conflicts.
      throw new PlatformError(
        "cooling_off",
        `${appId} withdrew its authorization ${new Date(row.unauthorized_at ?? 0).toISOString()}; it stays frozen in its cooling-off until ${new Date(until).toISOString()}`,
        { reason: "cooling_off", until },
      );
    }
    if (confirm !== row.nickname) {
      throw errors.validation("the confirmation does not match the account's name", {
        reason: "confirmation_mismatch",
      });
    }
    const { wechat, repository, tokens } = this.deps;
    return this.deps.lock.runExclusive(`account:${appId}`, async () => {
      tokens.forget(appId);
      await wechat.flushCallLog();
      // The account's own rows first: from then on the gateway refuses pushes for it, so the
      // other modules' purge (events, deliveries) is not raced by a late push.
      const report = await repository.purge(appId);
      for (const hook of wechat.purgeHooks()) Object.assign(report, (await hook(appId)) ?? {});
      await tokens.dropTokens(appId);
      this.deps.logger.info({ appId, report }, "account deleted");
      return report;
    });
  }
}

/** WeChat refused credentials given by an operator: a 400 with WeChat's errcode and rid. */
function refusedCredential(error: unknown, what: string): unknown {
  if (error instanceof WeChatApiError) {
    return new PlatformError("validation_failed", `WeChat refused ${what}: ${error.errmsg}`, {
      reason: "credential_refused",
      errcode: error.errcode,
      errmsg: error.errmsg,
      rid: error.rid ?? null,
    });
  }
  if (error instanceof WeChatError) {
    return new PlatformError("validation_failed", `${what} could not be checked: ${error.message}`, {
      reason: "credential_unchecked",
      code: error.code,
    });
  }
  return error;
}
