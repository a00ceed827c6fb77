import { mediaSamples } from "@wxgate/emulator";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type CustomerService,
  createCustomerService,
  type FollowerTags,
} from "../src/customer-service/index.js";
import { type TestDatabase, testEngines } from "../src/testing/engines.js";
import { authorizeAccount, type SandboxHarness, startSandbox } from "./accounts-fixture.js";

let h: SandboxHarness;
let appId: string;
let cs: CustomerService;
let database: TestDatabase | undefined;

/** Tags of followers, as the followers module will answer them. */
const tagged = new Map<string, number[]>([["o-vip", [2, 101]]]);
const followerTags: FollowerTags = { tagIdsOf: async (_appId, openId) => tagged.get(openId) ?? [] };

interface Refusal {
  error: { code: string; details?: { reason?: string; errcode?: number; limit?: number } };
}
interface KfView {
  account: string;
  avatarUrl: string;
}

/** Sends a file as the avatar of a customer-service account, the way the console does. */
async function sendAvatar(account: string, name: string, data: Buffer) {
  const form = new FormData();
  form.append("media", new Blob([new Uint8Array(data)]), name);
  const response = await fetch(`${h.url}/api/v1/accounts/${appId}/kf-accounts/${account}/avatar`, {
    method: "POST",
    headers: { authorization: `Bearer ${h.apiKey}` },
    body: form,
  });
  return { status: response.status, body: (await response.json()) as KfView & Refusal };
}

describe.each(testEngines)("customer service on $name", (engine) => {
  beforeEach(async () => {
    database = await engine.database();
    h = await startSandbox({
      env: database.env,
      modules: [
        (ctx) => {
          cs = createCustomerService(ctx, followerTags);
          return cs.module;
        },
      ],
    });
    appId = h.demo.serviceAppId;
    await authorizeAccount(h, appId);
    await h.api("PUT", `/accounts/${appId}/openid-mapping`, { property: "openid" });
    expect((await h.api("POST", `/accounts/${appId}/enable`)).status).toBe(200);
    await h.settle();
  });
  afterEach(async () => {
    await h.close();
    await database?.dispose();
    database = undefined;
  });

  it("adds, lists, renames and deletes customer-service accounts, refusing bad ones before WeChat", async () => {
    const base = `/accounts/${appId}/kf-accounts`;
    const bad = await h.api<Refusal>("POST", base, { account: "much_too_long1@shop", nickname: "小王" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toMatchObject({ reason: "kf_account_invalid", errcode: 65404 });
    const badNick = await h.api<Refusal>("POST", base, { account: "wang@shop", nickname: "名".repeat(17) });
    expect(badNick.body.error.details).toMatchObject({ reason: "nickname_invalid", errcode: 65403 });
    expect(h.wechatCalls("/customservice/kfaccount/add")).toBe(0);

    const added = await h.api("POST", base, { account: "wang@shop", nickname: "小王" });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ account: "wang@shop", nickname: "小王" });
    const again = await h.api<Refusal>("POST", base, { account: "wang@shop", nickname: "小王" });
    expect(again.status).toBe(409);
    expect(again.body.error.details?.reason).toBe("kf_account_exists");

    expect((await h.api("PATCH", `${base}/wang@shop`, { nickname: "王经理" })).status).toBe(204);
    const list = await h.api<{ items: { account: string; nickname: string }[] }>("GET", base);
    expect(list.body.items).toEqual([expect.objectContaining({ account: "wang@shop", nickname: "王经理" })]);

    await h.api("PUT", `/accounts/${appId}/kf-routing`, {
      rules: [{ kind: "keyword", value: "退款", match: "contains", kfAccount: "wang@shop" }],
    });
    const removed = await h.api("DELETE", `${base}/wang@shop`);
    expect(removed.body).toEqual({ rulesRemoved: 1 });
    expect((await h.api<{ items: unknown[] }>("GET", base)).body.items).toEqual([]);
    const gone = await h.api<Refusal>("DELETE", `${base}/wang@shop`);
    expect(gone.status).toBe(404);
    expect((await h.api("PATCH", `${base}/nobody@shop`, { nickname: "x" })).status).toBe(404);
  });

  it("routes by keyword, menu key and follower tag, first rule first", async () => {
    for (const [account, nickname] of [
      ["refund@shop", "退款组"],
      ["support@shop", "售后"],
      ["vip@shop", "VIP"],
    ] as const)
      expect((await h.api("POST", `/accounts/${appId}/kf-accounts`, { account, nickname })).status).toBe(201);

    const rules = [
      { kind: "keyword", value: "退款", match: "contains", kfAccount: "refund@shop" },
      { kind: "keyword", value: "HELP", match: "exact", kfAccount: "support@shop" },
      { kind: "menu_key", value: "V1001_SUPPORT", kfAccount: "support@shop" },
      { kind: "tag", tagId: 101, kfAccount: "vip@shop" },
    ];
    const saved = await h.api<{ rules: unknown[] }>("PUT", `/accounts/${appId}/kf-routing`, { rules });
    expect(saved.status).toBe(200);
    expect(saved.body.rules).toEqual(rules);
    const unknown = await h.api<Refusal>("PUT", `/accounts/${appId}/kf-routing`, {
      rules: [{ kind: "menu_key", value: "K", kfAccount: "nobody@shop" }],
    });
    expect(unknown.body.error.details?.reason).toBe("kf_account_unknown");
    expect((await h.api<{ rules: unknown[] }>("GET", `/accounts/${appId}/kf-routing`)).body.rules).toEqual(
      rules,
    );

    expect(await cs.route({ appid: appId, openid: "o-1", keyword: "我要退款，谢谢" })).toBe("refund@shop");
    expect(await cs.route({ appid: appId, openid: "o-1", keyword: " help " })).toBe("support@shop");
    expect(await cs.route({ appid: appId, openid: "o-1", keyword: "help me" })).toBeUndefined();
    expect(await cs.route({ appid: appId, openid: "o-1", menuKey: "V1001_SUPPORT" })).toBe("support@shop");
    expect(await cs.route({ appid: appId, openid: "o-vip", keyword: "你好" })).toBe("vip@shop");
    // The keyword rule comes first, so a VIP asking for a refund goes to the refund desk.
    expect(await cs.route({ appid: appId, openid: "o-vip", keyword: "退款" })).toBe("refund@shop");
    expect(await cs.route({ appid: appId, openid: "o-1", keyword: "你好" })).toBeUndefined();
    // Another account's rules are its own.
    expect(
      await cs.route({ appid: h.demo.subscriptionAppId, openid: "o-vip", keyword: "退款" }),
    ).toBeUndefined();

    const preview = await h.api("POST", `/accounts/${appId}/kf-routing/preview`, {
      openid: "o-1",
      menuKey: "V1001_SUPPORT",
    });
    expect(preview.body).toEqual({ kfAccount: "support@shop" });
  });

  it("sets an avatar at WeChat, refusing a wrong type or size before WeChat is called", async () => {
    const base = `/accounts/${appId}/kf-accounts`;
    expect((await h.api("POST", base, { account: "wang@shop", nickname: "小王" })).status).toBe(201);
    const before = await h.api<{ items: KfView[] }>("GET", base);
    expect(before.body.items[0]?.avatarUrl).toBe("");

    const png = await sendAvatar("wang@shop", "face.png", mediaSamples.png(2048));
    expect(png.status).toBe(400);
    expect(png.body.error.details).toMatchObject({ reason: "file_type", errcode: 40005 });
    // A jpg name on other bytes is refused by its content.
    const disguised = await sendAvatar("wang@shop", "face.jpg", mediaSamples.png(2048));
    expect(disguised.body.error.details).toMatchObject({ reason: "file_type" });
    const large = await sendAvatar("wang@shop", "face.jpg", mediaSamples.jpg(64 * 1024 + 1));
    expect(large.status).toBe(413);
    expect(large.body.error.details).toMatchObject({
      reason: "file_too_large",
      errcode: 40012,
      limit: 65536,
    });
    const huge = await sendAvatar("wang@shop", "face.jpg", mediaSamples.jpg(2 * 1024 * 1024));
    expect(huge.status).toBe(413);
    expect(huge.body.error.details).toMatchObject({ reason: "file_too_large", limit: 65536 });
    expect(h.wechatCalls("/customservice/kfaccount/uploadheadimg")).toBe(0);

    const set = await sendAvatar("wang@shop", "face.jpg", mediaSamples.jpg(4096));
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({
      account: "wang@shop",
      avatarUrl: expect.stringMatching(/^http:\/\/mmbiz/),
    });
    expect(h.wechatCalls("/customservice/kfaccount/uploadheadimg")).toBe(1);
    const after = await h.api<{ items: KfView[] }>("GET", base);
    expect(after.body.items).toEqual([
      expect.objectContaining({ account: "wang@shop", avatarUrl: set.body.avatarUrl }),
    ]);

    const nobody = await sendAvatar("nobody@shop", "face.jpg", mediaSamples.jpg(4096));
    expect(nobody.status).toBe(404);
  });
});
