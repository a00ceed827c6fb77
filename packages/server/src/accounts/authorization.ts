import { createHash } from "node:crypto";
import {
  type AuthorizerInfoResult,
  accountKindFromServiceType,
  type ComponentAuthType,
  type InboundMessage,
} from "@wxgate/wechat";
import { errors, PlatformError } from "../platform/errors.js";
import { newId } from "../platform/ids.js";
import { type Actor, actorLabel, requireReach } from "../platform/policy.js";
import { beijingMonthBounds } from "./month.js";
import { refreshInfoRefusal, rowFacts } from "./policy.js";
import { qrCodeImage } from "./qr-code.js";
import type { AccountDeps, AccountReader } from "./reading.js";
import type { AccountView } from "./views.js";

/** Where WeChat sends the browser after the administrator confirmed. */
export const AUTHORIZED_PATH = "/wechat/authorized";

/** A pre-auth link, ready to show as a QR code (PC) and a link (mobile). */
export interface AuthorizationLink {
  id: string;
  pcUrl: string;
  mobileUrl: string;
  /** `data:image/png;base64,…` of `mobileUrl`. */
  qrCode: string;
  expiresAt: number;
}

function digest(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/**
 * Platform authorization (授权): pre-auth links within the month's limit, the exchange of an
 * auth_code (from the redirect or the push, whichever comes first), the platform's pushes
 * (tickets, authorizations, withdrawals) and refreshing an authorizer's info.
 */
export class AccountAuthorization {
  /** auth_code digests already exchanged → authorizer appid (the push and the redirect race). */
  readonly #exchanged = new Map<string, string>();

  constructor(
    private readonly deps: AccountDeps,
    private readonly reader: AccountReader,
  ) {}

  /**
   * A new pre-auth link (授权链接) for the PC page and the mobile page. The platform may start
   * a limited number a month (Beijing time): beyond it the request is refused here, before
   * WeChat is asked.
   */
  async createAuthorization(
    actor: Actor | undefined,
    input: { authType?: ComponentAuthType | undefined; bizAppId?: string | undefined },
  ): Promise<AuthorizationLink> {
    // A link offering one account only: an account the actor reaches.
    if (actor && input.bizAppId !== undefined) requireReach(actor, "accounts.authorize", input.bizAppId);
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
      qrCode: await qrCodeImage(mobileUrl),
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
    const row = await this.reader.require(appId);
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
    return this.reader.get(appId);
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
    const row = await this.reader.require(appId);
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
    return this.reader.reload(appId);
  }
}
