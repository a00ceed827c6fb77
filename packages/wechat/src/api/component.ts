import type { TokenProvider, WeChatClient } from "../client/index.js";
import type { WeChatResult } from "./common.js";
import { bindComponentUrl, type ComponentAuthPageParams, componentLoginPageUrl } from "./component-pages.js";

/** Query parameter that carries the component_access_token on the platform's own APIs. */
export const COMPONENT_TOKEN_QUERY = "component_access_token";

/** `{component_access_token, expires_in}`. */
export interface ComponentAccessTokenResult extends WeChatResult {
  component_access_token: string;
  expires_in: number;
}

/** `{pre_auth_code, expires_in}`; the code is good for one authorization. */
export interface PreAuthCodeResult extends WeChatResult {
  pre_auth_code: string;
  expires_in: number;
}

/** One permission set granted to the platform (ids: see the permission set table). */
export interface FuncInfo {
  funcscope_category: { id: number };
  confirm_info?: { need_confirm: number; already_confirm: number; can_confirm: number };
}

/** What an authorization grants: the authorizer's first token, its refresh token, the permission sets. */
export interface AuthorizationInfo {
  authorizer_appid: string;
  authorizer_access_token: string;
  expires_in: number;
  authorizer_refresh_token: string;
  func_info: FuncInfo[];
}

/** Answer of `api_query_auth`. */
export interface QueryAuthResult extends WeChatResult {
  authorization_info: AuthorizationInfo;
}

/** Answer of `api_authorizer_token`; the refresh token normally comes back unchanged. */
export interface AuthorizerTokenResult extends WeChatResult {
  authorizer_access_token: string;
  expires_in: number;
  authorizer_refresh_token?: string;
}

/** 1 normal, 14 cancelled, 16 banned, 18 warned, 19 frozen. */
export type AuthorizerAccountStatus = 1 | 14 | 16 | 18 | 19;

/** An authorized account's profile, from `api_get_authorizer_info`. */
export interface AuthorizerInfo {
  nick_name: string;
  head_img?: string;
  /** 0 subscription, 1 subscription upgraded from an old account, 2 service (mini programs: 0). */
  service_type_info: { id: number };
  /** -1 unverified, 0 WeChat verified, 1 Sina Weibo, 3/4 qualification verified, name not yet. */
  verify_type_info: { id: number };
  /** The original id, `gh_...`. */
  user_name: string;
  principal_name: string;
  alias?: string;
  qrcode_url?: string;
  signature?: string;
  business_info?: Record<string, number>;
  account_status?: AuthorizerAccountStatus;
  /** Present only for mini programs. */
  MiniProgramInfo?: Record<string, unknown>;
}

/** Answer of `api_get_authorizer_info`. */
export interface AuthorizerInfoResult extends WeChatResult {
  authorizer_info: AuthorizerInfo;
  authorization_info: {
    authorizer_appid: string;
    authorizer_refresh_token?: string;
    func_info: FuncInfo[];
  };
}

/** Answer of `api_get_authorizer_list`. */
export interface AuthorizerListResult extends WeChatResult {
  total_count: number;
  list: { authorizer_appid: string; refresh_token: string; auth_time: number }[];
}

/** `POST /cgi-bin/component/api_start_push_ticket`: asks WeChat to push a component_verify_ticket now. */
export function startPushTicket(
  client: WeChatClient,
  params: { componentAppId: string; componentSecret: string },
): Promise<WeChatResult> {
  return client.call<WeChatResult>("/cgi-bin/component/api_start_push_ticket", {
    method: "POST",
    body: { component_appid: params.componentAppId, component_secret: params.componentSecret },
    withToken: false,
  });
}

/** `POST /cgi-bin/component/api_component_token`: the platform's own token, from the pushed ticket. */
export function getComponentAccessToken(
  client: WeChatClient,
  params: { componentAppId: string; componentSecret: string; verifyTicket: string },
): Promise<ComponentAccessTokenResult> {
  return client.call<ComponentAccessTokenResult>("/cgi-bin/component/api_component_token", {
    method: "POST",
    body: {
      component_appid: params.componentAppId,
      component_appsecret: params.componentSecret,
      component_verify_ticket: params.verifyTicket,
    },
    withToken: false,
  });
}

// The functions below need a client whose token is the component_access_token, attached as
// `component_access_token` (see createComponentApi or client.withToken(token, COMPONENT_TOKEN_QUERY)).

/** `POST /cgi-bin/component/api_create_preauthcode`. */
export function createPreAuthCode(
  componentClient: WeChatClient,
  params: { componentAppId: string },
): Promise<PreAuthCodeResult> {
  return componentClient.call<PreAuthCodeResult>("/cgi-bin/component/api_create_preauthcode", {
    method: "POST",
    body: { component_appid: params.componentAppId },
  });
}

/** `POST /cgi-bin/component/api_query_auth`: trades the auth_code from the redirect for the authorization. */
export function queryAuth(
  componentClient: WeChatClient,
  params: { componentAppId: string; authorizationCode: string },
): Promise<QueryAuthResult> {
  return componentClient.call<QueryAuthResult>("/cgi-bin/component/api_query_auth", {
    method: "POST",
    body: { component_appid: params.componentAppId, authorization_code: params.authorizationCode },
  });
}

/** `POST /cgi-bin/component/api_authorizer_token`: a fresh authorizer_access_token (61023: refresh token invalid). */
export function getAuthorizerAccessToken(
  componentClient: WeChatClient,
  params: { componentAppId: string; authorizerAppId: string; refreshToken: string },
): Promise<AuthorizerTokenResult> {
  return componentClient.call<AuthorizerTokenResult>("/cgi-bin/component/api_authorizer_token", {
    method: "POST",
    body: {
      component_appid: params.componentAppId,
      authorizer_appid: params.authorizerAppId,
      authorizer_refresh_token: params.refreshToken,
    },
  });
}

/** `POST /cgi-bin/component/api_get_authorizer_info`. */
export function getAuthorizerInfo(
  componentClient: WeChatClient,
  params: { componentAppId: string; authorizerAppId: string },
): Promise<AuthorizerInfoResult> {
  return componentClient.call<AuthorizerInfoResult>("/cgi-bin/component/api_get_authorizer_info", {
    method: "POST",
    body: { component_appid: params.componentAppId, authorizer_appid: params.authorizerAppId },
  });
}

/** `POST /cgi-bin/component/api_get_authorizer_list`, one page (`count` ≤ 500). */
export function getAuthorizerList(
  componentClient: WeChatClient,
  params: { componentAppId: string; offset: number; count: number },
): Promise<AuthorizerListResult> {
  return componentClient.call<AuthorizerListResult>("/cgi-bin/component/api_get_authorizer_list", {
    method: "POST",
    body: { component_appid: params.componentAppId, offset: params.offset, count: params.count },
  });
}

/** The platform's APIs bound to one component app id; see {@link createComponentApi}. */
export interface ComponentApi {
  readonly componentAppId: string;
  /** The client that carries the component_access_token as `component_access_token`. */
  readonly client: WeChatClient;
  startPushTicket(componentSecret: string): Promise<WeChatResult>;
  componentToken(componentSecret: string, verifyTicket: string): Promise<ComponentAccessTokenResult>;
  createPreAuthCode(): Promise<PreAuthCodeResult>;
  queryAuth(authorizationCode: string): Promise<QueryAuthResult>;
  authorizerToken(authorizerAppId: string, refreshToken: string): Promise<AuthorizerTokenResult>;
  getAuthorizerInfo(authorizerAppId: string): Promise<AuthorizerInfoResult>;
  getAuthorizerList(page: { offset: number; count: number }): Promise<AuthorizerListResult>;
  /** The PC authorization page on the client's `mp` host. */
  loginPageUrl(params: Omit<ComponentAuthPageParams, "componentAppId">): string;
  /** The mobile authorization page on the client's `open` host. */
  bindComponentUrl(params: Omit<ComponentAuthPageParams, "componentAppId">): string;
}

/**
 * The third-party platform's APIs. The component_access_token comes from `options.token`
 * (e.g. a ComponentAccessTokenCredential) or else the client's own provider, and is always
 * sent as `component_access_token`.
 */
export function createComponentApi(
  client: WeChatClient,
  options: { componentAppId: string; token?: TokenProvider },
): ComponentApi {
  const { componentAppId } = options;
  const provider = options.token ?? client.token;
  const bound = provider ? client.withToken(provider, COMPONENT_TOKEN_QUERY) : client;
  return {
    componentAppId,
    client: bound,
    startPushTicket: (componentSecret) => startPushTicket(bound, { componentAppId, componentSecret }),
    componentToken: (componentSecret, verifyTicket) =>
      getComponentAccessToken(bound, { componentAppId, componentSecret, verifyTicket }),
    createPreAuthCode: () => createPreAuthCode(bound, { componentAppId }),
    queryAuth: (authorizationCode) => queryAuth(bound, { componentAppId, authorizationCode }),
    authorizerToken: (authorizerAppId, refreshToken) =>
      getAuthorizerAccessToken(bound, { componentAppId, authorizerAppId, refreshToken }),
    getAuthorizerInfo: (authorizerAppId) => getAuthorizerInfo(bound, { componentAppId, authorizerAppId }),
    getAuthorizerList: (page) => getAuthorizerList(bound, { componentAppId, ...page }),
    loginPageUrl: (params) => componentLoginPageUrl({ componentAppId, ...params }, bound.endpoints),
    bindComponentUrl: (params) => bindComponentUrl({ componentAppId, ...params }, bound.endpoints),
  };
}
