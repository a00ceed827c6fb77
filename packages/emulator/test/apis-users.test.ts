import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Account } from "../src/world/types.js";
import { startWithAccount, type TestEmulator, tokenFor } from "./support.js";

let emu: TestEmulator;
let account: Account;
let token: string;

beforeEach(async () => {
  ({ emu, account, token } = await startWithAccount());
});
afterEach(async () => {
  await emu.close();
});

const post = (path: string, body: unknown) => emu.post(path, body, { access_token: token });

describe("user/get", () => {
  it("pages 10,000 subscribed OpenIDs at a time with next_openid", async () => {
    const followers = emu.control.createFollowers(account.appId, 10_005);
    emu.control.createFollowers(account.appId, [{ subscribed: false }]);
    const first = await emu.get("/cgi-bin/user/get", { access_token: token });
    expect(first.body.total).toBe(10_005);
    expect(first.body.count).toBe(10_000);
    const page = (first.body.data as { openid: string[] }).openid;
    expect(page[0]).toBe(followers[0]!.openId);
    expect(first.body.next_openid).toBe(followers[9_999]!.openId);
    const second = await emu.get("/cgi-bin/user/get", {
      access_token: token,
      next_openid: first.body.next_openid as string,
    });
    expect(second.body.count).toBe(5);
    expect((second.body.data as { openid: string[] }).openid).toEqual(
      followers.slice(10_000).map((f) => f.openId),
    );
    const third = await emu.get("/cgi-bin/user/get", {
      access_token: token,
      next_openid: second.body.next_openid as string,
    });
    expect(third.body).toEqual({ total: 10_005, count: 0, next_openid: "" });
    const bad = await emu.get("/cgi-bin/user/get", { access_token: token, next_openid: "oUnknown" });
    expect(bad.body.errcode).toBe(40003);
  });
});

describe("a crowd of generated followers", () => {
  it("pages a million followers after the stored ones without storing them; a look-up makes one real", async () => {
    const [own] = emu.control.createFollowers(account.appId, 1);
    const crowd = emu.control.apis.setCrowd(account.appId, 1_000_000);
    const first = await emu.get("/cgi-bin/user/get", { access_token: token });
    expect(first.body.total).toBe(1_000_001);
    const ids = (first.body.data as { openid: string[] }).openid;
    expect(ids[0]).toBe(own!.openId);
    expect(ids[1]!.startsWith(crowd.prefix)).toBe(true);
    expect(ids[1]).toHaveLength(28);
    expect(new Set(ids).size).toBe(10_000);
    const second = await emu.get("/cgi-bin/user/get", {
      access_token: token,
      next_openid: first.body.next_openid as string,
    });
    const next = (second.body.data as { openid: string[] }).openid;
    expect(next[0]).not.toBe(ids[9_999]);
    const infos = await post("/cgi-bin/user/info/batchget", {
      user_list: next.slice(0, 100).map((openid) => ({ openid })),
    });
    expect((infos.body.user_info_list as { subscribe: number }[]).every((i) => i.subscribe === 1)).toBe(true);
    expect(Object.keys(emu.world.followersOf(account.appId))).toHaveLength(1);
    // A remark stores the member; an unfollow drops it from the pages and the total.
    expect(
      (await post("/cgi-bin/user/info/updateremark", { openid: next[0], remark: "会员" })).body.errcode,
    ).toBe(0);
    emu.world.follower(account.appId, next[1]!)!.subscribed = false;
    const again = await emu.get("/cgi-bin/user/get", {
      access_token: token,
      next_openid: first.body.next_openid as string,
    });
    expect(again.body.total).toBe(1_000_000);
    expect((again.body.data as { openid: string[] }).openid.slice(0, 2)).toEqual([next[0], next[2]]);
    const info = await emu.get("/cgi-bin/user/info", { access_token: token, openid: next[0]! });
    expect(info.body.remark).toBe("会员");
  });
});

describe("user/info/updateremark", () => {
  it("sets a remark of at most 30 characters (45003 beyond); unknown → 40003, unfollowed → 43004", async () => {
    const [on, off] = emu.control.createFollowers(account.appId, [{}, { subscribed: false }]);
    const thirty = "备".repeat(30);
    expect(
      (await post("/cgi-bin/user/info/updateremark", { openid: on!.openId, remark: thirty })).body.errcode,
    ).toBe(0);
    expect(emu.world.follower(account.appId, on!.openId)!.remark).toBe(thirty);
    const long = await post("/cgi-bin/user/info/updateremark", { openid: on!.openId, remark: `${thirty}x` });
    expect(long.body.errcode).toBe(45003);
    expect(
      (await post("/cgi-bin/user/info/updateremark", { openid: "oNope", remark: "a" })).body.errcode,
    ).toBe(40003);
    expect(
      (await post("/cgi-bin/user/info/updateremark", { openid: off!.openId, remark: "a" })).body.errcode,
    ).toBe(43004);
  });
});

describe("user/info and batchget", () => {
  it("shows a subscribed follower with unionid, tags and scene; an unsubscribed one with subscribe 0", async () => {
    const [tag] = emu.control.createTags(account.appId, ["VIP"]);
    const [on, off] = emu.control.createFollowers(account.appId, [
      { tagIds: [tag!.id], subscribeScene: "ADD_SCENE_QR_CODE", remark: "老客户" },
      { subscribed: false },
    ]);
    on!.qrScene = 42;
    const info = await emu.get("/cgi-bin/user/info", {
      access_token: token,
      openid: on!.openId,
      lang: "zh_CN",
    });
    expect(info.body).toEqual({
      subscribe: 1,
      openid: on!.openId,
      language: "zh_CN",
      subscribe_time: Math.floor(on!.subscribeTime / 1000),
      unionid: on!.unionId,
      remark: "老客户",
      groupid: 0,
      tagid_list: [tag!.id],
      subscribe_scene: "ADD_SCENE_QR_CODE",
      qr_scene: 42,
      qr_scene_str: "",
    });
    const gone = await emu.get("/cgi-bin/user/info", { access_token: token, openid: off!.openId });
    expect(gone.body).toEqual({ subscribe: 0, openid: off!.openId, unionid: off!.unionId });
    expect((await emu.get("/cgi-bin/user/info", { access_token: token, openid: "oNope" })).body.errcode).toBe(
      40003,
    );
  });

  it("gives the same unionid on two accounts of one principal", async () => {
    const other = emu.control.createAccount({ kind: "service" });
    const [here] = emu.control.createFollowers(account.appId, [{ personId: "p1" }]);
    const [there] = emu.control.createFollowers(other.appId, [{ personId: "p1" }]);
    expect(here!.unionId).toBe(there!.unionId);
    const info = await emu.get("/cgi-bin/user/info", { access_token: token, openid: here!.openId });
    expect(info.body.unionid).toBe(there!.unionId);
  });

  it("batchget answers up to 100 users; more or none → 40032; an unknown one → 40003", async () => {
    const followers = emu.control.createFollowers(account.appId, 101);
    const list = followers.map((f) => ({ openid: f.openId, lang: "zh_CN" }));
    const ok = await post("/cgi-bin/user/info/batchget", { user_list: list.slice(0, 100) });
    expect((ok.body.user_info_list as unknown[]).length).toBe(100);
    expect((await post("/cgi-bin/user/info/batchget", { user_list: list })).body.errcode).toBe(40032);
    expect((await post("/cgi-bin/user/info/batchget", { user_list: [] })).body.errcode).toBe(40032);
    const unknown = await post("/cgi-bin/user/info/batchget", { user_list: [{ openid: "oNope" }] });
    expect(unknown.body.errcode).toBe(40003);
  });

  it("is refused to unverified accounts (48001, the core's rule)", async () => {
    const unverified = emu.control.createAccount({ kind: "service", verifyType: -1 });
    const res = await emu.get("/cgi-bin/user/get", { access_token: await tokenFor(emu, unverified) });
    expect(res.body.errcode).toBe(48001);
  });
});

describe("tags", () => {
  it("creates tags: names up to 30 bytes, unique; 100 per account", async () => {
    const created = await post("/cgi-bin/tags/create", { tag: { name: "广东" } });
    expect(created.body).toEqual({ tag: { id: 100, name: "广东" } });
    expect((await post("/cgi-bin/tags/create", { tag: { name: "广东" } })).body.errcode).toBe(45157);
    expect((await post("/cgi-bin/tags/create", { tag: { name: "" } })).body.errcode).toBe(45157);
    expect(
      (await post("/cgi-bin/tags/create", { tag: { name: "一二三四五六七八九十" } })).body.tag,
    ).toBeDefined();
    expect(
      (await post("/cgi-bin/tags/create", { tag: { name: "一二三四五六七八九十壹" } })).body.errcode,
    ).toBe(45158);
    for (let i = 2; i < 100; i++) {
      expect((await post("/cgi-bin/tags/create", { tag: { name: `t${i}` } })).body.tag).toBeDefined();
    }
    expect((await post("/cgi-bin/tags/create", { tag: { name: "one more" } })).body.errcode).toBe(45056);
  });

  it("lists tags with follower counts, including WeChat's own", async () => {
    const [tag] = emu.control.createTags(account.appId, ["VIP"]);
    emu.control.createFollowers(account.appId, [{ tagIds: [tag!.id] }, { tagIds: [tag!.id] }, {}]);
    const res = await emu.get("/cgi-bin/tags/get", { access_token: token });
    const tags = res.body.tags as { id: number; name: string; count: number }[];
    expect(tags.find((t) => t.id === tag!.id)).toEqual({ id: tag!.id, name: "VIP", count: 2 });
    expect(tags.find((t) => t.id === 2)).toEqual({ id: 2, name: "星标组", count: 0 });
  });

  it("updates and deletes own tags only (45058 WeChat's, 45159 unknown); delete untags followers", async () => {
    const [tag] = emu.control.createTags(account.appId, ["VIP"]);
    const [f] = emu.control.createFollowers(account.appId, [{ tagIds: [tag!.id] }]);
    expect((await post("/cgi-bin/tags/update", { tag: { id: tag!.id, name: "SVIP" } })).body.errcode).toBe(0);
    expect(emu.world.tagsOf(account.appId).items[String(tag!.id)]?.name).toBe("SVIP");
    expect((await post("/cgi-bin/tags/update", { tag: { id: 2, name: "x" } })).body.errcode).toBe(45058);
    expect((await post("/cgi-bin/tags/update", { tag: { id: 999, name: "x" } })).body.errcode).toBe(45159);
    expect((await post("/cgi-bin/tags/delete", { tag: { id: 1 } })).body.errcode).toBe(45058);
    expect((await post("/cgi-bin/tags/delete", { tag: { id: tag!.id } })).body.errcode).toBe(0);
    expect(f!.tagIds).toEqual([]);
    expect((await post("/cgi-bin/tags/delete", { tag: { id: tag!.id } })).body.errcode).toBe(45159);
  });

  it("tags and untags up to 50 OpenIDs a call, 20 tags per user", async () => {
    const [tag] = emu.control.createTags(account.appId, ["VIP"]);
    const followers = emu.control.createFollowers(account.appId, 51);
    const openIds = followers.map((f) => f.openId);
    expect(
      (await post("/cgi-bin/tags/members/batchtagging", { openid_list: openIds, tagid: tag!.id })).body
        .errcode,
    ).toBe(40032);
    const ok = await post("/cgi-bin/tags/members/batchtagging", {
      openid_list: openIds.slice(0, 50),
      tagid: tag!.id,
    });
    expect(ok.body).toEqual({ errcode: 0, errmsg: "ok" });
    expect(followers[0]!.tagIds).toEqual([tag!.id]);
    expect(
      (await post("/cgi-bin/tags/members/batchtagging", { openid_list: ["oNope"], tagid: tag!.id })).body
        .errcode,
    ).toBe(40003);
    expect(
      (await post("/cgi-bin/tags/members/batchtagging", { openid_list: openIds.slice(0, 1), tagid: 999 }))
        .body.errcode,
    ).toBe(45159);

    const members = await post("/cgi-bin/user/tag/get", { tagid: tag!.id, next_openid: "" });
    expect(members.body.count).toBe(50);
    expect((members.body.data as { openid: string[] }).openid).toEqual(openIds.slice(0, 50));
    const ids = await post("/cgi-bin/tags/getidlist", { openid: openIds[0] });
    expect(ids.body).toEqual({ tagid_list: [tag!.id] });

    const untag = await post("/cgi-bin/tags/members/batchuntagging", {
      openid_list: openIds.slice(0, 2),
      tagid: tag!.id,
    });
    expect(untag.body.errcode).toBe(0);
    expect(followers[0]!.tagIds).toEqual([]);
    expect(followers[2]!.tagIds).toEqual([tag!.id]);

    const many = emu.control.createTags(
      account.appId,
      Array.from({ length: 20 }, (_, i) => `t${i}`),
    );
    const last = openIds[50]!;
    for (const t of many) {
      expect(
        (await post("/cgi-bin/tags/members/batchtagging", { openid_list: [last], tagid: t.id })).body.errcode,
      ).toBe(0);
    }
    expect(
      (await post("/cgi-bin/tags/members/batchtagging", { openid_list: [last], tagid: tag!.id })).body
        .errcode,
    ).toBe(45059);
  });
});
