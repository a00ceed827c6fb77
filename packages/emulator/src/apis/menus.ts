import { type MenuTopButton, validateConditionalMenu, validateMenu } from "@wxgate/wechat";
import type { FastifyInstance } from "fastify";
import type { EmulatorContext } from "../http/context.js";
import { tokenRoutes } from "../http/token-routes.js";
import { WxFault } from "../http/wx-error.js";
import type { ConditionalMenu, Follower } from "../world/types.js";
import { accountOf, bodyOf, filled, isRecord } from "./input.js";

/**
 * Conditional (personalized) menus an account may hold at once. WeChat does not publish the
 * number; 20 is a setting chosen here, and the 21st gets 65305.
 */
export const CONDITIONAL_MENU_LIMIT = 20;

/** A menu as menu/get and trymatch show it: leaves carry `sub_button: []`, as WeChat's do. */
function shown(buttons: unknown[]): unknown[] {
  return buttons.map((button) => {
    if (!isRecord(button)) return button;
    const subs = button.sub_button;
    if (Array.isArray(subs) && subs.length > 0) {
      return { name: button.name, sub_button: subs.map((s) => (isRecord(s) ? { ...s, sub_button: [] } : s)) };
    }
    return { ...button, sub_button: [] };
  });
}

/** get_current_selfmenu_info's shape: sub-buttons wrapped in `{list}`, leaves without `sub_button`. */
function selfMenu(buttons: readonly MenuTopButton[] | unknown[]): unknown[] {
  return buttons.map((button) => {
    if (!isRecord(button)) return button;
    const subs = button.sub_button;
    if (Array.isArray(subs) && subs.length > 0) return { name: button.name, sub_button: { list: subs } };
    const { sub_button: _ignored, ...leaf } = button;
    return leaf;
  });
}

/**
 * The menu a follower sees: the newest conditional menu whose rule matches, else the default.
 * Emulated followers report no client platform, so a rule with `client_platform_type`
 * matches nobody.
 */
export function menuFor(
  conditional: readonly ConditionalMenu[],
  follower: Follower,
): ConditionalMenu | undefined {
  for (let i = conditional.length - 1; i >= 0; i--) {
    const menu = conditional[i]!;
    const rule = menu.matchrule;
    if (rule.client_platform_type !== undefined) continue;
    const tagId = Number(rule.tag_id);
    if (rule.tag_id !== undefined && follower.tagIds.includes(tagId)) return menu;
  }
  return undefined;
}

/** menu/create, menu/get, get_current_selfmenu_info, menu/delete and the conditional menus. */
export function registerMenus(app: FastifyInstance, ctx: EmulatorContext): void {
  const route = tokenRoutes(app, ctx);
  const { world } = ctx;

  route.post("/cgi-bin/menu/create", (call) => {
    const checked = validateMenu(call.body);
    if (!checked.ok) throw new WxFault(checked.errcode);
    world.menusOf(accountOf(call).appId).default = { button: checked.value.button };
    return { errcode: 0, errmsg: "ok" };
  });

  route.get("/cgi-bin/menu/get", (call) => {
    const menus = world.menusOf(accountOf(call).appId);
    if (!menus.default) throw new WxFault(46003);
    const answer: Record<string, unknown> = { menu: { button: shown(menus.default.button) } };
    if (menus.conditional.length > 0) {
      answer.conditionalmenu = menus.conditional.map((m) => ({
        button: shown(m.button),
        matchrule: m.matchrule,
        menuid: Number(m.menuId),
      }));
    }
    return answer;
  });

  route.get("/cgi-bin/get_current_selfmenu_info", (call) => {
    const menu = world.menusOf(accountOf(call).appId).default;
    if (!menu) return { is_menu_open: 0 };
    return { is_menu_open: 1, selfmenu_info: { button: selfMenu(menu.button) } };
  });

  route.get("/cgi-bin/menu/delete", (call) => {
    const menus = world.menusOf(accountOf(call).appId);
    delete menus.default;
    menus.conditional = [];
    return { errcode: 0, errmsg: "ok" };
  });

  route.post("/cgi-bin/menu/addconditional", (call) => {
    const account = accountOf(call);
    const checked = validateConditionalMenu(call.body);
    if (!checked.ok) throw new WxFault(checked.errcode);
    const menus = world.menusOf(account.appId);
    if (!menus.default) throw new WxFault(65303);
    const tagId = checked.value.matchrule.tag_id;
    if (tagId !== undefined && !world.tagsOf(account.appId).items[tagId]) throw new WxFault(45159);
    if (menus.conditional.length >= CONDITIONAL_MENU_LIMIT) throw new WxFault(65305);
    const menuId = String(menus.nextMenuId++);
    menus.conditional.push({
      menuId,
      button: checked.value.button,
      matchrule: { ...checked.value.matchrule },
    });
    return { menuid: menuId };
  });

  route.post("/cgi-bin/menu/delconditional", (call) => {
    const body = bodyOf(call);
    const menus = world.menusOf(accountOf(call).appId);
    const menuId = String(body.menuid ?? "");
    const index = menus.conditional.findIndex((m) => m.menuId === menuId);
    if (index < 0) throw new WxFault(65301);
    menus.conditional.splice(index, 1);
    return { errcode: 0, errmsg: "ok" };
  });

  route.post("/cgi-bin/menu/trymatch", (call) => {
    const account = accountOf(call);
    const userId = filled(bodyOf(call).user_id);
    // user_id may also be a WeChat ID; emulated followers have none, so only OpenIDs match.
    const follower = userId === undefined ? undefined : world.follower(account.appId, userId);
    if (!follower) throw new WxFault(65302);
    const menus = world.menusOf(account.appId);
    if (!menus.default) throw new WxFault(46003);
    const matched = menuFor(menus.conditional, follower);
    if (matched) return { button: shown(matched.button), menuid: Number(matched.menuId) };
    return { button: shown(menus.default.button) };
  });
}
