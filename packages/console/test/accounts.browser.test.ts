import { describe, expect, it } from "vitest";
import { eventually, type Summary } from "./support/accounts.js";
import { auditScreen, WatchedPage } from "./support/browser.js";
import { startServer } from "./support/server.js";
import { signInThroughPage } from "./support/session.js";
import { consoleSuite } from "./support/suite.js";

const t = consoleSuite();

describe("授权账号 (the accounts screens)", () => {
  it("authorize through the dialog and the emulator's page; the enable refusal names the check; map, enable, reset quota; de-authorized: actions disabled with the reason", {
    timeout: 300_000,
  }, async () => {
    t.server = await startServer();
    const summary = await t.server.control<Summary>("GET", "/summary");
    const service = summary.accounts.find((a) => a.kind === "service" && a.verifyType === 0)!;
    const componentAppId = summary.platforms[0]!.componentAppId;
    t.watched = await WatchedPage.open(t.browser, t.server.url);
    const { page } = t.watched;
    await signInThroughPage(t.watched, t.server);

    // The empty list, with the month's authorization requests.
    await expect(page.getByTestId("usage").textContent()).resolves.toBe("本月授权请求 0/50");
    await page.getByText("暂无账号，请点击“授权账号”。").waitFor();
    await auditScreen(t.watched, "accounts-empty");

    // The authorize dialog: a QR code, the links, the expiry, and in the sandbox the emulator's page.
    const openDialog = async () => {
      await page.getByTestId("authorize").click();
      await page.getByTestId("create-link").click();
      await page.getByTestId("authorization-link").waitFor();
    };
    await openDialog();
    await expect(page.getByTestId("qr-code").getAttribute("src")).resolves.toMatch(
      /^data:image\/png;base64,/,
    );
    await page
      .getByText(/^链接有效期至 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\+08:00，且只能使用一次。$/)
      .waitFor();
    await auditScreen(t.watched, "authorize-dialog", openDialog);
    const [emulatorPage] = await Promise.all([
      page.context().waitForEvent("page"),
      page.getByTestId("sandbox-authorize").click(),
    ]);
    await emulatorPage.getByLabel(new RegExp(service.nickname)).check();
    await emulatorPage.getByRole("button", { name: "授权" }).click();
    await emulatorPage.getByText("授权成功").waitFor();
    await emulatorPage.close();
    await page.getByRole("button", { name: "完成" }).click();
    await page.getByRole("button", { name: "刷新列表" }).click();
    const row = page.getByRole("row", { name: new RegExp(service.nickname) });
    await row.waitFor();
    // Four requests: one per dialog opened in the audit (two languages, and the one before).
    await expect(page.getByTestId("usage").textContent()).resolves.toMatch(/^本月授权请求 \d+\/50$/);
    await expect(row.getByTestId("validity").textContent()).resolves.toMatch(/^有效\d{4}-\d\d-\d\d$/);
    await auditScreen(t.watched, "accounts-list");

    // Filters and search.
    await page.getByLabel("搜索名称或 AppID").fill("nothing like it");
    await page.getByText("没有符合条件的账号。").waitFor();
    await page.getByLabel("搜索名称或 AppID").fill(service.appId);
    await row.waitFor();

    // The phone width shows cards.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId("account-card").first().waitFor();
    await page.setViewportSize({ width: 1280, height: 800 });

    // Before the mapping, the server's answer disables enabling, and its reason names the check.
    const enableInRow = row.getByRole("button", { name: "开启" });
    await expect(enableInRow.isDisabled()).resolves.toBe(true);
    await expect(row.locator("[data-reason]").getAttribute("data-reason")).resolves.toBe(
      "开启校验未通过：未设置 OpenID",
    );
    const hoverEnable = async () => {
      await page
        .getByRole("row", { name: new RegExp(service.nickname) })
        .getByRole("button", { name: /^(开启|Enable)$/ })
        .hover({ force: true });
      await page.getByRole("tooltip").waitFor();
    };
    await hoverEnable();
    await page.getByRole("tooltip").getByText("开启校验未通过：未设置 OpenID").waitFor();
    await auditScreen(t.watched, "enable-refused", hoverEnable);

    // The detail: set the mapping, enable.
    await row.getByRole("link", { name: service.nickname }).click();
    await page.getByRole("heading", { level: 1, name: service.nickname }).waitFor();
    await page.getByLabel("OpenID 对应的属性字段").fill("wechat_openid");
    await page.getByRole("button", { name: "保存" }).click();
    await page.getByText("已设置 OpenID").waitFor();
    const actions = page.getByTestId("account-actions");
    await actions.getByRole("button", { name: "开启" }).click();
    await actions.getByRole("button", { name: "停用" }).waitFor();
    await auditScreen(t.watched, "account-detail");

    // Reset the quota: a confirmation, then 1 of 10 used.
    await actions.getByRole("button", { name: "重置限额" }).click();
    await page.getByRole("dialog").getByText("每月可重置 10 次，本月已使用 0 次").waitFor();
    await page.getByRole("dialog").getByRole("button", { name: "确定" }).click();
    await page.getByTestId("quota-used").getByText("本月已重置 1/10 次").waitFor();

    // De-authorized on WeChat's side: cooling-off; what the rules forbid is disabled, with why.
    await t.server.control("POST", "/component/deauthorize", {
      componentAppId,
      authorizerAppId: service.appId,
    });
    await eventually("the de-authorization to arrive", async () => {
      const account = await t.server!.api<{ authorizationState: string }>(
        "GET",
        `/accounts/${service.appId}`,
      );
      return account.body.authorizationState === "unauthorized";
    });
    await page.reload({ waitUntil: "networkidle" });
    await page.getByText("冷静期").first().waitFor();
    const deleteButton = actions.getByRole("button", { name: "删除" });
    await expect(deleteButton.isDisabled()).resolves.toBe(true);
    await expect(
      actions.locator('[data-reason]:has(button:has-text("删除"))').getAttribute("data-reason"),
    ).resolves.toMatch(/^冷静期内（至 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\+08:00）不能开启或删除。$/);
    await expect(actions.getByRole("button", { name: "重置限额" }).isDisabled()).resolves.toBe(true);
    await deleteButton.hover({ force: true });
    await page.getByRole("tooltip").waitFor();
    await auditScreen(t.watched, "account-cooling-off");
    t.watched.assertClean();
  });

  it("connects an account by its AppSecret, then deletes it only once its name is typed", {
    timeout: 180_000,
  }, async () => {
    t.server = await startServer();
    const created = await t.server.control<{ appId: string; secret: string }>("POST", "/accounts", {
      kind: "service",
      verifyType: 0,
      nickname: "直连测试号",
    });
    t.watched = await WatchedPage.open(t.browser, t.server.url);
    const { page } = t.watched;
    await signInThroughPage(t.watched, t.server);
    // Connect it by its AppSecret through the dialog.
    const openConnect = async () => {
      await page.getByTestId("connect").click();
      await page.locator("#appSecret").waitFor();
    };
    await openConnect();
    await auditScreen(t.watched, "connect-dialog", openConnect);
    await page.locator("#appId").fill(created.appId);
    await page.locator("#nickname").fill("直连测试号");
    await page.locator("#appSecret").fill(created.secret);
    await page.getByRole("dialog").getByRole("button", { name: "接入" }).click();
    await page.getByText("已接入“直连测试号”。").waitFor();
    // The message leaves before the screens below are checked (a message fading out has no contrast).
    await page.getByText("已接入“直连测试号”。").waitFor({ state: "detached" });
    await page.getByRole("link", { name: "直连测试号" }).first().click();
    await page.getByRole("heading", { level: 1, name: "直连测试号" }).waitFor();
    const openModal = async () => {
      await page
        .getByTestId("account-actions")
        .getByRole("button", { name: /^(删除|Delete)$/ })
        .click();
      await page.getByLabel(/^(账号名称|Account name)$/).waitFor();
    };
    await openModal();
    const confirm = page.getByRole("dialog").getByRole("button", { name: "删除" });
    await expect(confirm.isDisabled()).resolves.toBe(true);
    await page.getByLabel("账号名称").fill("直连测试");
    await expect(confirm.isDisabled()).resolves.toBe(true);
    await auditScreen(t.watched, "delete-modal", openModal);
    await page.getByLabel("账号名称").fill("直连测试号");
    await confirm.click();
    await page.waitForURL(/\/accounts$/);
    await page.getByText("暂无账号，请点击“授权账号”。").waitFor();
    const list = await t.server.api<{ items: unknown[] }>("GET", "/accounts");
    expect(list.body.items).toEqual([]);
    t.watched.assertClean();
  });
});
