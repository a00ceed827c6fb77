import type { RefreshTokenStore } from "@wxgate/wechat";

/** What an account's token is got with, as the accounts module's settings say. */
export type TokenSource =
  /** Through the third-party platform (an authorizer token). */
  | { kind: "component" }
  /** With the account's AppSecret; undefined when none is stored. */
  | { kind: "secret"; secret: string | undefined }
  /** From the customer's token server; undefined url when none is stored. */
  | { kind: "url"; url: string | undefined; header: string | undefined };

/** An account as the token service needs it, secrets opened. */
export interface TokenAccount {
  appId: string;
  enabled: boolean;
  /** False once the account withdrew its authorization of the platform. */
  authorized: boolean;
  /** End of the platform authorization; null when it does not end (direct, external). */
  authorizationExpiresAt: number | null;
  source: TokenSource;
}

/**
 * The accounts the token service serves, implemented by the accounts module (which owns their
 * rows) and handed to it with `TokenService.serveAccounts`: tokens never reads `accounts`.
 */
export interface TokenAccounts {
  find(appId: string): Promise<TokenAccount | undefined>;
  /** Keeps the last refresh failure on the account (JSON), for the operator to see. */
  recordFailure(appId: string, failure: string): Promise<void>;
  /** Where platform authorizations keep their refresh tokens. */
  refreshTokens: RefreshTokenStore;
}
