import type { RefreshTokenStore } from "@wxgate/wechat";
import type { Clock } from "../platform/ports.js";
import type { TokenAccount, TokenAccounts } from "../tokens/index.js";
import type { AccountRepository, AccountRow } from "./repository.js";

/**
 * The accounts as the tokens module needs them: which credential gets an account's token
 * (its connection, and for a mini program the credential it sends with), secrets opened.
 */
export class AccountTokenSource implements TokenAccounts {
  readonly refreshTokens: RefreshTokenStore;

  constructor(
    private readonly repository: AccountRepository,
    clock: Clock,
  ) {
    this.refreshTokens = {
      get: (appId) => repository.refreshToken(appId),
      set: (appId, refreshToken) => repository.setRefreshToken(appId, refreshToken, clock.now()),
    };
  }

  async find(appId: string): Promise<TokenAccount | undefined> {
    const row = await this.repository.find(appId);
    return row ? this.#toTokenAccount(row) : undefined;
  }

  async recordFailure(appId: string, failure: string): Promise<void> {
    await this.repository.update(appId, { last_token_error: failure });
  }

  #toTokenAccount(row: AccountRow): TokenAccount {
    const { repository } = this;
    const sendSecret = row.kind === "miniprogram" && row.send_mode === "app_secret";
    const sendUrl = row.kind === "miniprogram" && row.send_mode === "token_url";
    const source: TokenAccount["source"] =
      row.connection === "component"
        ? { kind: "component" }
        : (row.connection === "external" && !sendSecret) || sendUrl
          ? {
              kind: "url",
              url: repository.open(row, sendUrl ? "send_token_url" : "token_url"),
              header: repository.open(row, sendUrl ? "send_token_header" : "token_header"),
            }
          : { kind: "secret", secret: repository.open(row, sendSecret ? "send_app_secret" : "app_secret") };
    return {
      appId: row.appid,
      enabled: row.enabled === 1,
      authorized: row.authorization_state === "authorized",
      authorizationExpiresAt: row.connection === "component" ? row.authorization_expires_at : null,
      source,
    };
  }
}
