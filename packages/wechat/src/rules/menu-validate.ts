import { wechatErrcode } from "./errors.js";
import { menuLimits } from "./limits.js";
import { isRecord, utf8ByteLength, type Validated, violation } from "./violation.js";

/** The action type of a custom-menu button (`type`). */
export type MenuActionType = (typeof menuLimits.buttonTypes)[number];

/** A button that acts when tapped. Only the fields its type uses are kept. */
export interface MenuActionButton {
  type: MenuActionType;
  name: string;
  /** click, scancode_*, pic_*, location_select. */
  key?: string;
  /** view; miniprogram (the page opened by clients without mini program support). */
  url?: string;
  /** media_id. */
  media_id?: string;
  /** article_id, article_view_limited. */
  article_id?: string;
  /** miniprogram. */
  appid?: string;
  /** miniprogram. */
  pagepath?: string;
}

/** A top-level button that opens a list of sub-buttons; it has no type of its own. */
export interface MenuParentButton {
  name: string;
  sub_button: MenuActionButton[];
}

/**
 * A top-level button of a checked menu. The checked types are narrower than the wire types
 * of the API client (`MenuButton`), and assignable to them.
 */
export type MenuTopButton = MenuActionButton | MenuParentButton;

/** The body of `menu/create`. */
export interface Menu {
  button: MenuTopButton[];
}

/** Who sees a conditional menu. At least one field is set. */
export interface ConditionalMatchRule {
  /** A user tag id, as a decimal string. */
  tag_id?: string;
  /** "1" iOS, "2" Android, "3" others. */
  client_platform_type?: "1" | "2" | "3";
}

/** The body of `menu/addconditional`. */
export interface ConditionalMenu extends Menu {
  matchrule: ConditionalMatchRule;
}

/** Whether a top-level button is a parent of sub-buttons. */
export function isParentButton(button: MenuTopButton): button is MenuParentButton {
  return "sub_button" in button;
}

interface Level {
  type: number;
  name: number;
  key: number;
  url: number;
  nameBytes: number;
}

const topLevel: Level = {
  type: wechatErrcode.invalidButtonType,
  name: wechatErrcode.invalidButtonNameSize,
  key: wechatErrcode.invalidButtonKeySize,
  url: wechatErrcode.invalidButtonUrlSize,
  nameBytes: menuLimits.nameBytes,
};

const subLevel: Level = {
  type: wechatErrcode.invalidSubButtonType,
  name: wechatErrcode.invalidSubButtonNameSize,
  key: wechatErrcode.invalidSubButtonKeySize,
  url: wechatErrcode.invalidSubButtonUrlSize,
  nameBytes: menuLimits.subNameBytes,
};

const keyTypes: ReadonlySet<string> = new Set([
  "click",
  "scancode_push",
  "scancode_waitmsg",
  "pic_sysphoto",
  "pic_photo_or_album",
  "pic_weixin",
  "location_select",
]);
const buttonTypes: ReadonlySet<string> = new Set(menuLimits.buttonTypes);

/**
 * Checks a `menu/create` body as WeChat does and returns it typed and trimmed to the fields
 * each button's type uses. Sizes are UTF-8 bytes. A body that is not a JSON object gets
 * 47001 (data format error). A leaf may carry `sub_button: []` (as `menu/get` returns it).
 *
 * WeChat does not document the code for a missing type-specific id (media_id, article_id,
 * a mini program's appid or pagepath); the button's type code (40017 / 40024) is used.
 * A sub-button with sub-buttons of its own gets 40022 (invalid sub_menu level).
 */
export function validateMenu(menu: unknown): Validated<Menu> {
  if (!isRecord(menu)) return violation(wechatErrcode.dataFormatError, "");
  const buttons = validateButtons(menu.button);
  if (!buttons.ok) return buttons;
  return { ok: true, value: { button: buttons.value } };
}

/**
 * Checks a `menu/addconditional` body: the buttons as {@link validateMenu}, then the
 * `matchrule`. A missing or empty matchrule gets 65304 (match rule empty). An invalid
 * tag_id gets 45159 and an invalid client_platform_type 40097; WeChat does not document
 * these two cases (uncertain). Retired match fields (sex, country, province, city,
 * language) are ignored, and do not count as a rule.
 */
export function validateConditionalMenu(menu: unknown): Validated<ConditionalMenu> {
  if (!isRecord(menu)) return violation(wechatErrcode.dataFormatError, "");
  const buttons = validateButtons(menu.button);
  if (!buttons.ok) return buttons;
  const matchrule = validateMatchRule(menu.matchrule);
  if (!matchrule.ok) return matchrule;
  return { ok: true, value: { button: buttons.value, matchrule: matchrule.value } };
}

function validateButtons(raw: unknown): Validated<MenuTopButton[]> {
  const { min, max } = menuLimits.buttons;
  if (!Array.isArray(raw) || raw.length < min || raw.length > max) {
    return violation(wechatErrcode.invalidButtonSize, "button");
  }
  const buttons: MenuTopButton[] = [];
  for (const [index, item] of raw.entries()) {
    const button = validateTopButton(item, `button[${index}]`);
    if (!button.ok) return button;
    buttons.push(button.value);
  }
  return { ok: true, value: buttons };
}

function validateTopButton(raw: unknown, path: string): Validated<MenuTopButton> {
  if (!isRecord(raw)) return violation(topLevel.type, path);
  const subs = raw.sub_button;
  if (subs === undefined || (Array.isArray(subs) && subs.length === 0)) {
    return validateActionButton(raw, path, topLevel);
  }
  const name = validateName(raw.name, path, topLevel);
  if (!name.ok) return name;
  if (!Array.isArray(subs) || subs.length > menuLimits.subButtons.max) {
    return violation(wechatErrcode.invalidSubButtonSize, `${path}.sub_button`);
  }
  if (raw.type !== undefined) return violation(topLevel.type, `${path}.type`);
  const children: MenuActionButton[] = [];
  for (const [index, item] of subs.entries()) {
    const childPath = `${path}.sub_button[${index}]`;
    if (!isRecord(item)) return violation(subLevel.type, childPath);
    const nested = item.sub_button;
    if (nested !== undefined && !(Array.isArray(nested) && nested.length === 0)) {
      return violation(wechatErrcode.invalidSubMenuLevel, `${childPath}.sub_button`);
    }
    const child = validateActionButton(item, childPath, subLevel);
    if (!child.ok) return child;
    children.push(child.value);
  }
  return { ok: true, value: { name: name.value, sub_button: children } };
}

function validateActionButton(
  raw: Record<string, unknown>,
  path: string,
  level: Level,
): Validated<MenuActionButton> {
  const name = validateName(raw.name, path, level);
  if (!name.ok) return name;
  const type = raw.type;
  if (typeof type !== "string" || !buttonTypes.has(type)) return violation(level.type, `${path}.type`);
  const button: MenuActionButton = { type: type as MenuActionType, name: name.value };

  if (keyTypes.has(type)) {
    const key = sizedText(raw.key, menuLimits.keyBytes);
    if (key === undefined) return violation(level.key, `${path}.key`);
    button.key = key;
  }
  if (type === "view" || type === "miniprogram") {
    const url = sizedText(raw.url, menuLimits.urlBytes);
    if (url === undefined) return violation(level.url, `${path}.url`);
    button.url = url;
  }
  if (type === "miniprogram") {
    if (!isFilled(raw.appid)) return violation(level.type, `${path}.appid`);
    if (!isFilled(raw.pagepath)) return violation(level.type, `${path}.pagepath`);
    button.appid = raw.appid;
    button.pagepath = raw.pagepath;
  }
  if (type === "media_id") {
    if (!isFilled(raw.media_id)) return violation(level.type, `${path}.media_id`);
    button.media_id = raw.media_id;
  }
  if (type === "article_id" || type === "article_view_limited") {
    if (!isFilled(raw.article_id)) return violation(level.type, `${path}.article_id`);
    button.article_id = raw.article_id;
  }
  return { ok: true, value: button };
}

function validateName(raw: unknown, path: string, level: Level): Validated<string> {
  const name = sizedText(raw, level.nameBytes);
  if (name === undefined) return violation(level.name, `${path}.name`);
  return { ok: true, value: name };
}

/** The text when it is a non-empty string of at most `maxBytes` UTF-8 bytes. */
function sizedText(raw: unknown, maxBytes: number): string | undefined {
  if (typeof raw !== "string") return undefined;
  const bytes = utf8ByteLength(raw);
  return bytes >= 1 && bytes <= maxBytes ? raw : undefined;
}

function isFilled(raw: unknown): raw is string {
  return typeof raw === "string" && raw.length > 0;
}

function validateMatchRule(raw: unknown): Validated<ConditionalMatchRule> {
  if (!isRecord(raw)) return violation(wechatErrcode.matchRuleEmpty, "matchrule");
  const rule: ConditionalMatchRule = {};

  const tagId = raw.tag_id;
  if (!isBlank(tagId)) {
    const text = typeof tagId === "number" ? String(tagId) : tagId;
    if (typeof text !== "string" || !/^\d+$/.test(text)) {
      return violation(wechatErrcode.invalidTagId, "matchrule.tag_id");
    }
    rule.tag_id = text;
  }

  const platform = raw.client_platform_type;
  if (!isBlank(platform)) {
    const text = typeof platform === "number" ? String(platform) : platform;
    if (text !== "1" && text !== "2" && text !== "3") {
      return violation(wechatErrcode.invalidArgs, "matchrule.client_platform_type");
    }
    rule.client_platform_type = text;
  }

  if (rule.tag_id === undefined && rule.client_platform_type === undefined) {
    return violation(wechatErrcode.matchRuleEmpty, "matchrule");
  }
  return { ok: true, value: rule };
}

function isBlank(raw: unknown): boolean {
  return raw === undefined || raw === null || raw === "";
}
