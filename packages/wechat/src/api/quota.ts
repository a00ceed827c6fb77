import type { WeChatClient } from "../client/index.js";
import type { WeChatResult } from "./common.js";

/** Answer of `openapi/quota/get`. */
export interface ApiQuotaResult extends WeChatResult {
  quota: { daily_limit: number; used: number; remain: number };
}

/** Answer of `openapi/rid/get`: what WeChat recorded about a failed request. */
export interface RidInfoResult extends WeChatResult {
  request: {
    invoke_time: number;
    cost_in_ms: number;
    request_url: string;
    request_body: string;
    response_body: string;
    client_ip?: string;
  };
}

/** API quota and diagnostics. */
export interface QuotaApi {
  /** `POST /cgi-bin/clear_quota`: resets every API quota of `appId`; 10 a month (48006 beyond). */
  clear(appId: string): Promise<WeChatResult>;
  /** `POST /cgi-bin/openapi/quota/get` for one API path, e.g. `/cgi-bin/message/custom/send`. */
  get(cgiPath: string): Promise<ApiQuotaResult>;
  /** `POST /cgi-bin/openapi/rid/get`: details of a failed request by the rid of its errmsg. */
  rid(rid: string): Promise<RidInfoResult>;
}

/** {@link QuotaApi} over a client. */
export function createQuotaApi(client: WeChatClient): QuotaApi {
  return {
    clear: (appId) => client.call("/cgi-bin/clear_quota", { method: "POST", body: { appid: appId } }),
    get: (cgiPath) =>
      client.call("/cgi-bin/openapi/quota/get", { method: "POST", body: { cgi_path: cgiPath } }),
    rid: (rid) => client.call("/cgi-bin/openapi/rid/get", { method: "POST", body: { rid } }),
  };
}
