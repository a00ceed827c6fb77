import type { AuthorizationInfo } from "../api/component.js";
import { COMPONENT_TOKEN_QUERY, getAuthorizerAccessToken } from "../api/component.js";
import type { TokenProvider, WeChatClient } from "../client/index.js";
import { WeChatConfigError } from "../errors/index.js";
import { CachedCredential, type CredentialCacheOptions } from "./cached-credential.js";
import { MissingRefreshTokenError } from "./errors.js";
import { tokenKeys } from "./keys.js";
import type { RefreshTokenStore, StoredToken } from "./stores.js";

/** Options of an {@link AuthorizerAccessTokenCredential}. */
export interface AuthorizerAccessTokenCredentialOptions extends CredentialCacheOptions {
  componentAppId: string;
  authorizerAppId: string;
  /** The platform's own token (normally a ComponentAccessTokenCredential). */
  component: TokenProvider;
  client: WeChatClient;
  refreshTokenStore: RefreshTokenStore;
}

/**
 * The access token a third-party platform holds for one authorizer, refreshed with the stored
 * authorizer_refresh_token. Stored under `tokenKeys.authorizerAccessToken(componentAppId, authorizerAppId)`.
 * @throws MissingRefreshTokenError from getToken() when the authorizer has no refresh token stored
 */
export class AuthorizerAccessTokenCredential extends CachedCredential {
  readonly componentAppId: string;
  readonly authorizerAppId: string;
  readonly #componentClient: WeChatClient;
  readonly #refreshTokens: RefreshTokenStore;

  constructor(options: AuthorizerAccessTokenCredentialOptions) {
    if (!options.componentAppId || !options.authorizerAppId) {
      throw new WeChatConfigError("componentAppId and authorizerAppId are required");
    }
    super(tokenKeys.authorizerAccessToken(options.componentAppId, options.authorizerAppId), options);
    this.componentAppId = options.componentAppId;
    this.authorizerAppId = options.authorizerAppId;
    this.#componentClient = options.client.withToken(options.component, COMPONENT_TOKEN_QUERY);
    this.#refreshTokens = options.refreshTokenStore;
  }

  /**
   * Keeps the token and refresh token an authorization (`api_query_auth`) just granted, so the
   * first calls need no refresh.
   */
  async accept(
    authorization: Pick<
      AuthorizationInfo,
      "authorizer_appid" | "authorizer_access_token" | "expires_in" | "authorizer_refresh_token"
    >,
  ): Promise<void> {
    if (authorization.authorizer_appid !== this.authorizerAppId) {
      throw new WeChatConfigError(
        `authorization for ${authorization.authorizer_appid} given to the credential of ${this.authorizerAppId}`,
      );
    }
    await this.#refreshTokens.set(this.authorizerAppId, authorization.authorizer_refresh_token);
    await this.store.set(this.key, {
      value: authorization.authorizer_access_token,
      expiresAt: this.now() + authorization.expires_in * 1000,
    });
  }

  protected override async fetchToken(): Promise<StoredToken> {
    const refreshToken = await this.#refreshTokens.get(this.authorizerAppId);
    if (!refreshToken) throw new MissingRefreshTokenError(this.authorizerAppId);
    const result = await getAuthorizerAccessToken(this.#componentClient, {
      componentAppId: this.componentAppId,
      authorizerAppId: this.authorizerAppId,
      refreshToken,
    });
    const next = result.authorizer_refresh_token;
    if (next && next !== refreshToken) await this.#refreshTokens.set(this.authorizerAppId, next);
    return { value: result.authorizer_access_token, expiresAt: this.now() + result.expires_in * 1000 };
  }
}
