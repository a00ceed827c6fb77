// The audit module's table (created by its migration 0012_audit).

/** One changing API request, as the audit log keeps it: append-only. */
export interface AuditEntriesTable {
  /** A UUIDv7: ids sort by time, so pages walk (filter, id) and a time range is an id range. */
  id: string;
  at: number;
  /** `session` or `api_key`; null when the request carried no valid credential. */
  actor_kind: string | null;
  /** The user's id for a session, the key's id for an API key. */
  actor_id: string | null;
  actor_name: string | null;
  ip: string;
  user_agent: string | null;
  /** The account acted on, when the route names one. */
  appid: string | null;
  /** The route's action (`accounts.enable`), or `public`. */
  action: string;
  method: string;
  /** The route's URL pattern. */
  route: string;
  /** The path parameters, JSON. */
  target: string;
  /** `ok` (2xx/3xx), `refused` (4xx) or `failed` (5xx). */
  outcome: string;
  status: number;
  error_code: string | null;
  /** The request body with every secret removed and long values cut, JSON; null without a body. */
  summary: string | null;
  request_id: string;
  /** 1 for a risk operation (accepted or refused), else 0 (column of step 0015_risk). */
  risk: number;
}

declare module "../platform/store/schema.js" {
  interface Database {
    audit_entries: AuditEntriesTable;
  }
}
