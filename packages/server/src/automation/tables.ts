// The automation module's tables (created by its step 0018_automation).

/** One automatic-reply rule of an account. JSON columns hold what the rule's kind needs. */
export interface AutomationRulesTable {
  id: string;
  appid: string;
  name: string;
  /** `keyword` | `follow` | `default` | `click`. */
  kind: string;
  /** JSON `[{ text, match: "exact" | "contains" }]`; `[]` unless a keyword rule. */
  keywords: string;
  /** A click rule's menu key (a CLICK event's EventKey); null otherwise. */
  menu_key: string | null;
  /** Higher answers first when several rules match; ties go to the lower position. */
  priority: number;
  /** The operator's order (reorder), the tie-breaker after priority. */
  position: number;
  /** JSON `{ days, from, to, utcOffsetMinutes }` or null (always active). */
  schedule: string | null;
  /** `all` (the first passively, the rest as customer-service messages) | `random`. */
  mode: string;
  /** JSON array of replies (see `rules.ts`). */
  replies: string;
  enabled: number;
  created_at: number;
  updated_at: number;
  /** The user (or key) who last changed it. */
  updated_by: string | null;
}

/**
 * Which rule answered which push: the gateway's event record says a reply went out, this says
 * it was automation's (and which rule); an event replied without a row here was answered by a
 * reply webhook.
 */
export interface AutomationHitsTable {
  event_id: string;
  appid: string;
  rule_id: string;
  openid: string;
  /** How many further replies were queued as customer-service messages. */
  follow_ups: number;
  at: number;
}

declare module "../platform/store/schema.js" {
  interface Database {
    automation_rules: AutomationRulesTable;
    automation_hits: AutomationHitsTable;
  }
}
