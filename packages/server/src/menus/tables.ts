// The menus module's tables (created by migration 0019_menus).

/** An account's menu being edited: a checked `menu/create` body, kept until replaced. */
export interface MenuDraftsTable {
  appid: string;
  /** JSON `{ button: [...] }`, as `validateMenu` returned it. */
  menu: string;
  /** Who saved it last (username or key name). */
  updated_by: string;
  updated_at: number;
}

/** What a publication did on WeChat: set the default menu, add or remove a conditional one, delete all. */
export type PublicationKind = "default" | "conditional" | "conditional_deleted" | "deleted";

/** One change WeChat accepted, kept as the history (who, when, the full menu sent). */
export interface MenuPublicationsTable {
  id: string;
  appid: string;
  kind: PublicationKind;
  /** JSON `{ button: [...] }` sent; null for the deletions. */
  menu: string | null;
  /** JSON match rule of a conditional menu. */
  matchrule: string | null;
  /** WeChat's menuid of a conditional menu (added or deleted). */
  wechat_menu_id: string | null;
  /** Username or key name. */
  published_by: string;
  /** The user acting, null for the CLI or a key without a user. */
  published_by_user: string | null;
  published_at: number;
}

/** Menu taps per account, Beijing day, event (CLICK, VIEW, view_miniprogram) and key. */
export interface MenuClicksTable {
  appid: string;
  /** YYYY-MM-DD in Beijing time (UTC+8), the day WeChat's users live in. */
  day: string;
  event: string;
  /** The button's key (CLICK) or the URL / page path (VIEW, view_miniprogram). */
  event_key: string;
  clicks: number;
}

declare module "../platform/store/schema.js" {
  interface Database {
    menu_drafts: MenuDraftsTable;
    menu_publications: MenuPublicationsTable;
    menu_clicks: MenuClicksTable;
  }
}
