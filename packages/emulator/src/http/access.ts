import type { FastifyRequest } from "fastify";
import type { Platform, TokenRecord } from "../world/types.js";
import { queryOf } from "./body.js";
import type { ApiCaller } from "./permissions.js";
import { WxFault } from "./wx-error.js";

/** The caller behind an `access_token` query parameter. */
export interface ResolvedAccount extends ApiCaller {
  token: TokenRecord;
  /** True when the token is an authorizer_access_token (the call goes through a platform). */
  viaComponent: boolean;
}

/**
 * Resolves `?access_token=` to its account, or throws the {@link WxFault} WeChat would
 * answer: 41001 missing, 40014 malformed, 40001 unknown / replaced after the overlap /
 * revoked / its authorization ended, 42001 expired.
 */
export function resolveAccount(request: FastifyRequest): ResolvedAccount {
  const { world, tokens } = request.wx.runtime;
  const value = queryOf(request).access_token;
  if (!value) throw new WxFault(41001);
  const check = tokens.check(value);
  if (!check.ok) throw new WxFault(check.errcode);
  const record = check.record;
  if (record.kind === "component") throw new WxFault(40001);
  const account = world.account(record.appId);
  if (!account) throw new WxFault(40001);
  request.wx.appid = account.appId;
  if (record.kind !== "authorizer") return { account, token: record, viaComponent: false };
  const authorization =
    record.componentAppId === undefined
      ? undefined
      : world.platform(record.componentAppId)?.authorizations[account.appId];
  if (!authorization || authorization.revokedAt !== undefined) throw new WxFault(40001);
  const resolved: ResolvedAccount = { account, token: record, viaComponent: true, authorization };
  if (record.componentAppId !== undefined) resolved.componentAppId = record.componentAppId;
  return resolved;
}

/**
 * The platform behind `?component_access_token=` (same refusals as {@link resolveAccount},
 * except that an expired component token is 42006, WeChat's own code for it).
 */
export function resolveComponent(request: FastifyRequest): { platform: Platform; token: TokenRecord } {
  const { world, tokens } = request.wx.runtime;
  const value = queryOf(request).component_access_token;
  if (!value) throw new WxFault(41001);
  const check = tokens.check(value);
  if (!check.ok) throw new WxFault(check.errcode === 42001 ? 42006 : check.errcode);
  if (check.record.kind !== "component") throw new WxFault(40001);
  const platform = world.platform(check.record.appId);
  if (!platform) throw new WxFault(40001);
  request.wx.appid = platform.componentAppId;
  return { platform, token: check.record };
}
