import {
  type AuthorizationInfo,
  type CachedCredential,
  type ComponentApi,
  createComponentApi,
  type StoredToken,
  type TokenProvider,
  tokenKeys,
  WeChatApiError,
  type WeChatClient,
  WeChatError,
} from "@wxgate/wechat";
import type { Kysely } from "kysely";
import { PlatformError } from "../platform/errors.js";
import type { Logger } from "../platform/logger.js";
import type { Clock, Lock } from "../platform/ports.js";
import type { SecretBox } from "../platform/secrets.js";
import type { Database } from "../platform/store/schema.js";
import type { WeChatConnection } from "../platform/wechat.js";
import {
  GuardedAccessTokenCredential,
  GuardedAuthorizerAccessTokenCredential,
  GuardedComponentAccessTokenCredential,
  GuardedExternalTokenCredential,
  type RefreshGuard,
} from "./credentials.js";
import { guardedFetch } from "./external-url.js";
import type { TokenAccount, TokenAccounts } from "./ports.js";
import { SqlTicketStore, SqlTokenStore } from "./stores.js";

/** An access token as the token endpoint hands it out. */
export interface IssuedToken {
  accessToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** Whether a caller may use an account that is not enabled (account management does; operations do not). */
export interface UseOptions {
  allowDisabled?: boolean;
}

interface Entry {
  generation: number;
  credential: CachedCredential;
  client: WeChatClient;
  enabled: boolean;
  authorized: boolean;
  /** End of the platform authorization; null when it does not end (direct, external). */
  authorizationExpiresAt: number | null;
}

/** Refresh a token this long before it expires (on use, and by the background refresher). */
export const REFRESH_AHEAD_MS = 5 * 60_000;

/** Stable reasons of refusals, in `details.reason`. */
export const tokenRefusals = {
  disabled: "account_disabled",
  unauthorized: "account_unauthorized",
  lapsed: "authorization_lapsed",
  noCredential: "account_has_no_credential",
} as const;

/**
 * The central token server (中控): one credential object per account in this process (so the
 * SDK's single-flight holds), refreshes under the deployment lock, tokens stored encrypted and
 * served from memory, the last refresh failure recorded on the account.
 */
export class TokenService {
  readonly store: SqlTokenStore;
  readonly tickets: SqlTicketStore;
  readonly #entries = new Map<string, Entry>();
  #component: { generation: number; credential: GuardedComponentAccessTokenCredential } | undefined;
  #accounts: TokenAccounts | undefined;

  constructor(
    private readonly deps: {
      db: Kysely<Database>;
      secrets: SecretBox;
      clock: Clock;
      lock: Lock;
      wechat: WeChatConnection;
      logger: Logger;
    },
  ) {
    this.store = new SqlTokenStore(deps.db, deps.secrets, deps.clock);
    this.tickets = new SqlTicketStore(deps.db, deps.secrets, deps.clock);
    deps.wechat.onChange(() => {
      this.#entries.clear();
      this.#component = undefined;
    });
  }

  /** Called once by the accounts module, which owns the accounts this service serves. */
  serveAccounts(accounts: TokenAccounts): void {
    if (this.#accounts) throw new Error("the token service serves one set of accounts");
    this.#accounts = accounts;
  }

  #requireAccounts(): TokenAccounts {
    if (!this.#accounts) throw new Error("the accounts module is not mounted");
    return this.#accounts;
  }

  /** The platform's component_access_token credential (one per process). */
  componentCredential(): GuardedComponentAccessTokenCredential {
    const { wechat } = this.deps;
    const platform = wechat.platform();
    if (this.#component?.generation !== wechat.generation) {
      const credential = new GuardedComponentAccessTokenCredential(
        {
          componentAppId: platform.componentAppId,
          componentSecret: platform.secret,
          client: wechat.client({ appId: platform.componentAppId }),
          ticketStore: this.tickets,
          store: this.store,
          refreshAheadMs: REFRESH_AHEAD_MS,
          now: () => this.deps.clock.now(),
        },
        this.#guard(undefined),
      );
      this.#component = { generation: wechat.generation, credential };
    }
    return this.#component.credential;
  }

  /** The platform's APIs with its token; calls are logged under `appId` (default the platform's). */
  componentApi(appId?: string): ComponentApi {
    const { wechat } = this.deps;
    const platform = wechat.platform();
    return createComponentApi(wechat.client({ appId: appId ?? platform.componentAppId }), {
      componentAppId: platform.componentAppId,
      token: this.componentCredential(),
    });
  }

  /** A token valid now for the account (refreshed ahead of expiry; the old one while a refresh fails). */
  async accessToken(appId: string, options: UseOptions = {}): Promise<IssuedToken> {
    const entry = await this.#usable(appId, options);
    const value = await entry.credential.getToken();
    return { accessToken: value, expiresAt: await this.#expiryOf(entry.credential, value) };
  }

  /**
   * WeChat (or a client) says `staleToken` no longer works: refresh once, however many callers
   * report the same token at the same time, and hand out the new one. Without `staleToken`
   * the stored token is replaced (concurrent callers share one refresh).
   */
  async invalidate(appId: string, staleToken?: string, options: UseOptions = {}): Promise<IssuedToken> {
    const entry = await this.#usable(appId, options);
    const { credential } = entry;
    const lock = this.deps.lock;
    const value =
      staleToken === undefined
        ? await lock.singleFlight(`token-force:${credential.key}`, async () => {
            await credential.invalidate();
            return credential.getToken();
          })
        : await lock.runExclusive(`token-invalidate:${credential.key}`, async () => {
            await credential.invalidate(staleToken);
            return credential.getToken();
          });
    return { accessToken: value, expiresAt: await this.#expiryOf(credential, value) };
  }

  /** The account's token source for other modules. */
  async tokenProviderFor(appId: string, options: UseOptions = {}): Promise<TokenProvider> {
    return (await this.#usable(appId, options)).credential;
  }

  /**
   * The account's credential under the token endpoint's rules (refusals are the same
   * `PlatformError`s): the very object the endpoint uses, so a refresh started here and one
   * started by a request are one refresh.
   */
  async credentialFor(appId: string): Promise<CachedCredential> {
    return (await this.#usable(appId, {})).credential;
  }

  /** A logged client that adds the account's token and recovers from a rejected one. */
  async clientFor(appId: string, options: UseOptions = {}): Promise<WeChatClient> {
    return (await this.#usable(appId, options)).client;
  }

  /** Forgets the cached state of an account after it changed (enabled, secrets, authorization). */
  forget(appId: string): void {
    this.#entries.delete(appId);
  }

  /** Keeps the first token and the refresh token an authorization granted. */
  async acceptAuthorization(info: AuthorizationInfo): Promise<void> {
    const appId = info.authorizer_appid;
    await this.#requireAccounts().refreshTokens.set(appId, info.authorizer_refresh_token);
    const platform = this.deps.wechat.platform();
    await this.store.set(tokenKeys.authorizerAccessToken(platform.componentAppId, appId), {
      value: info.authorizer_access_token,
      expiresAt: this.deps.clock.now() + info.expires_in * 1000,
    });
    this.forget(appId);
  }

  /** Keeps a token fetched while connecting an account, so its first use needs no refresh. */
  async acceptToken(key: string, token: StoredToken): Promise<void> {
    await this.store.set(key, token);
  }

  /**
   * Drops every stored token of the account (de-authorization, deletion).
   * @returns how many stored tokens it deleted
   */
  async dropTokens(appId: string): Promise<number> {
    this.forget(appId);
    return this.store.deleteForAccount(appId);
  }

  async #usable(appId: string, options: UseOptions): Promise<Entry> {
    const entry = await this.#entry(appId);
    if (!entry.authorized) {
      throw new PlatformError("conflict", `${appId} has withdrawn its authorization`, {
        reason: tokenRefusals.unauthorized,
        appId,
      });
    }
    // Decided by the clock at each use, so a lapse needs no job to take effect.
    const expiresAt = entry.authorizationExpiresAt;
    if (expiresAt !== null && this.deps.clock.now() >= expiresAt) {
      throw new PlatformError("conflict", `${appId}'s authorization ended; authorize it again`, {
        reason: tokenRefusals.lapsed,
        appId,
        expiredAt: expiresAt,
      });
    }
    if (!entry.enabled && !options.allowDisabled) {
      throw new PlatformError("conflict", `${appId} is disabled`, { reason: tokenRefusals.disabled, appId });
    }
    return entry;
  }

  async #entry(appId: string): Promise<Entry> {
    const cached = this.#entries.get(appId);
    if (cached && cached.generation === this.deps.wechat.generation) return cached;
    return this.deps.lock.singleFlight(`token-entry:${appId}`, async () => {
      const again = this.#entries.get(appId);
      if (again && again.generation === this.deps.wechat.generation) return again;
      const account = await this.#requireAccounts().find(appId);
      if (!account) throw new PlatformError("not_found", `account ${appId} was not found`);
      const entry = this.#build(account);
      this.#entries.set(appId, entry);
      return entry;
    });
  }

  #build(account: TokenAccount): Entry {
    const { wechat, clock } = this.deps;
    const { appId, source } = account;
    const common = { store: this.store, refreshAheadMs: REFRESH_AHEAD_MS, now: () => clock.now() };
    const guard = this.#guard(appId);
    const client = wechat.client({ appId });
    let credential: CachedCredential;
    if (source.kind === "component") {
      const platform = wechat.platform();
      credential = new GuardedAuthorizerAccessTokenCredential(
        {
          ...common,
          componentAppId: platform.componentAppId,
          authorizerAppId: appId,
          component: this.componentCredential(),
          client,
          refreshTokenStore: this.#requireAccounts().refreshTokens,
        },
        guard,
      );
    } else if (source.kind === "url") {
      if (!source.url) throw this.#noCredential(appId);
      credential = new GuardedExternalTokenCredential(
        {
          ...common,
          refreshAheadMs: 30_000,
          url: source.url,
          key: tokenKeys.externalToken(appId),
          ...(source.header ? { headers: parseHeader(source.header) } : {}),
          fetch: guardedFetch({ production: wechat.production }),
        },
        guard,
      );
    } else {
      if (!source.secret) throw this.#noCredential(appId);
      credential = new GuardedAccessTokenCredential(
        { ...common, appId, secret: source.secret, client },
        guard,
      );
    }
    return {
      generation: wechat.generation,
      credential,
      client: client.withToken(credential),
      enabled: account.enabled,
      authorized: account.authorized,
      authorizationExpiresAt: account.authorizationExpiresAt,
    };
  }

  #noCredential(appId: string): PlatformError {
    return new PlatformError("conflict", `${appId} has no credential to get tokens with`, {
      reason: tokenRefusals.noCredential,
      appId,
    });
  }

  async #expiryOf(credential: CachedCredential, value: string): Promise<number> {
    const stored = await this.store.get(credential.key);
    return stored?.value === value ? stored.expiresAt : this.deps.clock.now();
  }

  #guard(appId: string | undefined): RefreshGuard {
    return {
      lock: this.deps.lock,
      onFailure: (error) => {
        if (appId === undefined) {
          this.deps.logger.warn({ err: error }, "the component_access_token could not be refreshed");
          return;
        }
        const failure = {
          code: error instanceof WeChatError ? error.code : "internal_error",
          errcode: error instanceof WeChatApiError ? error.errcode : null,
          rid: error instanceof WeChatApiError ? (error.rid ?? null) : null,
          at: this.deps.clock.now(),
        };
        this.deps.logger.warn({ appId, ...failure }, "a token refresh failed");
        return this.#requireAccounts()
          .recordFailure(appId, JSON.stringify(failure))
          .catch((err: unknown) =>
            this.deps.logger.warn({ err, appId }, "the token failure was not recorded"),
          );
      },
    };
  }
}

/** `Name: value` → `{name: value}` (the one extra header a token server may want). */
export function parseHeader(text: string): Record<string, string> {
  const index = text.indexOf(":");
  if (index <= 0) return {};
  return { [text.slice(0, index).trim().toLowerCase()]: text.slice(index + 1).trim() };
}
