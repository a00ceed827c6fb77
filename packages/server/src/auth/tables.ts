import type { Generated } from "kysely";

// The auth module's tables (created by migration 0001_foundation; a user's role and profile by 0013_team;
// the second factor by 0016_second_factor).

export interface UsersTable {
  id: string;
  username: string;
  /** `scrypt$N$r$p$salt$hash`, all parameters kept so they can be raised later. */
  password_hash: string;
  /** Consecutive failed logins, for the login freeze. */
  failed_logins: Generated<number>;
  /** Logins are refused until this time (epoch ms) when set. */
  locked_until: number | null;
  last_login_at: number | null;
  created_at: number;
  updated_at: number;
  /** The platform role: `owner` (the first user), `admin` or `member`. */
  role: Generated<"owner" | "admin" | "member">;
  display_name: string | null;
  email: string | null;
  /** Sign-ins and sessions are refused from this time (epoch ms) when set. */
  disabled_at: number | null;
  /** The TOTP secret, sealed (`users.totp_secret:<id>`); set at enrolment, active once `totp_enabled_at` is. */
  totp_secret: string | null;
  /** When the first valid code activated TOTP; null while enrolling or without TOTP. */
  totp_enabled_at: number | null;
  /** The last TOTP time step accepted: a code of it or an earlier one is never accepted again. */
  totp_last_step: number | null;
}

export interface SessionsTable {
  /** sha256 of the cookie value: a copy of the table does not yield live sessions. */
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
  ip: string | null;
  user_agent: string | null;
  /** When the user last confirmed their identity in this session (password again), for risk operations. */
  confirmed_at: number | null;
  /** 1 when the user's privileges changed: the session's id is replaced at its next request. */
  renew: Generated<number>;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  /** The first characters of the key, shown in lists so people can tell keys apart. */
  prefix: string;
  /** sha256 of the whole key. */
  key_hash: string;
  /** JSON array of scopes. */
  scopes: string;
  created_by: string | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

/** A browser a user completed a second factor in: its long-lived device cookie's digest (step 0016). */
export interface KnownDevicesTable {
  id: string;
  user_id: string;
  /** sha256 of the device cookie (a new one at each verification: a planted cookie never becomes known). */
  token_hash: string;
  first_seen_at: number;
  last_seen_at: number;
  ip: string | null;
  user_agent: string | null;
}

/** A sign-in whose password was right, waiting for its second factor (step 0016). */
export interface SignInChallengesTable {
  /** sha256 of the challenge token the client holds. */
  id: string;
  user_id: string;
  method: "totp" | "email";
  /** The e-mailed code's HMAC keyed by the challenge token: a copy of the table does not yield it. */
  code_hash: string | null;
  /** Wrong codes entered so far. */
  attempts: Generated<number>;
  /** Codes e-mailed so far (the first and each resend). */
  sends: Generated<number>;
  created_at: number;
  expires_at: number;
  ip: string | null;
  user_agent: string | null;
}

declare module "../platform/store/schema.js" {
  interface Database {
    users: UsersTable;
    sessions: SessionsTable;
    api_keys: ApiKeysTable;
    known_devices: KnownDevicesTable;
    sign_in_challenges: SignInChallengesTable;
  }
}
