import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { enabledDemoAccount, eventually, inboxOf } from "./support/accounts.js";
import { auditScreen, buttonShowing, tick, WatchedPage } from "./support/browser.js";
import { uploadPermanentImage } from "./support/materials.js";
import { type RunningServer, startServer } from "./support/server.js";
import { signInThroughPage } from "./support/session.js";
import { consoleSuite } from "./support/suite.js";

const t = consoleSuite();

const FOLLOWERS = 30;

/** Syncs the account's followers into the gateway, which campaigns address. */
async function syncFollowers(server: RunningServer, appId: string): Promise<void> {
  const started = await server.api("POST", `/accounts/${appId}/followers/sync`);
  expect(started.status).toBeLessThan(300);
  await eventually("the follower sync", async () => {
    const sync = await server.api<{ state: string }>("GET", `/accounts/${appId}/followers/sync`);
    return sync.body.state === "done";
  });
}

/**
 * Chooses one of the account's templates with the keyboard (a click could land while the list
 * moves), opened and chosen again should the list close under load; done once its fields show.
 */
async function chooseTemplate(page: Page, templateId: string, field: string): Promise<void> {
  const chooser = page.getByRole("combobox", { name: "模板" });
  const option = page
    .locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option")
    .filter({ hasText: templateId });
  for (let attempt = 1; ; attempt++) {
    try {
      await chooser.focus();
      await page.keyboard.press("ArrowDown");
      await option.waitFor({ timeout: 5_000 });
      await page.keyboard.press("Enter");
      await page.getByLabel(field, { exact: true }).waitFor({ timeout: 5_000 });
      return;
    } catch (error) {
      if (attempt === 3) throw error;
      await page.keyboard.press("Escape");
    }
  }
}

/** Sends the campaign on the page, confirmed in its dialog, and waits for its progress to reach 100 %. */
async function sendAndFinish(page: Page, name: string): Promise<void> {
  await buttonShowing(page, /^发\s?送$/).click();
  await buttonShowing(page.getByRole("dialog").filter({ hasText: `发送“${name}”？` }), /^发\s?送$/).click();
  await expect
    .poll(() => page.getByRole("progressbar", { name: "发送进度" }).getAttribute("aria-valuenow"), {
      timeout: 120_000,
      interval: 500,
    })
    .toBe("100");
}

describe("运营计划 (an account's campaigns)", () => {
  it("creates a template campaign, shows the pre-flight result, sends it, and follows the progress to 100 %", {
    timeout: 300_000,
  }, async () => {
    t.server = await startServer();
    const server = t.server;
    const service = await enabledDemoAccount(server);
    // The account's followers, known to the gateway once synced, and one template to send.
    await server.control("POST", `/accounts/${service.appId}/followers`, { count: FOLLOWERS });
    const template = await server.control<{ templateId: string }>(
      "POST",
      `/apis/accounts/${service.appId}/templates`,
      {
        title: "订单状态通知",
        content: "{{first.DATA}}\n订单号：{{keyword1.DATA}}\n状态：{{keyword2.DATA}}\n{{remark.DATA}}",
      },
    );
    // The demo world may hold followers of its own: the audience is every subscribed one.
    const world = await server.control<{ followers: { openId: string }[]; total: number }>(
      "GET",
      `/accounts/${service.appId}/followers?subscribed=true&limit=1000`,
    );
    const audience = world.total;
    expect(audience).toBeGreaterThanOrEqual(FOLLOWERS);
    await syncFollowers(server, service.appId);

    t.watched = await WatchedPage.open(t.browser, server.url);
    const { page } = t.watched;
    await signInThroughPage(t.watched, server);
    await t.watched.goto(`/accounts/${service.appId}`);
    await page.getByRole("link", { name: "运营计划" }).click();
    await page.getByRole("heading", { level: 1, name: `运营计划 · ${service.appId}` }).waitFor();
    await page.getByText("还没有运营计划。").waitFor();

    // The form: channel → audience → content → schedule.
    await page.getByRole("button", { name: "新建运营计划" }).click();
    await page.getByRole("heading", { level: 1, name: `新建运营计划 · ${service.appId}` }).waitFor();
    await page.getByLabel("名称", { exact: true }).fill("订单发货提醒");
    await expect.poll(() => page.getByRole("radio", { name: "模板消息" }).isChecked()).toBe(true);
    await expect.poll(() => page.getByRole("radio", { name: "全部粉丝" }).isChecked()).toBe(true);
    // A mass send also reaches a list or the 48-hour audience, by OpenIDs.
    await tick(page, page.getByRole("radio", { name: "公众号群发" }));
    await tick(page, page.getByRole("radio", { name: "48 小时内互动过的粉丝" }));
    await page.getByText("按 OpenID 群发（仅服务号）", { exact: false }).waitFor();
    await page.getByRole("radio", { name: "上传的名单" }).waitFor();
    await tick(page, page.getByRole("radio", { name: "模板消息" }));
    await tick(page, page.getByRole("radio", { name: "全部粉丝" }));
    await chooseTemplate(page, template.templateId, "keyword1");
    await page.getByLabel("first", { exact: true }).fill("您的订单已发货");
    await page.getByLabel("keyword1", { exact: true }).fill("NO.20261127");
    await page.getByLabel("keyword2", { exact: true }).fill("已发货");
    await page.getByText("11/200 字").waitFor();
    // An empty field is refused before anything is saved.
    await buttonShowing(page, /^保\s?存$/).click();
    await page.getByText("必填。").waitFor();
    await page.getByLabel("remark", { exact: true }).fill("感谢您的支持");
    await buttonShowing(page, /^保\s?存$/).click();

    // The campaign's page: each check with its mark, then the send.
    await page.getByRole("heading", { level: 1, name: "订单发货提醒" }).waitFor();
    const checks = page.getByRole("list", { name: "发送前检查" });
    await checks.getByText("模板存在且字段已填写").waitFor();
    await page.getByRole("status").getByText("全部检查通过，可以发送。").waitFor();
    expect(await checks.getByRole("img", { name: "未通过" }).count()).toBe(0);
    await page.getByText(`受众 ${audience} 人，可发送 ${audience} 人。`).waitFor();
    await buttonShowing(page, /^发\s?送$/).click();
    const confirm = page.getByRole("dialog").filter({ hasText: "发送“订单发货提醒”？" });
    await confirm.getByText(`将向 ${audience} 人发送。`, { exact: false }).waitFor();
    await buttonShowing(confirm, /^发\s?送$/).click();

    // Live progress until every recipient is done.
    const bar = page.getByRole("progressbar", { name: "发送进度" });
    await expect
      .poll(() => bar.getAttribute("aria-valuenow"), { timeout: 120_000, interval: 500 })
      .toBe("100");
    await page.getByText("已完成", { exact: true }).first().waitFor({ timeout: 30_000 });
    await page.getByRole("table", { name: "接收人" }).getByText("已发送").first().waitFor();
    await auditScreen(t.watched, "campaign");
    t.watched.assertClean();

    // Every follower got the message once, as WeChat's inbox holds it.
    for (const follower of world.followers) {
      expect(await inboxOf(server, service.appId, follower.openId, "template")).toHaveLength(1);
    }
  });

  it("uploads a list of the customer's ids, shows the rows it could not match, and sends to the matched ones only", {
    timeout: 300_000,
  }, async () => {
    t.server = await startServer();
    const server = t.server;
    const service = await enabledDemoAccount(server);
    const template = await server.control<{ templateId: string }>(
      "POST",
      `/apis/accounts/${service.appId}/templates`,
      { title: "会员到期提醒", content: "{{first.DATA}}\n到期日：{{keyword1.DATA}}" },
    );
    await syncFollowers(server, service.appId);
    const world = await server.control<{ followers: { openId: string }[] }>(
      "GET",
      `/accounts/${service.appId}/followers?subscribed=true&limit=2`,
    );
    const [first, second] = world.followers.map((f) => f.openId);
    if (!first || !second) throw new Error("the demo account has fewer than two followers");
    // Two customers known, then one who is no follower, one listed twice and one without OpenID.
    const csv = [
      "id,wechat_openid",
      `c-001,${first}`,
      `c-002,${second}`,
      "c-003,o-nobody-follows-with-this-id",
      `c-004,${first}`,
      "c-005,",
    ].join("\n");

    t.watched = await WatchedPage.open(t.browser, server.url);
    const { page } = t.watched;
    await signInThroughPage(t.watched, server);
    await t.watched.goto(`/accounts/${service.appId}/campaigns/new`);
    await page.getByLabel("名称", { exact: true }).fill("会员到期提醒");
    await tick(page, page.getByRole("radio", { name: "上传的名单" }));
    await page.getByText("首行为表头：wechat_openid 列为 OpenID，id 列为客户 ID。").waitFor();
    await page
      .locator("input[type=file]")
      .setInputFiles({ name: "customers.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByRole("status").getByText("customers.csv：共 5 行，匹配 2 行，未匹配 3 行。").waitFor();
    const unknown = page.getByRole("table", { name: "未匹配的行（不会发送）" });
    await unknown.getByRole("row", { name: /c-003.*不是该账号的粉丝/ }).waitFor();
    await unknown.getByRole("row", { name: /c-004.*重复的行/ }).waitFor();
    await unknown.getByRole("row", { name: /c-005.*找不到该客户的 OpenID/ }).waitFor();
    // What an upload shows is gone after a reload: checked in this language.
    await auditScreen(t.watched, "campaign-list", "once");

    await chooseTemplate(page, template.templateId, "keyword1");
    await page.getByLabel("first", { exact: true }).fill("您的会员即将到期");
    await page.getByLabel("keyword1", { exact: true }).fill("2026-12-31");
    await buttonShowing(page, /^保\s?存$/).click();
    await page.getByRole("heading", { level: 1, name: "会员到期提醒" }).waitFor();
    await page.getByText("受众 2 人，可发送 2 人。").waitFor();
    await sendAndFinish(page, "会员到期提醒");
    t.watched.assertClean();
    for (const openId of [first, second]) {
      expect(await inboxOf(server, service.appId, openId, "template")).toHaveLength(1);
    }
  });

  it("shows how many mini program users subscribe to the chosen template, and sends to them", {
    timeout: 300_000,
  }, async () => {
    t.server = await startServer();
    const server = t.server;
    const mini = await enabledDemoAccount(server, "miniprogram");
    const template = await server.control<{ templateId: string }>(
      "POST",
      `/apis/accounts/${mini.appId}/templates`,
      { title: "到货提醒", content: "商品：{{thing1.DATA}}", type: 2 },
    );
    const world = await server.control<{ followers: { openId: string }[] }>(
      "GET",
      `/accounts/${mini.appId}/followers?subscribed=true&limit=3`,
    );
    const [first, second, third] = world.followers.map((f) => f.openId);
    if (!first || !second || !third) throw new Error("the demo mini program has fewer than three users");
    // Two users accept the template in its pop-up, one rejects it.
    for (const [openId, accept] of [
      [first, true],
      [second, true],
      [third, false],
    ] as const) {
      await server.control("POST", "/follower/subscription", {
        appId: mini.appId,
        openId,
        templates: [{ templateId: template.templateId, accept }],
      });
    }
    await eventually("the consents", async () => {
      const count = await server.api<{ count: number }>(
        "GET",
        `/accounts/${mini.appId}/campaigns/subscribers?templateId=${template.templateId}`,
      );
      return count.body.count === 2;
    });

    t.watched = await WatchedPage.open(t.browser, server.url);
    const { page } = t.watched;
    await signInThroughPage(t.watched, server);
    await t.watched.goto(`/accounts/${mini.appId}/campaigns/new`);
    await page.getByLabel("名称", { exact: true }).fill("到货提醒");
    await tick(page, page.getByRole("radio", { name: "小程序订阅消息" }));
    await tick(page, page.getByRole("radio", { name: "订阅了模板的用户" }));
    await page.getByText("请先在“内容”中选择订阅消息模板，再查看订阅人数。").waitFor();
    await chooseTemplate(page, template.templateId, "thing1");
    await page
      .getByRole("status")
      .getByText("目前有 2 位用户同意接收该模板的消息（一次性订阅每次同意可收 1 条）。")
      .waitFor();
    await page.getByLabel("thing1", { exact: true }).fill("您关注的商品到货了");
    await buttonShowing(page, /^保\s?存$/).click();
    await page.getByRole("heading", { level: 1, name: "到货提醒" }).waitFor();
    await page.getByText("受众 2 人，可发送 2 人。").waitFor();
    await sendAndFinish(page, "到货提醒");
    t.watched.assertClean();
    for (const [openId, received] of [
      [first, 1],
      [second, 1],
      [third, 0],
    ] as const) {
      expect(await inboxOf(server, mini.appId, openId, "subscribe")).toHaveLength(received);
    }
  });
});

describe("运营计划: a mass send", () => {
  it("sends an image chosen from the materials to every follower, after the quota and confirmation checks", {
    timeout: 300_000,
  }, async () => {
    t.server = await startServer();
    const server = t.server;
    const service = await enabledDemoAccount(server);
    await server.control("POST", `/accounts/${service.appId}/followers`, { count: 10 });
    const world = await server.control<{ followers: { openId: string }[]; total: number }>(
      "GET",
      `/accounts/${service.appId}/followers?subscribed=true&limit=1000`,
    );
    await syncFollowers(server, service.appId);

    t.watched = await WatchedPage.open(t.browser, server.url);
    const { page } = t.watched;
    await signInThroughPage(t.watched, server);
    const image = await uploadPermanentImage(t.watched, server, service.appId, "weekend-poster.png");

    await t.watched.goto(`/accounts/${service.appId}/campaigns/new`);
    await page.getByRole("heading", { level: 1, name: `新建运营计划 · ${service.appId}` }).waitFor();
    await page.getByLabel("名称", { exact: true }).fill("周末海报");
    await tick(page, page.getByRole("radio", { name: "公众号群发" }));
    await page.getByRole("combobox", { name: "消息类型" }).focus();
    await page.keyboard.press("ArrowDown");
    await page.getByTitle("图片", { exact: true }).click();
    // The image is chosen from the account's materials, not typed.
    await page.getByRole("button", { name: "从素材库选择" }).click();
    const picker = page.getByRole("dialog").filter({ hasText: "选择素材 · 图片" });
    await picker.getByRole("button", { name: "选用“weekend-poster.png”" }).click();
    await expect.poll(() => page.getByLabel("素材 media_id").inputValue()).toBe(image.mediaId);
    await buttonShowing(page, /^保\s?存$/).click();

    await page.getByRole("heading", { level: 1, name: "周末海报" }).waitFor();
    const checks = page.getByRole("list", { name: "发送前检查" });
    await checks.getByText("群发次数").waitFor();
    // Signed in a moment ago: the sign-in is the fresh confirmation a mass send asks for.
    await checks.getByText("群发前已验证身份").waitFor();
    await page.getByRole("status").getByText("全部检查通过，可以发送。").waitFor();
    expect(await checks.getByRole("img", { name: "未通过" }).count()).toBe(0);
    await sendAndFinish(page, "周末海报");
    await auditScreen(t.watched, "campaign-mass", "once");
    t.watched.assertClean();

    // WeChat's job delivers the image to each follower once.
    for (const follower of world.followers) {
      await eventually(`the mass image in ${follower.openId}'s inbox`, async () => {
        const mass = await inboxOf(server, service.appId, follower.openId, "mass");
        expect(mass.length).toBeLessThanOrEqual(1);
        return mass.length === 1 && JSON.stringify(mass[0]?.content).includes(image.mediaId);
      });
    }
  });
});
