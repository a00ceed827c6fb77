import { z } from "zod";
import { defineRoute, type Route } from "../http/route.js";
import type { MenuService } from "./service.js";
import {
  clickView,
  conditionalMenuInput,
  draftView,
  liveView,
  menuInput,
  menuView,
  publicationView,
} from "./views.js";

const appid = z.object({ appid: z.string().min(1).max(64) });
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD");
const REFUSALS =
  "A menu WeChat would refuse is refused first, WeChat not called: 400 `validation_failed` with `details.path` (`button[1].sub_button[2].name`), `details.reason` (`menu_button_name_size`, …) and `details.errcode` (the code WeChat would answer). WeChat's own refusals come back as 502 `wechat_api_error` with its errcode.";
const tags = ["menus"];

/** The menus module's routes (自定义菜单). */
export function menusRoutes(service: MenuService): Route[] {
  return [
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/menu/draft",
      action: "menus.read",
      account: (p) => p.appid,
      tags,
      summary: "The menu being edited",
      params: appid,
      response: z.object({ draft: draftView.nullable() }),
      handler: async ({ params }) => ({ draft: await service.draft(params.appid) }),
    }),
    defineRoute({
      method: "PUT",
      url: "/accounts/:appid/menu/draft",
      action: "menus.publish",
      account: (p) => p.appid,
      tags,
      summary: "Save the menu being edited",
      description: `The draft is checked as WeChat checks a menu, so it can always be published. ${REFUSALS}`,
      params: appid,
      body: menuInput,
      response: draftView,
      handler: ({ actor, params, body }) => service.saveDraft(actor, params.appid, body),
    }),
    defineRoute({
      method: "POST",
      url: "/accounts/:appid/menu/publications",
      action: "menus.publish",
      account: (p) => p.appid,
      tags,
      summary: "Publish a menu as the account's default menu",
      description: `Calls menu/create, keeps the menu as the draft and in the history. ${REFUSALS}`,
      params: appid,
      body: menuInput,
      response: publicationView,
      status: 201,
      handler: ({ actor, params, body }) => service.publish(actor, params.appid, body),
    }),
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/menu/publications",
      action: "menus.read",
      account: (p) => p.appid,
      tags,
      summary: "The publication history, newest first",
      params: appid,
      query: z.object({
        limit: z.coerce.number().int().min(1).max(200).default(50),
        before: z.string().max(64).optional().describe("`nextBefore` of the previous page."),
      }),
      response: z.object({ items: z.array(publicationView), nextBefore: z.string().nullable() }),
      handler: async ({ params, query }) => {
        const items = await service.history(params.appid, query.limit, query.before);
        return { items, nextBefore: items.length === query.limit ? (items.at(-1)?.id ?? null) : null };
      },
    }),
    defineRoute({
      method: "POST",
      url: "/accounts/:appid/menu/publications/:id/restore",
      action: "menus.publish",
      account: (p) => p.appid,
      tags,
      summary: "Bring a published menu back into the draft, and publish it again with `publish`",
      description:
        "A conditional menu is published again with its match rule (a new menuid). Deletions have no menu (404).",
      params: appid.extend({ id: z.string().min(1).max(64) }),
      body: z.object({ publish: z.boolean().default(false) }),
      response: z.object({ draft: draftView, publication: publicationView.nullable() }),
      handler: ({ actor, params, body }) => service.restore(actor, params.appid, params.id, body.publish),
    }),
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/menu/live",
      action: "menus.read",
      account: (p) => p.appid,
      tags,
      summary: "The menus WeChat holds now (read back)",
      description: "get_current_selfmenu_info and menu/get.",
      params: appid,
      response: liveView,
      handler: ({ params }) => service.live(params.appid),
    }),
    defineRoute({
      method: "DELETE",
      url: "/accounts/:appid/menu/live",
      action: "menus.publish",
      account: (p) => p.appid,
      tags,
      summary: "Delete the default menu and every conditional one (menu/delete)",
      params: appid,
      response: publicationView,
      handler: ({ actor, params }) => service.remove(actor, params.appid),
    }),
    defineRoute({
      method: "POST",
      url: "/accounts/:appid/menu/conditional",
      action: "menus.publish",
      account: (p) => p.appid,
      tags,
      summary: "Add a conditional menu for a user tag or a client platform",
      description: `Calls menu/addconditional; WeChat needs a default menu first (65303). A missing or empty rule is \`menu_match_rule_empty\`. ${REFUSALS}`,
      params: appid,
      body: conditionalMenuInput,
      response: publicationView,
      status: 201,
      handler: ({ actor, params, body }) => service.addConditional(actor, params.appid, body),
    }),
    defineRoute({
      method: "DELETE",
      url: "/accounts/:appid/menu/conditional/:menuId",
      action: "menus.publish",
      account: (p) => p.appid,
      tags,
      summary: "Delete one conditional menu (menu/delconditional)",
      params: appid.extend({ menuId: z.string().regex(/^\d{1,20}$/, "must be WeChat's menuid") }),
      response: publicationView,
      handler: ({ actor, params }) => service.removeConditional(actor, params.appid, params.menuId),
    }),
    defineRoute({
      method: "POST",
      url: "/accounts/:appid/menu/try-match",
      action: "menus.read",
      account: (p) => p.appid,
      tags,
      summary: "The menu a follower would see (menu/trymatch)",
      params: appid,
      body: z.object({ userId: z.string().min(1).max(128).describe("An OpenID or a WeChat id.") }),
      response: menuView,
      handler: ({ params, body }) => service.tryMatch(params.appid, body.userId),
    }),
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/menu/clicks",
      action: "menus.read",
      account: (p) => p.appid,
      tags,
      summary: "Menu taps per Beijing day, event and key",
      description:
        "Counted as the gateway receives CLICK, VIEW and view_miniprogram events. Default: the last 7 days.",
      params: appid,
      query: z.object({ from: day.optional(), to: day.optional() }),
      response: z.object({ from: z.string(), to: z.string(), items: z.array(clickView) }),
      handler: ({ params, query }) => service.clicks(params.appid, query.from, query.to),
    }),
  ];
}
