import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CONDITIONAL_MENU_LIMIT } from "../src/apis/index.js";
import type { Account } from "../src/world/types.js";
import { ridOf, startWithAccount, type TestEmulator, tokenFor } from "./support.js";

let emu: TestEmulator;
let account: Account;
let token: string;

const menu = {
  button: [
    { type: "click", name: "今日歌曲", key: "V1001_TODAY_MUSIC" },
    {
      name: "菜单",
      sub_button: [
        { type: "view", name: "搜索", url: "https://www.soso.com/" },
        { type: "click", name: "赞一下我们", key: "V1001_GOOD" },
      ],
    },
  ],
};

beforeEach(async () => {
  ({ emu, account, token } = await startWithAccount());
});
afterEach(async () => {
  await emu.close();
});

describe("menu/create, menu/get, get_current_selfmenu_info, menu/delete", () => {
  it("stores a valid menu and shows it in both read formats", async () => {
    expect((await emu.post("/cgi-bin/menu/create", menu, { access_token: token })).body).toEqual({
      errcode: 0,
      errmsg: "ok",
    });
    const got = await emu.get("/cgi-bin/menu/get", { access_token: token });
    expect(got.body).toEqual({
      menu: {
        button: [
          { type: "click", name: "今日歌曲", key: "V1001_TODAY_MUSIC", sub_button: [] },
          {
            name: "菜单",
            sub_button: [
              { type: "view", name: "搜索", url: "https://www.soso.com/", sub_button: [] },
              { type: "click", name: "赞一下我们", key: "V1001_GOOD", sub_button: [] },
            ],
          },
        ],
      },
    });
    const self = await emu.get("/cgi-bin/get_current_selfmenu_info", { access_token: token });
    expect(self.body.is_menu_open).toBe(1);
    expect(self.body.selfmenu_info).toEqual({
      button: [
        { type: "click", name: "今日歌曲", key: "V1001_TODAY_MUSIC" },
        { name: "菜单", sub_button: { list: menu.button[1]!.sub_button } },
      ],
    });
  });

  it("answers WeChat's validation codes with a rid", async () => {
    const four = { button: [menu.button[0], menu.button[0], menu.button[0], menu.button[0]] };
    const res = await emu.post("/cgi-bin/menu/create", four, { access_token: token });
    expect(res.body.errcode).toBe(40016);
    expect(ridOf(res.body.errmsg)).toBeDefined();
    const longName = { button: [{ type: "click", name: "一二三四五六", key: "k" }] }; // 18 bytes
    expect((await emu.post("/cgi-bin/menu/create", longName, { access_token: token })).body.errcode).toBe(
      40018,
    );
    const badType = { button: [{ type: "tap", name: "x", key: "k" }] };
    expect((await emu.post("/cgi-bin/menu/create", badType, { access_token: token })).body.errcode).toBe(
      40017,
    );
    const subName = {
      button: [{ name: "m", sub_button: [{ type: "click", name: "x".repeat(61), key: "k" }] }],
    };
    expect((await emu.post("/cgi-bin/menu/create", subName, { access_token: token })).body.errcode).toBe(
      40025,
    );
    expect((await emu.get("/cgi-bin/menu/get", { access_token: token })).body.errcode).toBe(46003);
  });

  it("is refused to an unverified subscription account (the core's access rule)", async () => {
    const sub = emu.control.createAccount({ kind: "subscription", verifyType: -1 });
    const res = await emu.post("/cgi-bin/menu/create", menu, { access_token: await tokenFor(emu, sub) });
    expect(res.body.errcode).toBe(48001);
  });

  it("shows no menu before one is made, and none after menu/delete", async () => {
    const before = await emu.get("/cgi-bin/get_current_selfmenu_info", { access_token: token });
    expect(before.body).toEqual({ is_menu_open: 0 });
    await emu.post("/cgi-bin/menu/create", menu, { access_token: token });
    expect((await emu.get("/cgi-bin/menu/delete", { access_token: token })).body.errcode).toBe(0);
    expect((await emu.get("/cgi-bin/menu/get", { access_token: token })).body.errcode).toBe(46003);
  });
});

describe("conditional menus", () => {
  const vipMenu = (tagId: number) => ({
    button: [{ type: "click", name: "VIP", key: "VIP" }],
    matchrule: { tag_id: String(tagId) },
  });

  it("needs a default menu first (65303) and an existing tag (45159)", async () => {
    const [tag] = emu.control.createTags(account.appId, ["VIP"]);
    const without = await emu.post("/cgi-bin/menu/addconditional", vipMenu(tag!.id), { access_token: token });
    expect(without.body.errcode).toBe(65303);
    await emu.post("/cgi-bin/menu/create", menu, { access_token: token });
    const unknownTag = await emu.post("/cgi-bin/menu/addconditional", vipMenu(999), { access_token: token });
    expect(unknownTag.body.errcode).toBe(45159);
    const empty = await emu.post(
      "/cgi-bin/menu/addconditional",
      { ...menu, matchrule: {} },
      { access_token: token },
    );
    expect(empty.body.errcode).toBe(65304);
  });

  it("adds menus up to the limit, then 65305; menu/get lists them; menu/delete drops them", async () => {
    const [tag] = emu.control.createTags(account.appId, ["VIP"]);
    await emu.post("/cgi-bin/menu/create", menu, { access_token: token });
    const ids: string[] = [];
    for (let i = 0; i < CONDITIONAL_MENU_LIMIT; i++) {
      const res = await emu.post("/cgi-bin/menu/addconditional", vipMenu(tag!.id), { access_token: token });
      expect(typeof res.body.menuid).toBe("string");
      ids.push(res.body.menuid as string);
    }
    expect(new Set(ids).size).toBe(CONDITIONAL_MENU_LIMIT);
    const over = await emu.post("/cgi-bin/menu/addconditional", vipMenu(tag!.id), { access_token: token });
    expect(over.body.errcode).toBe(65305);
    const got = await emu.get("/cgi-bin/menu/get", { access_token: token });
    const conditional = got.body.conditionalmenu as { menuid: number; matchrule: unknown }[];
    expect(conditional).toHaveLength(CONDITIONAL_MENU_LIMIT);
    expect(conditional[0]!.matchrule).toEqual({ tag_id: String(tag!.id) });
    expect(String(conditional[0]!.menuid)).toBe(ids[0]);
    await emu.get("/cgi-bin/menu/delete", { access_token: token });
    expect(emu.world.menusOf(account.appId).conditional).toEqual([]);
  });

  it("trymatch gives a tagged follower the conditional menu and others the default; delconditional removes it", async () => {
    const [tag] = emu.control.createTags(account.appId, ["VIP"]);
    const [vip, plain] = emu.control.createFollowers(account.appId, [{ tagIds: [tag!.id] }, {}]);
    await emu.post("/cgi-bin/menu/create", menu, { access_token: token });
    const added = await emu.post("/cgi-bin/menu/addconditional", vipMenu(tag!.id), { access_token: token });
    const forVip = await emu.post(
      "/cgi-bin/menu/trymatch",
      { user_id: vip!.openId },
      { access_token: token },
    );
    expect(forVip.body.button).toEqual([{ type: "click", name: "VIP", key: "VIP", sub_button: [] }]);
    const forPlain = await emu.post(
      "/cgi-bin/menu/trymatch",
      { user_id: plain!.openId },
      { access_token: token },
    );
    expect((forPlain.body.button as unknown[]).length).toBe(2);
    const nobody = await emu.post(
      "/cgi-bin/menu/trymatch",
      { user_id: "oNoSuchUser" },
      { access_token: token },
    );
    expect(nobody.body.errcode).toBe(65302);

    const missing = await emu.post("/cgi-bin/menu/delconditional", { menuid: "1" }, { access_token: token });
    expect(missing.body.errcode).toBe(65301);
    const del = await emu.post(
      "/cgi-bin/menu/delconditional",
      { menuid: added.body.menuid },
      { access_token: token },
    );
    expect(del.body).toEqual({ errcode: 0, errmsg: "ok" });
    const after = await emu.post("/cgi-bin/menu/trymatch", { user_id: vip!.openId }, { access_token: token });
    expect((after.body.button as unknown[]).length).toBe(2);
  });
});
