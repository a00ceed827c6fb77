import { getAccessToken, tokenKeys, WeChatApiError, WeChatError } from "@wxgate/wechat";
import { errors, PlatformError } from "../platform/errors.js";
import { newId } from "../platform/ids.js";
import { type Actor, requireReach } from "../platform/policy.js";
import { checkTokenUrl, GuardedExternalTokenCredential, guardedFetch, parseHeader } from "../tokens/index.js";
import type { AccountDeps, AccountReader } from "./reading.js";
import type { AccountsTable } from "./tables.js";
import type { AccountView } from "./views.js";

type Kind = AccountsTable["kind"];

/** Connecting an account without the platform: with its AppSecret, or to the customer's token server. */
export class AccountConnection {
  constructor(
    private readonly deps: AccountDeps,
    private readonly reader: AccountReader,
  ) {}

  /** 直连: AppID + AppSecret, checked by fetching a token. Only an account in the actor's reach. */
  async connectDirect(
    actor: Pick<Actor, "reach" | "userId">,
    input: {
      appId: string;
      appSecret: string;
      kind: Kind;
      nickname?: string | undefined;
      verified?: boolean | undefined;
    },
  ): Promise<AccountView> {
    requireReach(actor, "accounts.connect", input.appId);
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
    await this.deps.bus.request("accounts.connected", { appId: input.appId, userId: actor.userId });
    return this.reader.reload(input.appId);
  }

  /**
   * 外部中控: tokens are read from the customer's own token server, never refreshed here. Only
   * an account in the actor's reach.
   */
  async connectExternal(
    actor: Pick<Actor, "reach" | "userId">,
    input: {
      appId: string;
      tokenUrl: string;
      header?: string | undefined;
      kind: Kind;
      nickname?: string | undefined;
      verified?: boolean | undefined;
    },
  ): Promise<AccountView> {
    requireReach(actor, "accounts.connect", input.appId);
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
    await this.deps.bus.request("accounts.connected", { appId: input.appId, userId: actor.userId });
    return this.reader.get(input.appId);
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
