/**
 * The keys credentials use in a {@link TokenStore}, so the server's token endpoint and its
 * refresher agree on where each token lives.
 */
export const tokenKeys = {
  /** An account's access_token, whether from `/cgi-bin/token` or `/cgi-bin/stable_token`. */
  accessToken: (appId: string) => `access_token:${appId}`,
  /** A third-party platform's component_access_token. */
  componentAccessToken: (componentAppId: string) => `component_access_token:${componentAppId}`,
  /** The access token a platform holds for one authorizer (an authorized account). */
  authorizerAccessToken: (componentAppId: string, authorizerAppId: string) =>
    `authorizer_access_token:${componentAppId}:${authorizerAppId}`,
  /** A token read from a customer's own token server, cached under its own name. */
  externalToken: (name: string) => `external_token:${name}`,
} as const;
