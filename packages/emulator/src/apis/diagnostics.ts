import { sendingLimits } from "@wxgate/wechat";
import type { FastifyInstance } from "fastify";
import type { EmulatorContext } from "../http/context.js";
import { beijingMonth } from "../http/quota.js";
import { tokenRoutes } from "../http/token-routes.js";
import { WxFault } from "../http/wx-error.js";
import { accountOf, bodyOf, filled } from "./input.js";

/**
 * clear_quota (10 a month per account → 48006; appid other than the caller's → 40013),
 * openapi/quota/get (cgi_path without a daily limit → 76021) and openapi/rid/get (unknown rid
 * → 76001, a rid of another account → 76002).
 */
export function registerDiagnostics(app: FastifyInstance, ctx: EmulatorContext): void {
  const route = tokenRoutes(app, ctx);
  const { world, quota } = ctx;

  route.post("/cgi-bin/clear_quota", (call) => {
    const account = accountOf(call);
    const appId = filled(bodyOf(call).appid);
    if (appId === undefined) throw new WxFault(41002);
    if (appId !== account.appId) throw new WxFault(40013);
    const month = beijingMonth(call.now);
    const used = account.clearQuota.month === month ? account.clearQuota.count : 0;
    if (used >= sendingLimits.clearQuotaPerMonth) throw new WxFault(48006);
    account.clearQuota = { month, count: used + 1 };
    quota.clear(account);
    return { errcode: 0, errmsg: "ok" };
  });

  route.post("/cgi-bin/openapi/quota/get", (call) => {
    const path = filled(bodyOf(call).cgi_path);
    const view = path === undefined ? undefined : quota.view(accountOf(call), path);
    if (!view) throw new WxFault(76021, {}, "cgi_path not found, please check");
    return { errcode: 0, errmsg: "ok", quota: view };
  });

  route.post("/cgi-bin/openapi/rid/get", (call) => {
    const rid = filled(bodyOf(call).rid);
    const record =
      rid === undefined || !Object.hasOwn(world.state.rids, rid) ? undefined : world.state.rids[rid];
    if (!record) throw new WxFault(76001, {}, "rid not found");
    if (record.appid !== undefined && record.appid !== accountOf(call).appId) {
      throw new WxFault(76002, {}, "rid is error");
    }
    return {
      errcode: 0,
      errmsg: "ok",
      request: {
        invoke_time: record.invokeTime,
        cost_in_ms: record.costInMs,
        request_url: record.requestUrl,
        request_body: record.requestBody,
        response_body: record.responseBody,
        client_ip: record.clientIp,
      },
    };
  });
}
