import { z } from "zod";

/*
 * The request schemas check the shape only, with bounds far above WeChat's: the byte limits,
 * counts and types are WeChat's rules, checked by the service so a refusal names the button
 * (`details.path`) and the rule (`details.reason`, `details.errcode`).
 */
const text = (max: number) => z.string().max(max).optional();
const leafInput = {
  type: text(64).describe(
    "click, view, scancode_push, scancode_waitmsg, pic_sysphoto, pic_photo_or_album, pic_weixin, location_select, media_id, article_id, article_view_limited, miniprogram.",
  ),
  name: text(1000).describe("At most 16 bytes of UTF-8 on a top-level button, 60 on a sub-button."),
  key: text(4096).describe("click and the scancode / pic / location types: at most 128 bytes."),
  url: text(8192).describe("view, and miniprogram's page for old clients: at most 1024 bytes."),
  media_id: text(1000),
  article_id: text(1000),
  appid: text(1000).describe("miniprogram: the linked mini program."),
  pagepath: text(4096).describe("miniprogram: the page it opens."),
};
const subButtonInput = z.object({ ...leafInput, sub_button: z.array(z.unknown()).max(50).optional() });
const buttonInput = z.object({ ...leafInput, sub_button: z.array(subButtonInput).max(50).optional() });
export const menuInput = z.object({
  button: z.array(buttonInput).max(50).describe("1–3 top-level buttons, each a leaf or 1–5 sub-buttons."),
});
export const matchRuleInput = z.object({
  tag_id: z
    .union([z.string().max(64), z.number().int()])
    .optional()
    .describe("A user tag's id."),
  client_platform_type: z
    .union([z.string().max(8), z.number().int()])
    .optional()
    .describe("1 iOS, 2 Android, 3 others."),
});
export const conditionalMenuInput = menuInput.extend({ matchrule: matchRuleInput });

const leafView = {
  type: z.string().optional(),
  name: z.string(),
  key: z.string().optional(),
  url: z.string().optional(),
  media_id: z.string().optional(),
  article_id: z.string().optional(),
  appid: z.string().optional(),
  pagepath: z.string().optional(),
};
const subButtonView = z.object(leafView);
const buttonView = z.object({ ...leafView, sub_button: z.array(subButtonView).optional() });
export const menuView = z.object({ button: z.array(buttonView) });
export const matchRuleView = z.object({
  tag_id: z.string().optional(),
  client_platform_type: z.string().optional(),
});

export const draftView = z.object({
  menu: menuView,
  updatedBy: z.string(),
  updatedAt: z.number().int(),
});

export const publicationView = z.object({
  id: z.string(),
  kind: z
    .enum(["default", "conditional", "conditional_deleted", "deleted"])
    .describe("What WeChat was asked: set the default menu, add or delete a conditional one, delete all."),
  menu: menuView.nullable().describe("The full menu sent; null for the deletions."),
  matchrule: matchRuleView.nullable(),
  menuId: z.string().nullable().describe("WeChat's menuid of a conditional menu."),
  publishedBy: z.string(),
  publishedAt: z.number().int(),
});

const selfMenuLeaf = z.object({
  name: z.string(),
  type: z.string().optional(),
  key: z.string().optional(),
  url: z.string().optional(),
  value: z.string().optional(),
});
export const liveView = z.object({
  open: z.boolean(),
  current: z
    .array(selfMenuLeaf.extend({ sub_button: z.object({ list: z.array(selfMenuLeaf) }).optional() }))
    .describe("The menu as users see it (get_current_selfmenu_info), set here or on WeChat's platform."),
  menu: menuView.nullable().describe("The default menu set through the API (menu/get)."),
  conditional: z.array(
    z.object({ menuId: z.string(), button: z.array(buttonView), matchrule: matchRuleView }),
  ),
});

export const clickView = z.object({
  day: z.string(),
  event: z.string().describe("CLICK, VIEW or view_miniprogram."),
  key: z.string().describe("The button's key, or the URL / page opened."),
  clicks: z.number().int(),
});
