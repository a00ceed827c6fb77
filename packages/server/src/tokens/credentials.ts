import {
  AccessTokenCredential,
  type AccessTokenCredentialOptions,
  AuthorizerAccessTokenCredential,
  type AuthorizerAccessTokenCredentialOptions,
  ComponentAccessTokenCredential,
  type ComponentAccessTokenCredentialOptions,
  ExternalTokenCredential,
  type ExternalTokenCredentialOptions,
  type StoredToken,
} from "@wxgate/wechat";
import type { Lock } from "../platform/ports.js";

/**
 * What every credential of the server adds to the SDK's: refreshes go through the deployment's
 * lock (one in flight per credential key, across processes with a shared lock) and failures
 * are reported, so the account can show its last token error.
 */
export interface RefreshGuard {
  lock: Lock;
  /**
   * Called with the error of a failed refresh, and awaited before the error reaches the caller
   * (so whatever it records is there once the caller is answered); must not throw or reject.
   */
  onFailure(error: unknown): void | Promise<void>;
}

async function guarded(
  key: string,
  guard: RefreshGuard,
  fetch: () => Promise<StoredToken>,
): Promise<StoredToken> {
  try {
    return await guard.lock.singleFlight(`token-refresh:${key}`, fetch);
  } catch (error) {
    await guard.onFailure(error);
    throw error;
  }
}

/** An account's own token (AppID + AppSecret), refreshed under the lock. */
export class GuardedAccessTokenCredential extends AccessTokenCredential {
  readonly #guard: RefreshGuard;
  constructor(options: AccessTokenCredentialOptions, guard: RefreshGuard) {
    super(options);
    this.#guard = guard;
  }
  protected override fetchToken(): Promise<StoredToken> {
    return guarded(this.key, this.#guard, () => super.fetchToken());
  }
}

/** An authorizer's token held by the platform, refreshed under the lock. */
export class GuardedAuthorizerAccessTokenCredential extends AuthorizerAccessTokenCredential {
  readonly #guard: RefreshGuard;
  constructor(options: AuthorizerAccessTokenCredentialOptions, guard: RefreshGuard) {
    super(options);
    this.#guard = guard;
  }
  protected override fetchToken(): Promise<StoredToken> {
    return guarded(this.key, this.#guard, () => super.fetchToken());
  }
}

/** The platform's component_access_token, refreshed under the lock. */
export class GuardedComponentAccessTokenCredential extends ComponentAccessTokenCredential {
  readonly #guard: RefreshGuard;
  constructor(options: ComponentAccessTokenCredentialOptions, guard: RefreshGuard) {
    super(options);
    this.#guard = guard;
  }
  protected override fetchToken(): Promise<StoredToken> {
    return guarded(this.key, this.#guard, () => super.fetchToken());
  }
}

/** A token read from the customer's token server, under the lock. */
export class GuardedExternalTokenCredential extends ExternalTokenCredential {
  readonly #guard: RefreshGuard;
  constructor(options: ExternalTokenCredentialOptions, guard: RefreshGuard) {
    super(options);
    this.#guard = guard;
  }
  protected override fetchToken(): Promise<StoredToken> {
    return guarded(this.key, this.#guard, () => super.fetchToken());
  }
}
