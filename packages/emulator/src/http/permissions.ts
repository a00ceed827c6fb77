import { decideApiAccess, isVerifiedType } from "@wxgate/wechat";
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
 * THE single place where the emulator decides whether an account may call an API (account
 * kind and status, verification, permission sets granted to a platform), through the rules
 * table shared with wxgate (`decideApiAccess` of @wxgate/wechat).
 *
 * @returns the errcode to answer (48001 direct, 61007 through a platform, 50002 / 48004 for a
 *   suspended account), or undefined to allow the call
 */
export function checkApiAccess(path: string, caller: ApiCaller): number | undefined {
  const { account, authorization } = caller;
  const decision = decideApiAccess(path, {
    kind: account.kind,
    verified: isVerifiedType(account.verifyType),
    status: account.status,
    grantedPermissionSets: authorization ? authorization.funcScopes : "all",
    viaComponent: authorization !== undefined,
  });
  return decision.allowed ? undefined : decision.errcode;
}
