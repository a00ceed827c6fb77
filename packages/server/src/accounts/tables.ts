/** How wxgate gets the account's tokens. */
export type Connection = "component" | "direct" | "external";
/** Whether the account still authorizes the platform (component accounts; others stay `authorized`). */
export type AuthorizationState = "authorized" | "unauthorized";
/** Mini program send config: its own AppSecret, or the customer's token URL. */
export type SendMode = "app_secret" | "token_url";

/**
 * One connected account. Columns named `*_secret`, `*_token`, `*_url`, `*_header`, `*_key`
 * hold SecretBox envelopes bound to `accounts.<column>:<appid>`.
 */
export interface AccountsTable {
  id: string;
  appid: string;
  kind: "subscription" | "service" | "miniprogram";
  connection: Connection;
  nickname: string;
  original_id: string | null;
  principal_name: string | null;
  head_img: string | null;
  service_type: number | null;
  verify_type: number | null;
  /** Direct and external accounts: the operator's word that the account is verified (0/1). */
  declared_verified: number;
  account_status: number | null;
  /** JSON array of granted permission set ids. */
  func_info: string;
  authorization_state: AuthorizationState;
  /** Start of the current authorization period (re-authorizing starts a new one). */
  authorized_at: number | null;
  unauthorized_at: number | null;
  /** End of the current platform authorization (at most a year); null for direct and external connections. */
  authorization_expires_at: number | null;
  enabled: number;
  openid_mapping: string | null;
  /** JSON array overriding the minimum permission sets for this account; null = the setting. */
  required_permission_sets: string | null;
  app_secret: string | null;
  refresh_token: string | null;
  token_url: string | null;
  token_header: string | null;
  send_mode: SendMode | null;
  send_app_secret: string | null;
  send_token_url: string | null;
  send_token_header: string | null;
  receipt_token: string | null;
  receipt_aes_key: string | null;
  receipt_mode: "plaintext" | "compatible" | "safe" | null;
  /** JSON `{errcode, rid, code, at}` of the last failed token refresh. */
  last_token_error: string | null;
  created_at: number;
  updated_at: number;
}

/** A pre-auth link handed out; its id travels as `state` in the redirect URI. */
export interface AuthorizationRequestsTable {
  id: string;
  pre_auth_code: string;
  auth_type: number | null;
  biz_appid: string | null;
  created_by: string | null;
  created_at: number;
  expires_at: number;
  completed_at: number | null;
  authorizer_appid: string | null;
  /** sha256 of the auth_code already exchanged for this request. */
  auth_code_digest: string | null;
}

/** One clear_quota attempt. */
export interface QuotaResetsTable {
  id: string;
  appid: string;
  /** `YYYY-MM`, Beijing time, as WeChat counts. */
  month: string;
  at: number;
  by: string;
  /** `ok`, `refused` (the monthly limit, decided here) or `failed` (WeChat said no). */
  result: "ok" | "refused" | "failed";
  errcode: number | null;
  rid: string | null;
}

/** What the lifecycle sweep records, once per account and authorization period. */
export type AuthorizationNoticeKind = "authorization_expiring" | "authorization_lapsed";

/** One lifecycle notice: the reminder before an authorization ends, or the record of its end. */
export interface AuthorizationNoticesTable {
  id: string;
  appid: string;
  kind: AuthorizationNoticeKind;
  /** `accounts.authorized_at` of the period the notice is about. */
  period_started_at: number;
  /** The period's end as it stood when the notice was recorded. */
  expires_at: number;
  recorded_at: number;
}

/** One outbound WeChat API attempt, as the call log keeps it. */
export interface ApiCallsTable {
  id: string;
  /** The account the call was made for; the platform's appid for its own calls. */
  appid: string | null;
  api: string;
  method: string;
  errcode: number;
  /** 1 when WeChat answered without error. */
  ok: number;
  /** The SDK's stable failure code (`wechat_api_error`, `timeout`, …). */
  error: string | null;
  rid: string | null;
  attempt: number;
  latency_ms: number;
  at: number;
}

/** Deployment-wide settings of the accounts module by key (created by its part of 0001_foundation). */
export interface SettingsTable {
  key: string;
  /** JSON. */
  value: string;
  updated_at: number;
}

declare module "../platform/store/schema.js" {
  interface Database {
    settings: SettingsTable;
    api_calls: ApiCallsTable;
    accounts: AccountsTable;
    authorization_requests: AuthorizationRequestsTable;
    quota_resets: QuotaResetsTable;
    authorization_notices: AuthorizationNoticesTable;
  }
}
