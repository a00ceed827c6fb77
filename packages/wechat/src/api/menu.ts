import type { WeChatClient } from "../client/index.js";
import type { WeChatResult } from "./common.js";

/** Every button type a custom menu accepts. */
export type MenuButtonType =
  | "click"
  | "view"
  | "scancode_push"
  | "scancode_waitmsg"
  | "pic_sysphoto"
  | "pic_photo_or_album"
  | "pic_weixin"
  | "location_select"
  | "media_id"
  | "article_id"
  | "article_view_limited"
  | "miniprogram";

/**
 * A menu button: a leaf (with `type`) or a group of 1–5 `sub_button`s. Limits (bytes of UTF-8):
 * name ≤ 16 top-level / ≤ 60 sub-button, key ≤ 128, url ≤ 1024.
 */
export interface MenuButton {
  name: string;
  type?: MenuButtonType;
  /** click and the scancode/pic/location types. */
  key?: string;
  /** view, and the fallback page of miniprogram. */
  url?: string;
  /** media_id and view_limited. */
  media_id?: string;
  /** article_id and article_view_limited. */
  article_id?: string;
  /** miniprogram. */
  appid?: string;
  pagepath?: string;
  sub_button?: MenuButton[];
}

/** Who sees a conditional menu. */
export interface MenuMatchRule {
  tag_id?: string;
  /** 1 iOS, 2 Android, 3 others. */
  client_platform_type?: string;
}

/** Answer of `menu/get`: the default menu and the conditional ones. */
export interface MenuGetResult extends WeChatResult {
  menu: { button: MenuButton[]; menuid?: number };
  conditionalmenu?: { button: MenuButton[]; matchrule: MenuMatchRule; menuid: number }[];
}

/** A button as `get_current_selfmenu_info` describes it (also menus set on the web platform). */
export interface SelfMenuButton {
  name: string;
  type?: string;
  key?: string;
  url?: string;
  value?: string;
  news_info?: { list: Record<string, unknown>[] };
  sub_button?: { list: SelfMenuButton[] };
}

/** Answer of `get_current_selfmenu_info`. */
export interface SelfMenuInfoResult extends WeChatResult {
  /** 0 closed, 1 open. */
  is_menu_open: 0 | 1;
  selfmenu_info: { button: SelfMenuButton[] };
}

/** Custom menu APIs (permission set 15). */
export interface MenuApi {
  /** `POST /cgi-bin/menu/create`: sets the default menu (1–3 buttons). */
  create(button: MenuButton[]): Promise<WeChatResult>;
  /** `GET /cgi-bin/menu/get`: menus set through the API. */
  get(): Promise<MenuGetResult>;
  /** `GET /cgi-bin/get_current_selfmenu_info`: the menu as users see it, wherever it was set. */
  getCurrentSelfMenuInfo(): Promise<SelfMenuInfoResult>;
  /** `GET /cgi-bin/menu/delete`: deletes the default menu and every conditional one. */
  delete(): Promise<WeChatResult>;
  /** `POST /cgi-bin/menu/addconditional`: needs a default menu first (65303). */
  addConditional(menu: { button: MenuButton[]; matchrule: MenuMatchRule }): Promise<{ menuid: string }>;
  /** `POST /cgi-bin/menu/delconditional`. */
  delConditional(menuId: string | number): Promise<WeChatResult>;
  /** `POST /cgi-bin/menu/trymatch`: the menu a user (OpenID or WeChat id) would see. */
  tryMatch(userId: string): Promise<{ button: MenuButton[] }>;
}

/** {@link MenuApi} over a client. */
export function createMenuApi(client: WeChatClient): MenuApi {
  return {
    create: (button) => client.call("/cgi-bin/menu/create", { method: "POST", body: { button } }),
    get: () => client.call("/cgi-bin/menu/get", { method: "GET" }),
    getCurrentSelfMenuInfo: () => client.call("/cgi-bin/get_current_selfmenu_info", { method: "GET" }),
    delete: () => client.call("/cgi-bin/menu/delete", { method: "GET" }),
    addConditional: (menu) => client.call("/cgi-bin/menu/addconditional", { method: "POST", body: menu }),
    delConditional: (menuId) =>
      client.call("/cgi-bin/menu/delconditional", { method: "POST", body: { menuid: String(menuId) } }),
    tryMatch: (userId) =>
      client.call("/cgi-bin/menu/trymatch", { method: "POST", body: { user_id: userId } }),
  };
}
