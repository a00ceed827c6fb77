import { createTagsApi, createUserApi } from "@wxgate/wechat";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callbacksModule } from "../src/callbacks/index.js";
import { beijingDay, menusModule } from "../src/menus/index.js";
import { type TestDatabase, testEngines } from "../src/testing/engines.js";
import { authorizeAccount, type SandboxHarness, startSandbox } from "./accounts-fixture.js";

/**
 * Custom menus end to end: wxgate's API against the emulated WeChat, on each engine. Every
 * menu WeChat would refuse is refused by wxgate first, and WeChat's request log shows it was
 * never called.
 */

interface Refusal {
  error: { code: string; details: { reason: string; path: string; errcode: number } };
}
interface PublicationBody {
  id: string;
  kind: string;
  menu: { button: Record<string, unknown>[] } | null;
  matchrule: Record<string, string> | null;
  menuId: string | null;
  publishedBy: string;
}

const first = {
  button: [
    { type: "click", name: "今日歌曲", key: "V1001_TODAY_MUSIC" },
    {
      name: "菜单",
      sub_button: [
        { type: "view", name: "搜索", url: "https://www.soso.com/" },
        {
          type: "miniprogram",
          name: "小程序",
          url: "https://mp.weixin.qq.com",
          appid: "wx286b93c14bbf93aa",
          pagepath: "pages/lunar/index",
        },
        { type: "click", name: "赞一下我们", key: "V1001_GOOD" },
      ],
    },
  ],
};
const second = { button: [{ type: "click", name: "新品", key: "NEW" }] };

describe.each(testEngines)("custom menus on $name", (engine) => {
  let database: TestDatabase;
  let h: SandboxHarness;
  let appId: string;
  const menu = (path = "") => `/accounts/${appId}/menu${path}`;
  const createCalls = () => h.wechatCalls("/cgi-bin/menu/create", appId);

  beforeAll(async () => {
    database = await engine.database();
    h = await startSandbox({ env: database.env, modules: [callbacksModule(), menusModule] });
    appId = h.demo.serviceAppId;
    await authorizeAccount(h, appId);
    // Only an enabled account gets tokens; enabling needs the OpenID mapping.
    expect(
      (await h.api("PUT", `/accounts/${appId}/openid-mapping`, { property: "wechat_openid" })).status,
    ).toBe(200);
    expect((await h.api("POST", `/accounts/${appId}/enable`)).status).toBe(200);
  });

  afterAll(async () => {
    await h?.close();
    await database?.dispose();
  });

  it("refuses each rule's violation with the button's path and the rule, WeChat not called", async () => {
    const before = createCalls();
    const cases: [unknown, string, string, number][] = [
      [{ button: [] }, "button", "menu_button_count", 40016],
      [
        { button: [second.button[0], second.button[0], second.button[0], second.button[0]] },
        "button",
        "menu_button_count",
        40016,
      ],
      [
        { button: [{ type: "click", name: "一二三四五六", key: "k" }] },
        "button[0].name",
        "menu_button_name_size",
        40018,
      ],
      [{ button: [{ type: "tap", name: "a", key: "k" }] }, "button[0].type", "menu_button_type", 40017],
      [
        { button: [{ type: "click", name: "a", key: "k".repeat(129) }] },
        "button[0].key",
        "menu_button_key_size",
        40019,
      ],
      [
        { button: [{ type: "view", name: "a", url: `https://a.cn/${"x".repeat(1020)}` }] },
        "button[0].url",
        "menu_button_url_size",
        40020,
      ],
      [
        {
          button: [
            {
              name: "a",
              sub_button: Array.from({ length: 6 }, (_, i) => ({ type: "click", name: `s${i}`, key: "k" })),
            },
          ],
        },
        "button[0].sub_button",
        "menu_sub_button_count",
        40023,
      ],
      [
        {
          button: [
            second.button[0],
            {
              name: "b",
              sub_button: [
                { type: "click", name: "s", key: "k" },
                { type: "click", name: "名".repeat(21), key: "k" },
              ],
            },
          ],
        },
        "button[1].sub_button[1].name",
        "menu_sub_button_name_size",
        40025,
      ],
      [
        {
          button: [
            {
              name: "a",
              sub_button: [{ type: "miniprogram", name: "m", url: "https://a.cn", pagepath: "p" }],
            },
          ],
        },
        "button[0].sub_button[0].appid",
        "menu_appid_missing",
        40024,
      ],
      [
        { button: [{ name: "a", sub_button: [{ type: "media_id", name: "m" }] }] },
        "button[0].sub_button[0].media_id",
        "menu_media_id_missing",
        40024,
      ],
    ];
    for (const [body, path, reason, errcode] of cases) {
      const answer = await h.api<Refusal>("POST", menu("/publications"), body);
      expect(answer.status, reason).toBe(400);
      expect(answer.body.error.code).toBe("validation_failed");
      expect(answer.body.error.details).toEqual({ path, reason, errcode });
    }
    // The draft is held to the same rules: it can always be published.
    const badDraft = await h.api<Refusal>("PUT", menu("/draft"), cases[2]![0]);
    expect(badDraft.status).toBe(400);
    expect(badDraft.body.error.details.reason).toBe("menu_button_name_size");
    expect((await h.api<{ draft: unknown }>("GET", menu("/draft"))).body.draft).toBeNull();
    // 60 bytes is the sub-button name's limit: 20 Chinese characters pass the local check.
    const draft = await h.api("PUT", menu("/draft"), {
      button: [{ name: "b", sub_button: [{ type: "click", name: "名".repeat(20), key: "k" }] }],
    });
    expect(draft.status).toBe(200);
    expect(createCalls()).toBe(before);
  });

  it("publishes, reads the menu back from WeChat, and keeps who published what", async () => {
    const published = await h.api<PublicationBody>("POST", menu("/publications"), first);
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({ kind: "default", publishedBy: "admin", menu: first });

    const live = await h.api<{
      open: boolean;
      current: { name: string; sub_button?: { list: { name: string }[] } }[];
      menu: { button: { name: string }[] };
      conditional: unknown[];
    }>("GET", menu("/live"));
    expect(live.status).toBe(200);
    expect(live.body.open).toBe(true);
    expect(live.body.current.map((b) => b.name)).toEqual(["今日歌曲", "菜单"]);
    expect(live.body.current[1]?.sub_button?.list.map((b) => b.name)).toEqual([
      "搜索",
      "小程序",
      "赞一下我们",
    ]);
    expect(live.body.menu.button.map((b) => b.name)).toEqual(["今日歌曲", "菜单"]);
    expect(live.body.conditional).toEqual([]);

    const draft = await h.api<{ draft: { menu: unknown } }>("GET", menu("/draft"));
    expect(draft.body.draft.menu).toEqual(first);
  });

  it("restores a previous version into the draft, then publishes it again", async () => {
    await h.api("POST", menu("/publications"), second);
    const history = await h.api<{ items: PublicationBody[] }>("GET", menu("/publications"));
    const older = history.body.items.find((p) => p.kind === "default" && p.menu?.button.length === 2);
    expect(history.body.items[0]?.menu).toEqual(second);
    expect(older).toBeDefined();

    const intoDraft = await h.api<{ draft: { menu: unknown }; publication: null }>(
      "POST",
      menu(`/publications/${older!.id}/restore`),
      {},
    );
    expect(intoDraft.status).toBe(200);
    expect(intoDraft.body).toMatchObject({ draft: { menu: first }, publication: null });
    let live = await h.api<{ menu: { button: { name: string }[] } }>("GET", menu("/live"));
    expect(live.body.menu.button.map((b) => b.name)).toEqual(["新品"]);

    const creates = createCalls();
    const again = await h.api<{ publication: PublicationBody }>(
      "POST",
      menu(`/publications/${older!.id}/restore`),
      { publish: true },
    );
    expect(again.body.publication).toMatchObject({ kind: "default", menu: first });
    expect(createCalls()).toBe(creates + 1);
    live = await h.api("GET", menu("/live"));
    expect(live.body.menu.button.map((b) => b.name)).toEqual(["今日歌曲", "菜单"]);
  });

  it("adds a conditional menu for a tag, a follower of the tag sees it, and it can be deleted", async () => {
    const client = await h.accounts.tokens.clientFor(appId);
    const { tag } = await createTagsApi(client).create(`vip-${engine.name}`);
    const followers = await createUserApi(client).list();
    const openId = followers.data!.openid[0]!;
    await createTagsApi(client).tagUsers(tag.id, [openId]);

    const adds = h.wechatCalls("/cgi-bin/menu/addconditional", appId);
    const empty = await h.api<Refusal>("POST", menu("/conditional"), { ...second, matchrule: {} });
    expect(empty.status).toBe(400);
    expect(empty.body.error.details).toMatchObject({ path: "matchrule", reason: "menu_match_rule_empty" });
    const platform = await h.api<Refusal>("POST", menu("/conditional"), {
      ...second,
      matchrule: { client_platform_type: "4" },
    });
    expect(platform.body.error.details).toMatchObject({
      path: "matchrule.client_platform_type",
      reason: "menu_match_rule_platform",
    });
    expect(h.wechatCalls("/cgi-bin/menu/addconditional", appId)).toBe(adds);

    const added = await h.api<PublicationBody>("POST", menu("/conditional"), {
      button: [{ type: "click", name: "会员专区", key: "VIP" }],
      matchrule: { tag_id: String(tag.id) },
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ kind: "conditional", matchrule: { tag_id: String(tag.id) } });
    const menuId = added.body.menuId!;
    expect(menuId).toMatch(/^\d+$/);

    const seen = await h.api<{ button: { name: string }[] }>("POST", menu("/try-match"), { userId: openId });
    expect(seen.body.button.map((b) => b.name)).toEqual(["会员专区"]);
    const live = await h.api<{ conditional: { menuId: string }[] }>("GET", menu("/live"));
    expect(live.body.conditional.map((c) => c.menuId)).toEqual([menuId]);

    const removed = await h.api<PublicationBody>("DELETE", menu(`/conditional/${menuId}`));
    expect(removed.body).toMatchObject({ kind: "conditional_deleted", menuId });
    const after = await h.api<{ button: { name: string }[] }>("POST", menu("/try-match"), { userId: openId });
    expect(after.body.button.map((b) => b.name)).toEqual(["今日歌曲", "菜单"]);
  });

  it("counts the menu taps WeChat pushes, per day and key", async () => {
    expect(
      (await h.api("PUT", `/accounts/${appId}/openid-mapping`, { property: "wechat_openid" })).status,
    ).toBe(200);
    expect((await h.api("POST", `/accounts/${appId}/enable`)).status).toBe(200);
    const emulator = async (path: string, body: unknown) => {
      const response = await fetch(`${h.url}/sandbox/__emulator${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const answer = (await response.json()) as { openId: string; push: { outcome: string } };
      expect(answer.push.outcome).toBe("success");
      return answer;
    };
    const { openId } = await emulator("/follower/follow", { appId, nickname: "点菜单的人" });
    await emulator("/follower/click", { appId, openId, key: "V1001_GOOD" });
    // A second tap a second later (the same second's push is a retry of the first, counted once).
    h.server.clock.advance(1000);
    await emulator("/follower/click", { appId, openId, key: "V1001_GOOD" });
    await emulator("/follower/view", { appId, openId, url: "https://www.soso.com/" });
    await emulator("/follower/view-miniprogram", { appId, openId, pagePath: "pages/lunar/index" });

    const today = beijingDay(h.server.clock.now());
    const clicks = await h.api<{ from: string; to: string; items: unknown[] }>("GET", menu("/clicks"));
    expect(clicks.status).toBe(200);
    expect(clicks.body.to).toBe(today);
    expect(clicks.body.items).toEqual([
      { day: today, event: "CLICK", key: "V1001_GOOD", clicks: 2 },
      { day: today, event: "VIEW", key: "https://www.soso.com/", clicks: 1 },
      { day: today, event: "view_miniprogram", key: "pages/lunar/index", clicks: 1 },
    ]);
  });

  it("deletes every menu on WeChat and records the deletion", async () => {
    const deleted = await h.api<PublicationBody>("DELETE", menu("/live"));
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ kind: "deleted", menu: null });
    const live = await h.api<{ open: boolean; menu: unknown; current: unknown[] }>("GET", menu("/live"));
    expect(live.body).toEqual({ open: false, current: [], menu: null, conditional: [] });

    const refused = await h.api<{ error: { code: string } }>(
      "POST",
      menu(`/publications/${deleted.body.id}/restore`),
      {},
    );
    expect(refused.status).toBe(404);
  });
});
