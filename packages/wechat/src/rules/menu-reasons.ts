import { wechatErrcode } from "./errors.js";
import type { Violation } from "./violation.js";

/**
 * The menu rule a violation breaks, one word per rule: wxgate's refusals carry it as
 * `details.reason`, and the console, checking as the user types, names the same rule.
 */
export type MenuRuleReason =
  | "menu_malformed"
  | "menu_button_count"
  | "menu_button_type"
  | "menu_button_name_size"
  | "menu_button_key_size"
  | "menu_button_url_size"
  | "menu_sub_button_count"
  | "menu_sub_button_type"
  | "menu_sub_button_name_size"
  | "menu_sub_button_key_size"
  | "menu_sub_button_url_size"
  | "menu_sub_menu_level"
  | "menu_appid_missing"
  | "menu_pagepath_missing"
  | "menu_media_id_missing"
  | "menu_article_id_missing"
  | "menu_match_rule_empty"
  | "menu_match_rule_tag"
  | "menu_match_rule_platform";

const byErrcode: ReadonlyMap<number, MenuRuleReason> = new Map([
  [wechatErrcode.dataFormatError, "menu_malformed"],
  [wechatErrcode.invalidButtonSize, "menu_button_count"],
  [wechatErrcode.invalidButtonType, "menu_button_type"],
  [wechatErrcode.invalidButtonNameSize, "menu_button_name_size"],
  [wechatErrcode.invalidButtonKeySize, "menu_button_key_size"],
  [wechatErrcode.invalidButtonUrlSize, "menu_button_url_size"],
  [wechatErrcode.invalidSubButtonSize, "menu_sub_button_count"],
  [wechatErrcode.invalidSubButtonType, "menu_sub_button_type"],
  [wechatErrcode.invalidSubButtonNameSize, "menu_sub_button_name_size"],
  [wechatErrcode.invalidSubButtonKeySize, "menu_sub_button_key_size"],
  [wechatErrcode.invalidSubButtonUrlSize, "menu_sub_button_url_size"],
  [wechatErrcode.invalidSubMenuLevel, "menu_sub_menu_level"],
  [wechatErrcode.matchRuleEmpty, "menu_match_rule_empty"],
  [wechatErrcode.invalidTagId, "menu_match_rule_tag"],
  [wechatErrcode.invalidArgs, "menu_match_rule_platform"],
]);

/** The ids a button type needs: WeChat answers the type's code when one is missing, we say which. */
const missingField: Readonly<Record<string, MenuRuleReason>> = {
  appid: "menu_appid_missing",
  pagepath: "menu_pagepath_missing",
  media_id: "menu_media_id_missing",
  article_id: "menu_article_id_missing",
};

/** The reason word of a menu validator's violation. */
export function menuRuleReason(violation: Violation): MenuRuleReason {
  const field = violation.path.slice(violation.path.lastIndexOf(".") + 1);
  return missingField[field] ?? byErrcode.get(violation.errcode) ?? "menu_malformed";
}
