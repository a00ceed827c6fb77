import { timingSafeEqual } from "node:crypto";
import { componentLimits } from "@wxgate/wechat";
import type { FastifyInstance } from "fastify";
import type { EmulatorContext } from "../http/context.js";
import { type WxCall, wxRoute } from "../http/route.js";
import { tokenRoutes } from "../http/token-routes.js";
import { WxFault } from "../http/wx-error.js";
import type { Account, Authorization, Platform } from "../world/types.js";
import { AUTHORIZER_TOKEN_TTL_MS, createPreAuthCode } from "./authorize.js";
import { bodyOf, text, whole } from "./input.js";
import { pushTicket, ticketRefusal } from "./tickets.js";

const COMPONENT_TOKEN_TTL_MS = componentLimits.componentTokenExpiresInSeconds * 1000;
/** api_get_authorizer_list pages hold at most this many. */
const AUTHORIZER_LIST_MAX = 500;

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function plainIp(ip: string): string {
  return ip.startsWith("::ffff:") ? ip.slice(7) : ip;
}

/**
 * The platform named by `component_appid` with its secret checked: 41002 missing appid,
 * 61011 not a platform, 41004 missing secret, 40125 wrong secret, 61004 caller IP not
 * registered (when the platform has a whitelist).
 */
function authenticatePlatform(ctx: EmulatorContext, call: WxCall, secretField: string): Platform {
  const body = bodyOf(call.body);
  const appid = text(body, "component_appid");
  if (!appid) throw new WxFault(41002);
  call.setAppId(appid);
  const platform = ctx.world.platform(appid);
  if (!platform) throw new WxFault(61011);
  const secret = text(body, secretField);
  if (!secret) throw new WxFault(41004);
  if (!sameSecret(secret, platform.secret)) throw new WxFault(40125);
  if (platform.ipWhitelist && platform.ipWhitelist.length > 0) {
    if (!platform.ipWhitelist.includes(plainIp(call.request.ip))) throw new WxFault(61004);
  }
  return platform;
}

/** The caller's platform, which `component_appid` in the body must name (61011 otherwise). */
function callingPlatform(call: WxCall): Platform {
  const platform = call.component?.platform;
  if (!platform) throw new WxFault(40001);
  const named = text(bodyOf(call.body), "component_appid");
  if (named !== platform.componentAppId) throw new WxFault(61011);
  return platform;
}

/** The active authorization of an account (61003 when there is none). */
function activeAuthorization(platform: Platform, authorizerAppId: string): Authorization {
  const authorization = authorizerAppId ? platform.authorizations[authorizerAppId] : undefined;
  if (!authorization || authorization.revokedAt !== undefined) throw new WxFault(61003);
  return authorization;
}

function funcInfo(authorization: Authorization): { funcscope_category: { id: number } }[] {
  return authorization.funcScopes.map((id) => ({ funcscope_category: { id } }));
}

/** A new authorizer_access_token (the previous one keeps its 5 minutes). */
function issueAuthorizerToken(ctx: EmulatorContext, platform: Platform, authorization: Authorization) {
  const record = ctx.tokens.issue({
    kind: "authorizer",
    appId: authorization.authorizerAppId,
    componentAppId: platform.componentAppId,
    previous: authorization.latestToken,
    supersede: "overlap",
    ttlMs: AUTHORIZER_TOKEN_TTL_MS,
  });
  authorization.latestToken = record.value;
  return record;
}

/** service_type_info.id: 0 subscription, 2 service; mini programs report 0. */
function serviceType(account: Account): number {
  return account.kind === "service" ? 2 : 0;
}

function authorizerInfo(account: Account): Record<string, unknown> {
  const info: Record<string, unknown> = {
    nick_name: account.nickname,
    head_img: account.headImg ?? "",
    service_type_info: { id: serviceType(account) },
    verify_type_info: { id: account.verifyType },
    user_name: account.originalId,
    principal_name: account.principalName,
    alias: account.alias ?? "",
    qrcode_url: "",
    signature: account.signature ?? "",
    business_info: { open_store: 0, open_scan: 0, open_pay: 0, open_card: 0, open_shake: 0 },
    account_status: account.status,
  };
  if (account.kind === "miniprogram") {
    info.MiniProgramInfo = account.miniProgramInfo ?? {
      network: { RequestDomain: [], WsRequestDomain: [], UploadDomain: [], DownloadDomain: [] },
      categories: [],
      visit_status: 0,
    };
  }
  return info;
}

/** The platform APIs under `/cgi-bin/component/`. */
export function registerComponentApis(app: FastifyInstance, ctx: EmulatorContext): void {
  const component = tokenRoutes(app, ctx, "component_access_token");
  wxRoute(app, ctx, {
    method: "POST",
    path: "/cgi-bin/component/api_start_push_ticket",
    auth: "none",
    handler: (call) => {
      const platform = authenticatePlatform(ctx, call, "component_secret");
      // WeChat answers at once and pushes afterwards.
      ctx.use("push").track(pushTicket(ctx, platform, call.now));
      return { errcode: 0, errmsg: "ok" };
    },
  });

  wxRoute(app, ctx, {
    method: "POST",
    path: "/cgi-bin/component/api_component_token",
    auth: "none",
    handler: (call) => {
      const platform = authenticatePlatform(ctx, call, "component_appsecret");
      const refusal = ticketRefusal(platform, text(bodyOf(call.body), "component_verify_ticket"), call.now);
      if (refusal !== 0) throw new WxFault(refusal);
      const record = ctx.tokens.issue({
        kind: "component",
        appId: platform.componentAppId,
        previous: platform.latestToken,
        supersede: "overlap",
        ttlMs: COMPONENT_TOKEN_TTL_MS,
      });
      platform.latestToken = record.value;
      return { component_access_token: record.value, expires_in: ctx.tokens.expiresIn(record) };
    },
  });

  component.post("/cgi-bin/component/api_create_preauthcode", (call) => {
    const platform = callingPlatform(call);
    const { code, expiresIn } = createPreAuthCode(ctx, platform);
    return { pre_auth_code: code, expires_in: expiresIn };
  });

  component.post("/cgi-bin/component/api_query_auth", (call) => {
    const platform = callingPlatform(call);
    const code = text(bodyOf(call.body), "authorization_code");
    const entry = code ? platform.authCodes[code] : undefined;
    if (!entry || entry.used) throw new WxFault(61009);
    if (call.now >= entry.expiresAt) throw new WxFault(61010);
    entry.used = true;
    const authorization = activeAuthorization(platform, entry.authorizerAppId);
    const record = issueAuthorizerToken(ctx, platform, authorization);
    return {
      authorization_info: {
        authorizer_appid: authorization.authorizerAppId,
        authorizer_access_token: record.value,
        expires_in: ctx.tokens.expiresIn(record),
        authorizer_refresh_token: authorization.refreshToken,
        func_info: funcInfo(authorization),
      },
    };
  });

  component.post("/cgi-bin/component/api_authorizer_token", (call) => {
    const platform = callingPlatform(call);
    const body = bodyOf(call.body);
    const authorizerAppId = text(body, "authorizer_appid");
    if (!authorizerAppId) throw new WxFault(41002);
    const authorization = platform.authorizations[authorizerAppId];
    if (!authorization) throw new WxFault(61003);
    const given = text(body, "authorizer_refresh_token");
    if (authorization.revokedAt !== undefined || !given || !sameSecret(given, authorization.refreshToken)) {
      throw new WxFault(61023);
    }
    const record = issueAuthorizerToken(ctx, platform, authorization);
    return {
      authorizer_access_token: record.value,
      expires_in: ctx.tokens.expiresIn(record),
      authorizer_refresh_token: authorization.refreshToken,
    };
  });

  component.post("/cgi-bin/component/api_get_authorizer_info", (call) => {
    const platform = callingPlatform(call);
    const authorizerAppId = text(bodyOf(call.body), "authorizer_appid");
    if (!authorizerAppId) throw new WxFault(41002);
    const authorization = activeAuthorization(platform, authorizerAppId);
    const account = ctx.world.account(authorizerAppId);
    if (!account) throw new WxFault(40013);
    return {
      authorizer_info: authorizerInfo(account),
      authorization_info: {
        authorizer_appid: authorizerAppId,
        authorizer_refresh_token: authorization.refreshToken,
        func_info: funcInfo(authorization),
      },
    };
  });

  component.post("/cgi-bin/component/api_get_authorizer_list", (call) => {
    const platform = callingPlatform(call);
    const body = bodyOf(call.body);
    const offset = whole(body, "offset") ?? 0;
    const count = whole(body, "count") ?? AUTHORIZER_LIST_MAX;
    if (offset < 0 || count < 1 || count > AUTHORIZER_LIST_MAX) throw new WxFault(40097);
    const active = Object.values(platform.authorizations)
      .filter((a) => a.revokedAt === undefined)
      .sort((a, b) => a.authorizedAt - b.authorizedAt || a.authorizerAppId.localeCompare(b.authorizerAppId));
    return {
      total_count: active.length,
      list: active.slice(offset, offset + count).map((a) => ({
        authorizer_appid: a.authorizerAppId,
        refresh_token: a.refreshToken,
        auth_time: Math.floor(a.authorizedAt / 1000),
      })),
    };
  });
}
