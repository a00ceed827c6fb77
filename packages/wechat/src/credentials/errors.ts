import { WeChatError } from "../errors/index.js";

/** No authorizer_refresh_token is stored for an authorizer: it must be authorized (again) first. */
export class MissingRefreshTokenError extends WeChatError {
  readonly authorizerAppId: string;
  constructor(authorizerAppId: string) {
    super("authorizer_refresh_token_missing", `no authorizer_refresh_token stored for ${authorizerAppId}`);
    this.authorizerAppId = authorizerAppId;
  }
}
