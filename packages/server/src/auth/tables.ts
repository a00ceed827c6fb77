import type { Generated } from "kysely";

// The auth module's tables (created by migration 0001_foundation; a user's role and profile by 0013_team).

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

declare module "../platform/store/schema.js" {
  interface Database {
    users: UsersTable;
    sessions: SessionsTable;
    api_keys: ApiKeysTable;
  }
}
