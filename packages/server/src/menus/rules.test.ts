import { menuRuleReason, parseMessage, type Violation, validateMenu, wechatErrcode } from "@wxgate/wechat";
import { describe, expect, it } from "vitest";
import { PlatformError } from "../platform/errors.js";
import { beijingDay, menuTapOf } from "./clicks.js";
import { checkConditionalMenu, checkMenu, menuRefusal } from "./rules.js";

function refusalOf(check: () => unknown): PlatformError {
  try {
    check();
  } catch (error) {
    if (error instanceof PlatformError) return error;
    throw error;
  }
  throw new Error("the menu was accepted");
}

const leaf = (over: Record<string, unknown> = {}) => ({ type: "click", name: "a", key: "k", ...over });
const parent = (subs: unknown[]) => ({ name: "p", sub_button: subs });

describe("a menu checked before WeChat is called", () => {
  it.each([
    ["no button", { button: [] }, "button", "menu_button_count", 40016],
    ["four buttons", { button: [leaf(), leaf(), leaf(), leaf()] }, "button", "menu_button_count", 40016],
    [
      "a top name of 17 bytes",
      { button: [leaf({ name: "一二三四五xy" })] },
      "button[0].name",
      "menu_button_name_size",
      40018,
    ],
    ["an empty name", { button: [leaf({ name: "" })] }, "button[0].name", "menu_button_name_size", 40018],
    [
      "an unknown type",
      { button: [leaf({ type: "view_limited" })] },
      "button[0].type",
      "menu_button_type",
      40017,
    ],
    [
      "a key of 129 bytes",
      { button: [leaf({ key: "k".repeat(129) })] },
      "button[0].key",
      "menu_button_key_size",
      40019,
    ],
    [
      "a view without url",
      { button: [{ type: "view", name: "v" }] },
      "button[0].url",
      "menu_button_url_size",
      40020,
    ],
    [
      "six sub-buttons",
      { button: [parent(Array.from({ length: 6 }, () => leaf()))] },
      "button[0].sub_button",
      "menu_sub_button_count",
      40023,
    ],
    [
      "a sub name of 61 bytes",
      { button: [parent([leaf({ name: `${"名".repeat(20)}x` })])] },
      "button[0].sub_button[0].name",
      "menu_sub_button_name_size",
      40025,
    ],
    [
      "a sub type unknown",
      { button: [parent([leaf({ type: "x" })])] },
      "button[0].sub_button[0].type",
      "menu_sub_button_type",
      40024,
    ],
    [
      "a sub key too long",
      { button: [parent([leaf({ type: "scancode_push", key: "k".repeat(129) })])] },
      "button[0].sub_button[0].key",
      "menu_sub_button_key_size",
      40026,
    ],
    [
      "a sub url too long",
      { button: [parent([{ type: "view", name: "v", url: "u".repeat(1025) }])] },
      "button[0].sub_button[0].url",
      "menu_sub_button_url_size",
      40027,
    ],
    [
      "a third level",
      { button: [parent([{ ...leaf(), sub_button: [leaf()] }])] },
      "button[0].sub_button[0].sub_button",
      "menu_sub_menu_level",
      40022,
    ],
    [
      "a mini program without appid",
      { button: [{ type: "miniprogram", name: "m", url: "https://a.cn", pagepath: "p" }] },
      "button[0].appid",
      "menu_appid_missing",
      40017,
    ],
    [
      "a mini program without page",
      { button: [{ type: "miniprogram", name: "m", url: "https://a.cn", appid: "wx1" }] },
      "button[0].pagepath",
      "menu_pagepath_missing",
      40017,
    ],
    [
      "a media_id button without one",
      { button: [{ type: "media_id", name: "m" }] },
      "button[0].media_id",
      "menu_media_id_missing",
      40017,
    ],
    [
      "an article_view_limited without article",
      { button: [parent([{ type: "article_view_limited", name: "m" }])] },
      "button[0].sub_button[0].article_id",
      "menu_article_id_missing",
      40024,
    ],
    ["not an object", [], "", "menu_malformed", 47001],
  ])("refuses %s", (_, body, path, reason, errcode) => {
    const refusal = refusalOf(() => checkMenu(body));
    expect(refusal.code).toBe("validation_failed");
    expect(refusal.status).toBe(400);
    expect(refusal.details).toEqual({ path, reason, errcode });
    expect(refusal.message).toContain(path === "" ? "the menu" : path);
  });

  it("accepts every button type at its limits, trimmed to the fields each type uses", () => {
    const types = [
      "click",
      "scancode_push",
      "scancode_waitmsg",
      "pic_sysphoto",
      "pic_photo_or_album",
      "pic_weixin",
      "location_select",
    ];
    const menu = checkMenu({
      button: [
        { type: "click", name: "一二三四五", key: "k".repeat(128), url: "ignored" },
        parent(types.slice(0, 5).map((type) => ({ type, name: "名".repeat(20), key: "k" }))),
        parent([
          ...types.slice(5).map((type) => ({ type, name: "n", key: "k" })),
          { type: "view", name: "v", url: `https://a.cn/${"x".repeat(1024 - 13)}` },
          { type: "media_id", name: "m", media_id: "MEDIA" },
          { type: "miniprogram", name: "mp", url: "https://a.cn", appid: "wx1", pagepath: "p/i" },
        ]),
      ],
    });
    expect(menu.button[0]).toEqual({ type: "click", name: "一二三四五", key: "k".repeat(128) });
    expect(menu.button).toHaveLength(3);
    expect(checkMenu({ button: [{ type: "article_id", name: "a", article_id: "ART" }] }).button[0]).toEqual({
      type: "article_id",
      name: "a",
      article_id: "ART",
    });
  });

  it("checks a conditional menu's rule", () => {
    const button = [leaf()];
    expect(refusalOf(() => checkConditionalMenu({ button })).details).toMatchObject({
      path: "matchrule",
      reason: "menu_match_rule_empty",
    });
    expect(
      refusalOf(() => checkConditionalMenu({ button, matchrule: { tag_id: "vip" } })).details,
    ).toMatchObject({
      path: "matchrule.tag_id",
      reason: "menu_match_rule_tag",
    });
    expect(
      refusalOf(() => checkConditionalMenu({ button, matchrule: { client_platform_type: "4" } })).details,
    ).toMatchObject({ path: "matchrule.client_platform_type", reason: "menu_match_rule_platform" });
    expect(
      checkConditionalMenu({ button, matchrule: { tag_id: 101, client_platform_type: 2 } }).matchrule,
    ).toEqual({
      tag_id: "101",
      client_platform_type: "2",
    });
  });

  it("names an unknown code as a malformed menu rather than guessing", () => {
    const odd: Violation = { ok: false, errcode: 12345, errmsg: "?", path: "button" };
    expect(menuRuleReason(odd)).toBe("menu_malformed");
    const valid = validateMenu({ button: [leaf()] });
    expect(valid.ok).toBe(true);
    expect(
      menuRefusal({
        ok: false,
        errcode: wechatErrcode.invalidButtonKeySize,
        errmsg: "x",
        path: "button[2].key",
      }).details,
    ).toEqual({
      path: "button[2].key",
      reason: "menu_button_key_size",
      errcode: 40019,
    });
  });
});

describe("menu taps", () => {
  const push = (event: string, key: string) =>
    parseMessage(
      `<xml><ToUserName>gh_1</ToUserName><FromUserName>o1</FromUserName><CreateTime>1748793599</CreateTime><MsgType>event</MsgType><Event>${event}</Event><EventKey>${key}</EventKey></xml>`,
    );

  it("reads CLICK, VIEW and view_miniprogram, and nothing else", () => {
    expect(menuTapOf(push("CLICK", "K"))).toEqual({ event: "CLICK", key: "K", createTime: 1748793599 });
    expect(menuTapOf(push("VIEW", "https://a.cn"))).toMatchObject({ event: "VIEW", key: "https://a.cn" });
    expect(menuTapOf(push("view_miniprogram", "pages/i"))).toMatchObject({
      event: "view_miniprogram",
      key: "pages/i",
    });
    expect(menuTapOf(push("SCAN", "1"))).toBeUndefined();
    expect(menuTapOf(push("subscribe", ""))).toBeUndefined();
  });

  it("counts days in Beijing time", () => {
    // 2025-06-01T15:59:59Z is 23:59:59 in Beijing; a second later the next day begins there.
    expect(beijingDay(Date.UTC(2025, 5, 1, 15, 59, 59))).toBe("2025-06-01");
    expect(beijingDay(Date.UTC(2025, 5, 1, 16, 0, 0))).toBe("2025-06-02");
  });
});
