import { describe, expect, it } from "vitest";
import { menuLimits } from "./limits.js";
import { validateConditionalMenu, validateMenu } from "./menu-validate.js";

const click = (name: string, key = "K") => ({ type: "click", name, key });
const view = (name: string, url = "https://example.com/") => ({ type: "view", name, url });

/** The errcode and path of a rejected menu, or "ok". */
function outcome(menu: unknown): "ok" | { errcode: number; path: string } {
  const result = validateMenu(menu);
  return result.ok ? "ok" : { errcode: result.errcode, path: result.path };
}

describe("validateMenu", () => {
  it("accepts a menu with every button type", () => {
    const result = validateMenu({
      button: [
        click("今日歌曲", "V1001_TODAY_MUSIC"),
        {
          name: "菜单",
          sub_button: [
            view("搜索", "http://www.soso.com/"),
            {
              type: "miniprogram",
              name: "wxa",
              url: "http://mp.weixin.qq.com",
              appid: "wx286b93c14bbf93aa",
              pagepath: "pages/lunar/index",
            },
            { type: "scancode_push", name: "扫码", key: "rselfmenu_0_1" },
            { type: "media_id", name: "图片", media_id: "MEDIA_ID1" },
            { type: "article_id", name: "文章", article_id: "ARTICLE_ID1" },
          ],
        },
        {
          name: "更多",
          sub_button: [
            { type: "scancode_waitmsg", name: "a", key: "k" },
            { type: "pic_sysphoto", name: "b", key: "k" },
            { type: "pic_photo_or_album", name: "c", key: "k" },
            { type: "pic_weixin", name: "d", key: "k" },
            { type: "location_select", name: "e", key: "k" },
          ],
        },
      ],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.button[1]).toMatchObject({ name: "菜单" });
    const typesSeen = JSON.stringify(result.value).match(/"type":"\w+"/g)?.length;
    expect(typesSeen).toBe(11);
    const articleViewLimited = validateMenu({
      button: [{ type: "article_view_limited", name: "x", article_id: "A" }],
    });
    expect(articleViewLimited.ok).toBe(true);
    expect(menuLimits.buttonTypes).toHaveLength(12);
  });

  it("keeps only the fields each type uses and drops an empty sub_button", () => {
    const result = validateMenu({
      button: [
        { type: "view", name: "v", url: "https://a.example/", key: "ignored", sub_button: [], extra: 1 },
      ],
    });
    expect(result).toEqual({
      ok: true,
      value: { button: [{ type: "view", name: "v", url: "https://a.example/" }] },
    });
  });

  it("answers 47001 for a body that is not a JSON object", () => {
    for (const body of [null, "menu", 3, [click("a")]]) {
      expect(outcome(body)).toEqual({ errcode: 47001, path: "" });
    }
    const result = validateMenu(null);
    expect(result.ok ? "" : result.errmsg).toBe("data format error");
  });

  describe("40016 button count", () => {
    it("rejects a missing, empty or over-long button list", () => {
      expect(outcome({})).toEqual({ errcode: 40016, path: "button" });
      expect(outcome({ button: {} })).toEqual({ errcode: 40016, path: "button" });
      expect(outcome({ button: [] })).toEqual({ errcode: 40016, path: "button" });
      expect(outcome({ button: [click("a"), click("b"), click("c"), click("d")] })).toEqual({
        errcode: 40016,
        path: "button",
      });
    });

    it("accepts one and three buttons", () => {
      expect(outcome({ button: [click("a")] })).toBe("ok");
      expect(outcome({ button: [click("a"), click("b"), click("c")] })).toBe("ok");
    });

    it("carries WeChat's errmsg", () => {
      const result = validateMenu({ button: [] });
      expect(result).toEqual({ ok: false, errcode: 40016, errmsg: "invalid button size", path: "button" });
    });
  });

  describe("40017 button type", () => {
    it("rejects a missing or unknown type", () => {
      expect(outcome({ button: [{ name: "a", key: "k" }] })).toEqual({
        errcode: 40017,
        path: "button[0].type",
      });
      expect(outcome({ button: [{ type: "tap", name: "a", key: "k" }] })).toEqual({
        errcode: 40017,
        path: "button[0].type",
      });
      expect(outcome({ button: [click("a"), { type: "view_limited", name: "b", media_id: "m" }] })).toEqual({
        errcode: 40017,
        path: "button[1].type",
      });
    });

    it("rejects a button that is not an object", () => {
      expect(outcome({ button: ["a"] })).toEqual({ errcode: 40017, path: "button[0]" });
    });

    it("rejects a type on a button with sub-buttons", () => {
      expect(outcome({ button: [{ type: "click", key: "k", name: "a", sub_button: [click("b")] }] })).toEqual(
        {
          errcode: 40017,
          path: "button[0].type",
        },
      );
    });

    it("rejects type-specific ids that are missing", () => {
      expect(outcome({ button: [{ type: "media_id", name: "a" }] })).toEqual({
        errcode: 40017,
        path: "button[0].media_id",
      });
      expect(outcome({ button: [{ type: "article_id", name: "a", article_id: "" }] })).toEqual({
        errcode: 40017,
        path: "button[0].article_id",
      });
      expect(
        outcome({ button: [{ type: "miniprogram", name: "a", url: "http://x", pagepath: "p" }] }),
      ).toEqual({
        errcode: 40017,
        path: "button[0].appid",
      });
      expect(
        outcome({ button: [{ type: "miniprogram", name: "a", url: "http://x", appid: "wx1" }] }),
      ).toEqual({
        errcode: 40017,
        path: "button[0].pagepath",
      });
    });
  });

  describe("40018 button name size (16 bytes)", () => {
    it("accepts 16 bytes: five Chinese characters and one ASCII character", () => {
      expect(outcome({ button: [click("一二三四五A")] })).toBe("ok");
      expect(outcome({ button: [click("a".repeat(16))] })).toBe("ok");
    });

    it("rejects six Chinese characters (18 bytes) though they are only six characters", () => {
      expect(outcome({ button: [click("一二三四五六")] })).toEqual({
        errcode: 40018,
        path: "button[0].name",
      });
    });

    it("rejects 17 ASCII bytes, an empty name and a missing name", () => {
      expect(outcome({ button: [click("a".repeat(17))] })).toEqual({
        errcode: 40018,
        path: "button[0].name",
      });
      expect(outcome({ button: [click("")] })).toEqual({ errcode: 40018, path: "button[0].name" });
      expect(outcome({ button: [{ type: "click", key: "k" }] })).toEqual({
        errcode: 40018,
        path: "button[0].name",
      });
    });

    it("checks the name of a button with sub-buttons", () => {
      expect(outcome({ button: [{ name: "一二三四五六", sub_button: [click("a")] }] })).toEqual({
        errcode: 40018,
        path: "button[0].name",
      });
    });
  });

  describe("40019 button key size (128 bytes)", () => {
    it("accepts 128 bytes and rejects 129, an empty key and a missing one", () => {
      expect(outcome({ button: [click("a", "k".repeat(128))] })).toBe("ok");
      expect(outcome({ button: [click("a", "k".repeat(129))] })).toEqual({
        errcode: 40019,
        path: "button[0].key",
      });
      expect(outcome({ button: [click("a", "")] })).toEqual({ errcode: 40019, path: "button[0].key" });
      expect(outcome({ button: [{ type: "location_select", name: "a" }] })).toEqual({
        errcode: 40019,
        path: "button[0].key",
      });
    });

    it("counts key bytes, not characters", () => {
      expect(outcome({ button: [click("a", "键".repeat(42) + "kk")] })).toBe("ok");
      expect(outcome({ button: [click("a", "键".repeat(43))] })).toEqual({
        errcode: 40019,
        path: "button[0].key",
      });
    });
  });

  describe("40020 button url size (1024 bytes)", () => {
    const url = (length: number) => "https://a.example/" + "x".repeat(length - 18);

    it("accepts 1024 bytes and rejects 1025 and a missing url", () => {
      expect(outcome({ button: [view("a", url(1024))] })).toBe("ok");
      expect(outcome({ button: [view("a", url(1025))] })).toEqual({ errcode: 40020, path: "button[0].url" });
      expect(outcome({ button: [{ type: "view", name: "a" }] })).toEqual({
        errcode: 40020,
        path: "button[0].url",
      });
    });

    it("requires the fallback url of a mini program button", () => {
      expect(outcome({ button: [{ type: "miniprogram", name: "a", appid: "wx1", pagepath: "p" }] })).toEqual({
        errcode: 40020,
        path: "button[0].url",
      });
    });
  });

  describe("40023 sub-button count", () => {
    it("rejects more than five sub-buttons and a sub_button that is not a list", () => {
      const six = ["a", "b", "c", "d", "e", "f"].map((name) => click(name));
      expect(outcome({ button: [{ name: "m", sub_button: six }] })).toEqual({
        errcode: 40023,
        path: "button[0].sub_button",
      });
      expect(outcome({ button: [{ name: "m", sub_button: six.slice(0, 5) }] })).toBe("ok");
      expect(outcome({ button: [click("a"), { name: "m", sub_button: { list: [] } }] })).toEqual({
        errcode: 40023,
        path: "button[1].sub_button",
      });
    });

    it("treats a button with an empty sub-button list as one that needs a type", () => {
      expect(outcome({ button: [{ name: "m", sub_button: [] }] })).toEqual({
        errcode: 40017,
        path: "button[0].type",
      });
    });
  });

  describe("40024 sub-button type", () => {
    it("rejects a missing or unknown sub-button type, or a sub-button that is not an object", () => {
      expect(outcome({ button: [{ name: "m", sub_button: [click("a"), { name: "b", key: "k" }] }] })).toEqual(
        {
          errcode: 40024,
          path: "button[0].sub_button[1].type",
        },
      );
      expect(outcome({ button: [{ name: "m", sub_button: [{ type: "nope", name: "b" }] }] })).toEqual({
        errcode: 40024,
        path: "button[0].sub_button[0].type",
      });
      expect(outcome({ button: [{ name: "m", sub_button: [7] }] })).toEqual({
        errcode: 40024,
        path: "button[0].sub_button[0]",
      });
      expect(outcome({ button: [{ name: "m", sub_button: [{ type: "media_id", name: "b" }] }] })).toEqual({
        errcode: 40024,
        path: "button[0].sub_button[0].media_id",
      });
    });

    it("answers 40022 for a third menu level", () => {
      expect(
        outcome({ button: [{ name: "m", sub_button: [{ name: "s", sub_button: [click("x")] }] }] }),
      ).toEqual({
        errcode: 40022,
        path: "button[0].sub_button[0].sub_button",
      });
    });
  });

  describe("40025 sub-button name size (60 bytes)", () => {
    it("accepts 20 Chinese characters (60 bytes) and rejects 21 (63 bytes)", () => {
      expect(outcome({ button: [{ name: "m", sub_button: [click("字".repeat(20))] }] })).toBe("ok");
      expect(outcome({ button: [{ name: "m", sub_button: [click("字".repeat(21))] }] })).toEqual({
        errcode: 40025,
        path: "button[0].sub_button[0].name",
      });
    });

    it("allows a sub-button name longer than a top-level name could be", () => {
      expect(outcome({ button: [{ name: "m", sub_button: [click("一二三四五六")] }] })).toBe("ok");
    });

    it("rejects 61 ASCII bytes and an empty name", () => {
      expect(outcome({ button: [{ name: "m", sub_button: [click("a".repeat(61))] }] })).toMatchObject({
        errcode: 40025,
      });
      expect(outcome({ button: [{ name: "m", sub_button: [click("")] }] })).toMatchObject({ errcode: 40025 });
    });
  });

  describe("40026 sub-button key size", () => {
    it("accepts 128 bytes and rejects 129 and a missing key", () => {
      expect(outcome({ button: [{ name: "m", sub_button: [click("a", "k".repeat(128))] }] })).toBe("ok");
      expect(
        outcome({ button: [{ name: "m", sub_button: [view("v"), click("a", "k".repeat(129))] }] }),
      ).toEqual({
        errcode: 40026,
        path: "button[0].sub_button[1].key",
      });
      expect(outcome({ button: [{ name: "m", sub_button: [{ type: "pic_weixin", name: "a" }] }] })).toEqual({
        errcode: 40026,
        path: "button[0].sub_button[0].key",
      });
    });
  });

  describe("40027 sub-button url size", () => {
    it("rejects an over-long or missing url", () => {
      expect(outcome({ button: [{ name: "m", sub_button: [view("v", "u".repeat(1025))] }] })).toEqual({
        errcode: 40027,
        path: "button[0].sub_button[0].url",
      });
      expect(
        outcome({
          button: [click("a"), click("b"), { name: "m", sub_button: [{ type: "view", name: "v" }] }],
        }),
      ).toEqual({
        errcode: 40027,
        path: "button[2].sub_button[0].url",
      });
      expect(outcome({ button: [{ name: "m", sub_button: [view("v", "u".repeat(1024))] }] })).toBe("ok");
    });
  });

  it("reports the first violation in document order", () => {
    expect(
      outcome({ button: [click("a"), { name: "m", sub_button: [click("ok"), click("b", "")] }, click("")] }),
    ).toEqual({
      errcode: 40026,
      path: "button[1].sub_button[1].key",
    });
  });
});

describe("validateConditionalMenu", () => {
  const button = [click("a")];

  it("accepts a tag rule and a platform rule, normalizing numbers to strings", () => {
    expect(validateConditionalMenu({ button, matchrule: { tag_id: "2" } })).toEqual({
      ok: true,
      value: { button, matchrule: { tag_id: "2" } },
    });
    expect(validateConditionalMenu({ button, matchrule: { tag_id: 100, client_platform_type: 2 } })).toEqual({
      ok: true,
      value: { button, matchrule: { tag_id: "100", client_platform_type: "2" } },
    });
  });

  it("validates the buttons as a default menu", () => {
    const result = validateConditionalMenu({ button: [click("一二三四五六")], matchrule: { tag_id: "2" } });
    expect(result).toMatchObject({ ok: false, errcode: 40018, path: "button[0].name" });
  });

  it("answers 65304 for a missing, empty or retired-only match rule", () => {
    for (const matchrule of [
      undefined,
      "2",
      {},
      { tag_id: "", client_platform_type: "" },
      { sex: "1", country: "中国" },
    ]) {
      expect(validateConditionalMenu({ button, matchrule }), JSON.stringify(matchrule)).toMatchObject({
        ok: false,
        errcode: 65304,
        path: "matchrule",
      });
    }
  });

  it("rejects a tag id that is not a number and an unknown platform", () => {
    expect(validateConditionalMenu({ button, matchrule: { tag_id: "vip" } })).toMatchObject({
      errcode: 45159,
      path: "matchrule.tag_id",
    });
    expect(validateConditionalMenu({ button, matchrule: { client_platform_type: "4" } })).toMatchObject({
      errcode: 40097,
      path: "matchrule.client_platform_type",
    });
  });

  it("answers 47001 for a body that is not a JSON object", () => {
    expect(validateConditionalMenu([])).toMatchObject({ ok: false, errcode: 47001 });
  });
});
