import type { WeChatClient } from "../client/index.js";
import type { WeChatResult } from "./common.js";

/** An access token with its lifetime; WeChat allows tokens up to 512 characters. */
export interface AccessTokenResult extends WeChatResult {
  access_token: string;
  /** Seconds, normally 7200. */
  expires_in: number;
}

/** App credentials for the token APIs. */
export interface AppCredentials {
  appId: string;
  secret: string;
}

/**
 * `GET /cgi-bin/token`: a new access token. Each call invalidates the previous token after
 * 5 minutes and counts against 2000 a day, so call it from one place only.
 */
export function getAccessToken(client: WeChatClient, app: AppCredentials): Promise<AccessTokenResult> {
  return client.call<AccessTokenResult>("/cgi-bin/token", {
    method: "GET",
    query: { grant_type: "client_credential", appid: app.appId, secret: app.secret },
    withToken: false,
  });
}

/**
 * `POST /cgi-bin/stable_token`: a token isolated from `/cgi-bin/token`; the same one comes back
 * until 5 minutes before expiry. `forceRefresh` replaces it (at most 20 a day, 30 s apart).
 * Third-party platforms cannot call it.
 */
export function getStableAccessToken(
  client: WeChatClient,
  app: AppCredentials & { forceRefresh?: boolean },
): Promise<AccessTokenResult> {
  return client.call<AccessTokenResult>("/cgi-bin/stable_token", {
    method: "POST",
    body: {
      grant_type: "client_credential",
      appid: app.appId,
      secret: app.secret,
      force_refresh: app.forceRefresh ?? false,
    },
    withToken: false,
  });
}
