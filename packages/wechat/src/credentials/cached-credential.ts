import type { TokenProvider } from "../client/index.js";
import { MemoryTokenStore, type StoredToken, type TokenStore } from "./stores.js";

/** Options every credential shares. */
export interface CredentialCacheOptions {
  /** Where the token is kept; default a {@link MemoryTokenStore} of its own. */
  store?: TokenStore;
  /** Refresh a token this long before it expires; default 5 minutes. */
  refreshAheadMs?: number;
  /**
   * After a failed refresh, keep serving the still-valid old token for this long before trying
   * again, so a WeChat outage does not turn every call into a token request. Default 30 s.
   */
  retryAfterFailureMs?: number;
  /** Clock in epoch ms; injectable for tests. */
  now?: () => number;
}

/**
 * A token kept in a {@link TokenStore} and fetched again when missing, expired or about to
 * expire. Concurrent callers in one process share one fetch (single-flight).
 */
export abstract class CachedCredential implements TokenProvider {
  /** The store key of this token (see `tokenKeys`). */
  readonly key: string;
  protected readonly store: TokenStore;
  protected readonly now: () => number;
  private readonly refreshAheadMs: number;
  private readonly retryAfterFailureMs: number;
  private inflight: Promise<StoredToken> | undefined;
  /** Bumped by every successful fetch, so a caller that read the store before it can tell. */
  private generation = 0;
  private latest: StoredToken | undefined;
  private lastFailureAt: number | undefined;

  protected constructor(key: string, options: CredentialCacheOptions) {
    this.key = key;
    this.store = options.store ?? new MemoryTokenStore();
    this.now = options.now ?? Date.now;
    this.refreshAheadMs = options.refreshAheadMs ?? 5 * 60_000;
    this.retryAfterFailureMs = options.retryAfterFailureMs ?? 30_000;
  }

  /** Fetches a new token from its source (WeChat, a token server). */
  protected abstract fetchToken(): Promise<StoredToken>;

  /** Called when `invalidate` actually dropped the token (stable tokens then force a new one). */
  protected onDropped(): void {}

  /** A valid token: the stored one, or a fresh one when it is missing or within refreshAheadMs of expiry. */
  async getToken(): Promise<string> {
    const generation = this.generation;
    const stored = await this.store.get(this.key);
    if (stored && this.isFresh(stored)) return stored.value;
    if (generation !== this.generation && this.latest && this.isFresh(this.latest)) return this.latest.value;

    const stillValid = stored && stored.expiresAt > this.now() ? stored : undefined;
    if (!this.inflight && stillValid && this.failedRecently()) return stillValid.value;
    try {
      return (await this.refreshShared()).value;
    } catch (error) {
      // Refreshing ahead failed but the old token has not expired yet: it still works.
      if (stillValid) return stillValid.value;
      throw error;
    }
  }

  /** Fetches a new token now, whatever is stored (joins a fetch already under way). */
  async refresh(): Promise<string> {
    return (await this.refreshShared()).value;
  }

  /**
   * Drops the stored token if it is still `staleToken` (or whatever is stored, without one), so
   * that many callers reporting the same rejected token cause a single refresh.
   */
  async invalidate(staleToken?: string): Promise<void> {
    if (staleToken === undefined) {
      this.latest = undefined;
      await this.store.delete(this.key);
      this.onDropped();
      return;
    }
    // A fetch under way or finished meanwhile replaces the stale token already.
    if (this.inflight) return;
    const generation = this.generation;
    const stored = await this.store.get(this.key);
    if (stored?.value !== staleToken || this.inflight || generation !== this.generation) return;
    if (this.latest?.value === staleToken) this.latest = undefined;
    await this.store.delete(this.key);
    this.onDropped();
  }

  private failedRecently(): boolean {
    return this.lastFailureAt !== undefined && this.now() - this.lastFailureAt < this.retryAfterFailureMs;
  }

  private isFresh(token: StoredToken): boolean {
    return token.expiresAt - this.refreshAheadMs > this.now();
  }

  private refreshShared(): Promise<StoredToken> {
    if (!this.inflight) {
      const run = async () => {
        try {
          const token = await this.fetchToken();
          await this.store.set(this.key, token);
          this.latest = token;
          this.generation++;
          this.lastFailureAt = undefined;
          return token;
        } catch (error) {
          this.lastFailureAt = this.now();
          throw error;
        } finally {
          this.inflight = undefined;
        }
      };
      this.inflight = run();
    }
    return this.inflight;
  }
}
