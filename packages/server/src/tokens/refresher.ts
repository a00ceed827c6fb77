import {
  type CachedCredential,
  type ComponentAccessTokenCredential,
  ExternalTokenCredential,
  type StoredToken,
  type TicketStore,
  tokenKeys,
} from "@wxgate/wechat";
import { BackgroundJob } from "../platform/background-job.js";
import { PlatformError } from "../platform/errors.js";
import type { Logger } from "../platform/logger.js";
import type { Clock } from "../platform/ports.js";
import { REFRESH_AHEAD_MS } from "./service.js";
import type { ExpiringToken, SqlTokenStore } from "./stores.js";

/** What one run did with the tokens it found due. */
export interface RefreshReport {
  /** Fresh again: refreshed by this run, or by a request's refresh it joined. */
  refreshed: number;
  /** Still due after the attempt; the error is on the account (`last_token_error`) or in the log. */
  failed: number;
  /** Not to be refreshed here: account not in use, external token, no ticket, a key no longer used. */
  skipped: number;
}

/** What the refresher needs of the token service (`TokenService` provides it). */
export interface RefresherTokens {
  readonly store: Pick<SqlTokenStore, "expiringBy" | "get">;
  readonly tickets: Pick<TicketStore, "getTicket">;
  /** @throws {PlatformError} when no platform is configured (or the sandbox is not up yet) */
  componentCredential(): PlatformCredential;
  /** @throws {PlatformError} when the account may not use tokens now (the token endpoint's refusals) */
  credentialFor(appId: string): Promise<CachedCredential>;
}

/** The platform's component_access_token credential. */
export type PlatformCredential = CachedCredential & Pick<ComponentAccessTokenCredential, "componentAppId">;

type Outcome = keyof RefreshReport;

/** Accounts refreshed at the same time in one run: enough to catch up, gentle on WeChat. */
const CONCURRENCY = 4;
const COMPONENT_KEY_PREFIX = tokenKeys.componentAccessToken("");

/**
 * Refreshes, in the background, every stored token that is within the refresh-ahead window
 * (or already expired) and that an account in use needs, so callers never wait for a refresh.
 * It goes through the token service's own credential objects: the rules of who may use tokens
 * are the token endpoint's, and a refresh it starts and one a request starts are one refresh
 * (single-flight per credential, under the deployment's lock).
 */
export class TokenRefresher extends BackgroundJob<RefreshReport> {
  constructor(
    private readonly deps: {
      tokens: RefresherTokens;
      clock: Clock;
      logger: Logger;
    },
  ) {
    super("the background token refresh", deps.logger);
  }

  protected work(): Promise<RefreshReport> {
    return this.#refreshDue();
  }

  async #refreshDue(): Promise<RefreshReport> {
    const due = await this.deps.tokens.store.expiringBy(this.deps.clock.now() + REFRESH_AHEAD_MS);
    const report: RefreshReport = { refreshed: 0, failed: 0, skipped: 0 };
    const platform = due.filter((token) => token.key.startsWith(COMPONENT_KEY_PREFIX));
    const accounts = due.filter((token) => !token.key.startsWith(COMPONENT_KEY_PREFIX));
    // The platform's token first: an authorizer's refresh is made with it.
    for (const token of platform) report[await this.#platformToken(token)]++;
    await eachAtMost(CONCURRENCY, accounts, async (token) => {
      report[await this.#accountToken(token)]++;
    });
    if (report.refreshed + report.failed > 0) {
      this.deps.logger.info(report, "background token refresh");
    }
    return report;
  }

  async #platformToken(token: ExpiringToken): Promise<Outcome> {
    const { tokens, logger } = this.deps;
    let credential: PlatformCredential;
    try {
      credential = tokens.componentCredential();
    } catch (error) {
      return this.#notRefreshed(error, token);
    }
    // Another platform's token (the configuration changed) is left to expire.
    if (credential.key !== token.key) return "skipped";
    // Without a ticket the refresh could only fail; WeChat pushes one every 10 minutes.
    if (!(await tokens.tickets.getTicket(credential.componentAppId))) {
      logger.debug({ appId: token.appId }, "component_access_token due, but no ticket to refresh it with");
      return "skipped";
    }
    return this.#refresh(credential);
  }

  async #accountToken(token: ExpiringToken): Promise<Outcome> {
    let credential: CachedCredential;
    try {
      credential = await this.deps.tokens.credentialFor(token.appId);
    } catch (error) {
      return this.#notRefreshed(error, token);
    }
    // Skipped, not re-read: the customer's token server refreshes its own tokens, and wxgate
    // reads the new one on use, 30 s before the expiry that server announced. Polling it here
    // would only add load on the customer's server.
    if (credential instanceof ExternalTokenCredential) return "skipped";
    // A token the account no longer uses (its connection changed) is left to expire.
    if (credential.key !== token.key) return "skipped";
    return this.#refresh(credential);
  }

  /**
   * Asks the credential for its token, exactly as the token endpoint does: a due token is
   * refreshed (or the refresh in flight joined); a failure is recorded by the credential's guard
   * and the old token stays in the store, served while it is valid. Within 30 s of a failed
   * refresh the credential serves the old token without asking again (its own back-off): such a
   * token counts as failed, and the next run tries it.
   */
  async #refresh(credential: CachedCredential): Promise<Outcome> {
    const { store } = this.deps.tokens;
    // A request refreshed it since the query: nothing left to do.
    if (this.#fresh(await store.get(credential.key))) return "skipped";
    try {
      await credential.getToken();
    } catch {
      // Recorded by the guard (on the account, or in the log for the platform's token).
      return "failed";
    }
    return this.#fresh(await store.get(credential.key)) ? "refreshed" : "failed";
  }

  #fresh(token: StoredToken | undefined): boolean {
    return token !== undefined && token.expiresAt - REFRESH_AHEAD_MS > this.deps.clock.now();
  }

  /** Refusals (disabled, de-authorized, lapsed, no credential, deleted, no platform) are skips. */
  #notRefreshed(error: unknown, token: ExpiringToken): Outcome {
    if (error instanceof PlatformError) {
      this.deps.logger.debug(
        { appId: token.appId, code: error.code, details: error.details },
        "token due but not refreshed ahead",
      );
      return "skipped";
    }
    this.deps.logger.warn(
      { err: error, appId: token.appId },
      "the token refresher could not load a credential",
    );
    return "failed";
  }
}

/** Calls `fn` for every item, at most `limit` at a time. */
async function eachAtMost<T>(limit: number, items: readonly T[], fn: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
