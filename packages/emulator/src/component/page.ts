import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { queryOf, rawBody } from "../http/body.js";
import type { EmulatorContext } from "../http/context.js";
import {
  AuthorizationRefusal,
  type AuthType,
  applicableScopes,
  authorize,
  parseAuthType,
  preAuthCodeRefusal,
  selectableAccounts,
} from "./authorize.js";
import { type AuthPageParams, authorizationPage, errorPage } from "./page-html.js";

/** The PC page on mp.weixin.qq.com, the mobile page on open.weixin.qq.com and its older mp form. */
const PAGES: { path: string; mobile: boolean }[] = [
  { path: "/cgi-bin/componentloginpage", mobile: false },
  { path: "/wxaopen/safe/bindcomponent", mobile: true },
  { path: "/safe/bindcomponent", mobile: true },
];

const MASKED = /(pre_auth_code=)[^&]*/g;

/** Answers the error page, recording the error (errcode, rid) like any failed WeChat call. */
function sendError(
  ctx: EmulatorContext,
  request: FastifyRequest,
  reply: FastifyReply,
  mobile: boolean,
  message: string,
  errcode: number | undefined,
): FastifyReply {
  let error: { errcode: number; errmsg: string } | undefined;
  const state = request.wx;
  const code = errcode ?? -1;
  const now = ctx.clock.now();
  const rid = ctx.ids.rid(now);
  state.errcode = code;
  state.rid = rid;
  if (errcode !== undefined) error = { errcode, errmsg: `${ctx.errmsg(errcode)} rid: ${rid}` };
  const html = errorPage(message, error, mobile);
  ctx.world.recordRid({
    rid,
    ...(state.appid !== undefined ? { appid: state.appid } : {}),
    invokeTime: Math.floor(now / 1000),
    costInMs: Math.max(0, Math.round(performance.now() - state.startedAt)),
    requestUrl: request.url.replace(MASKED, "$1***"),
    requestBody: "",
    responseBody: JSON.stringify({ errcode: code, errmsg: error?.errmsg ?? message }),
    clientIp: request.ip,
  });
  return reply.code(200).type("text/html; charset=utf-8").send(html);
}

/** Reads and checks the page parameters, or the refusal to show instead of the form. */
function pageParams(
  ctx: EmulatorContext,
  input: Record<string, string>,
): { params: AuthPageParams } | { refusal: AuthorizationRefusal } {
  const componentAppId = input.component_appid ?? "";
  const platform = ctx.world.platform(componentAppId);
  if (!platform) return { refusal: new AuthorizationRefusal(61011, "第三方平台不存在 (invalid component)") };
  const preAuthCode = input.pre_auth_code ?? "";
  const codeRefusal = preAuthCodeRefusal(platform, preAuthCode, ctx.clock.now());
  if (codeRefusal !== 0) {
    return {
      refusal: new AuthorizationRefusal(
        codeRefusal,
        codeRefusal === 61010
          ? "授权链接已过期 (pre_auth_code expired)"
          : "授权链接无效 (pre_auth_code invalid or used)",
      ),
    };
  }
  const redirectUri = input.redirect_uri ?? "";
  if (!/^https?:\/\//i.test(redirectUri)) {
    return { refusal: new AuthorizationRefusal(40097, "redirect_uri 参数错误") };
  }
  const authType: AuthType | undefined = parseAuthType(input.auth_type);
  if (authType === undefined) return { refusal: new AuthorizationRefusal(40097, "auth_type 参数错误") };
  const params: AuthPageParams = { componentAppId, preAuthCode, redirectUri, authType };
  if (input.biz_appid) params.bizAppId = input.biz_appid;
  return { params };
}

function formFields(request: FastifyRequest): { fields: Record<string, string>; scopes: number[] } {
  const form = new URLSearchParams(rawBody(request).toString("utf8"));
  const fields: Record<string, string> = {};
  for (const [key, value] of form) if (!(key in fields)) fields[key] = value;
  const scopes = form
    .getAll("func_scope")
    .map(Number)
    .filter((n) => Number.isInteger(n));
  return { fields, scopes };
}

/**
 * The authorization pages: GET shows the form, POST (the form's confirmation) authorizes and
 * redirects (302) to `redirect_uri?auth_code=…&expires_in=600`.
 */
export function registerAuthorizationPages(app: FastifyInstance, ctx: EmulatorContext): void {
  for (const { path, mobile } of PAGES) {
    const action = `${ctx.options.prefix}${path}`;

    app.route({
      method: "GET",
      url: path,
      handler: async (request, reply) => {
        const query = queryOf(request);
        if (query.component_appid) request.wx.appid = query.component_appid;
        const read = pageParams(ctx, query);
        if ("refusal" in read)
          return sendError(ctx, request, reply, mobile, read.refusal.message, read.refusal.errcode);
        const { params } = read;
        const accounts = selectableAccounts(ctx.world, params.authType, params.bizAppId);
        if (accounts.length === 0) {
          return sendError(
            ctx,
            request,
            reply,
            mobile,
            "没有可以授权的帐号 (no account matches auth_type / biz_appid)",
            undefined,
          );
        }
        const platform = ctx.world.platform(params.componentAppId);
        if (!platform) return sendError(ctx, request, reply, mobile, "第三方平台不存在", 61011);
        return reply
          .type("text/html; charset=utf-8")
          .send(authorizationPage(platform, accounts, params, action, mobile));
      },
    });

    app.route({
      method: "POST",
      url: path,
      handler: async (request, reply) => {
        const { fields, scopes } = formFields(request);
        if (fields.component_appid) request.wx.appid = fields.component_appid;
        const read = pageParams(ctx, fields);
        if ("refusal" in read)
          return sendError(ctx, request, reply, mobile, read.refusal.message, read.refusal.errcode);
        const { params } = read;
        const authorizerAppId = fields.authorizer_appid ?? "";
        const account = ctx.world.account(authorizerAppId);
        if (!account) return sendError(ctx, request, reply, mobile, "请选择要授权的帐号", undefined);
        // Ticked boxes of the other family (auth_type 3 shows both) do not apply to this account.
        const applicable = applicableScopes(account);
        const ticked = scopes.filter((id) => applicable.includes(id));
        try {
          const outcome = authorize(ctx, { ...params, authorizerAppId, funcScopes: ticked });
          if (outcome.push) ctx.use("push").track(outcome.push);
          return reply
            .code(302)
            .header("location", outcome.redirectUrl ?? params.redirectUri)
            .send();
        } catch (error) {
          if (error instanceof AuthorizationRefusal) {
            return sendError(ctx, request, reply, mobile, error.message, error.errcode);
          }
          throw error;
        }
      },
    });
  }
}
