import { defaultEndpoints, joinEndpoint, type WeChatEndpoints } from "../client/index.js";

/** Which accounts the authorization page offers: 1 official accounts, 2 mini programs, 3 both (WeChat's default). */
export type ComponentAuthType = 1 | 2 | 3;

/** What the authorization page needs. */
export interface ComponentAuthPageParams {
  componentAppId: string;
  /** From `api_create_preauthcode`; one use only. */
  preAuthCode: string;
  /** Where the browser goes afterwards, with `?auth_code=...&expires_in=600`. */
  redirectUri: string;
  /** Left out when not given, so WeChat applies its default (3). */
  authType?: ComponentAuthType;
  /** Restricts the page to this one account. */
  bizAppId?: string;
}

/**
 * The PC authorization page (`/cgi-bin/componentloginpage` on `endpoints.mp`), with the
 * parameters in WeChat's documented order.
 */
export function componentLoginPageUrl(
  params: ComponentAuthPageParams,
  endpoints: Pick<WeChatEndpoints, "mp"> = defaultEndpoints,
): string {
  return `${joinEndpoint(endpoints.mp, "/cgi-bin/componentloginpage")}?${authQuery(params)}`;
}

/**
 * The mobile authorization page (`/wxaopen/safe/bindcomponent` on `endpoints.open`), to open
 * inside WeChat; ends with `#wechat_redirect` as WeChat requires.
 */
export function bindComponentUrl(
  params: ComponentAuthPageParams,
  endpoints: Pick<WeChatEndpoints, "open"> = defaultEndpoints,
): string {
  const base = joinEndpoint(endpoints.open, "/wxaopen/safe/bindcomponent");
  return `${base}?action=bindcomponent&no_scan=1&${authQuery(params)}#wechat_redirect`;
}

function authQuery(params: ComponentAuthPageParams): string {
  const pairs: [string, string | number | undefined][] = [
    ["component_appid", params.componentAppId],
    ["pre_auth_code", params.preAuthCode],
    ["redirect_uri", params.redirectUri],
    ["auth_type", params.authType],
    ["biz_appid", params.bizAppId],
  ];
  return pairs
    .filter((pair): pair is [string, string | number] => pair[1] !== undefined)
    .map(([name, value]) => `${name}=${encodeURIComponent(String(value))}`)
    .join("&");
}
