// The customer-service module's table (created by migration 0022_customer_service).

/**
 * A routing rule: which customer-service account (客服帐号) a `transfer_customer_service`
 * reply names when a user's message has a keyword, a menu click has a key, or the follower has
 * a tag. Rules are tried in `position` order; the first that matches wins.
 */
export interface KfRoutingRulesTable {
  id: string;
  appid: string;
  position: number;
  /** `keyword`, `menu_key` or `tag`. */
  kind: "keyword" | "menu_key" | "tag";
  /** The keyword, the menu key, or the tag id (as text). */
  value: string;
  /** Keywords only: `exact` or `contains` (case-insensitive both). */
  match: "exact" | "contains" | null;
  /** The account to transfer to, `prefix@公众号微信号`. */
  kf_account: string;
  created_at: number;
}

declare module "../platform/store/schema.js" {
  interface Database {
    kf_routing_rules: KfRoutingRulesTable;
  }
}
