import { getAccessToken, getStableAccessToken } from "../api/token.js";
import type { WeChatClient } from "../client/index.js";
import { WeChatConfigError } from "../errors/index.js";
import { CachedCredential, type CredentialCacheOptions } from "./cached-credential.js";
import { tokenKeys } from "./keys.js";
import type { StoredToken } from "./stores.js";

/** Options of an {@link AccessTokenCredential}. */
export interface AccessTokenCredentialOptions extends CredentialCacheOptions {
  appId: string;
  secret: string;
  /** Calls the token API; its own token provider is not used. */
  client: WeChatClient;
  /**
   * `token` (default): `GET /cgi-bin/token`, each fetch replaces the previous token.
   * `stable`: `POST /cgi-bin/stable_token`, which does not disturb other holders of the account's
   * tokens; a token WeChat rejected is replaced with `force_refresh`.
   */
  mode?: "token" | "stable";
}

/**
 * An account's own access token, from its AppID and AppSecret. Stored under
 * `tokenKeys.accessToken(appId)` in both modes.
 */
export class AccessTokenCredential extends CachedCredential {
  readonly appId: string;
  readonly mode: "token" | "stable";
  readonly #secret: string;
  readonly #client: WeChatClient;
  #forceNext = false;

  constructor(options: AccessTokenCredentialOptions) {
    if (!options.appId) throw new WeChatConfigError("appId is required");
    if (!options.secret) throw new WeChatConfigError(`secret is required for ${options.appId}`);
    super(tokenKeys.accessToken(options.appId), options);
    this.appId = options.appId;
    this.mode = options.mode ?? "token";
    this.#secret = options.secret;
    this.#client = options.client;
  }

  protected override async fetchToken(): Promise<StoredToken> {
    const app = { appId: this.appId, secret: this.#secret };
    const forceRefresh = this.#forceNext;
    const result =
      this.mode === "stable"
        ? await getStableAccessToken(this.#client, { ...app, forceRefresh })
        : await getAccessToken(this.#client, app);
    if (forceRefresh) this.#forceNext = false;
    return { value: result.access_token, expiresAt: this.now() + result.expires_in * 1000 };
  }

  protected override onDropped(): void {
    // Stable mode would hand back the very token WeChat just rejected unless forced.
    if (this.mode === "stable") this.#forceNext = true;
  }
}
