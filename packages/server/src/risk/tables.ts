// The risk module's tables (created by its part of step 0015_risk).

/** An account's risk switches, set by its super admin; an account without a row has both on. */
export interface RiskSettingsTable {
  appid: string;
  /** 1: risk operations on the account need a fresh confirmation (the default). */
  protection: number;
  /** 1: each risk operation notifies the account's administrators and webhooks (the default). */
  alerts: number;
  updated_at: number;
  /** The user who last changed them. */
  updated_by: string | null;
}

/**
 * What the abnormal-operation alerts count: one row per risk operation taken (`risk_operation`,
 * subject the user's or key's id) and per failed sign-in (`sign_in_failure`, subject
 * `user:<name>` and `ip:<address>`). Kept a day.
 */
export interface RiskSignalsTable {
  id: string;
  kind: string;
  subject: string;
  at: number;
}

/** The address ranges (IPv4 /16, IPv6 /48) a user has signed in from. */
export interface SignInRangesTable {
  user_id: string;
  range: string;
  first_seen_at: number;
  last_seen_at: number;
}

declare module "../platform/store/schema.js" {
  interface Database {
    risk_settings: RiskSettingsTable;
    risk_signals: RiskSignalsTable;
    sign_in_ranges: SignInRangesTable;
  }
}
