import type { Account, Authorization } from "../world/types.js";

/** Who is calling an API with an access token. */
export interface ApiCaller {
  account: Account;
  /** Set when the token is an authorizer_access_token issued through this platform. */
  componentAppId?: string;
  /** The authorization behind an authorizer token (its granted permission sets). */
  authorization?: Authorization;
}

/**
 * THE single place where the emulator decides whether an account may call an API
 * (account type, verification, permission sets granted to a platform).
 *
 * Returns the errcode to answer (48001 direct, 61007 through a platform) or undefined to allow.
 *
 * Today it allows everything; it switches to `decideApiAccess(path, account)` from
 * @wxgate/wechat's rules (the table the emulator and wxgate share) as soon as that is exported.
 */
export function checkApiAccess(_path: string, _caller: ApiCaller): number | undefined {
  return undefined;
}
