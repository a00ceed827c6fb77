import { describe, expect, it } from "vitest";
import { auditScreen, WatchedPage } from "./support/browser.js";
import { startServer } from "./support/server.js";
import { signInThroughPage } from "./support/session.js";
import { consoleSuite } from "./support/suite.js";

const t = consoleSuite();

describe("风险操作、通知与授权台账 (risk operations, notifications, the review)", () => {
  it("asks the password again before a secret's second view, tells the risk operations in the bell and the list, and reviews the members", {
    timeout: 300_000,
  }, async () => {
    t.server = await startServer();
    const server = t.server;
    const account = await server.control<{ appId: string; secret: string }>("POST", "/accounts", {
      kind: "service",
      nickname: "风控测试号",
    });
    const connected = await server.api("POST", "/accounts", {
      appId: account.appId,
      appSecret: account.secret,
      verified: true,
    });
    expect(connected.status).toBe(201);

    t.watched = await WatchedPage.open(t.browser, server.url);
    const { page } = t.watched;
    await signInThroughPage(t.watched, server);
    await t.watched.goto(`/accounts/${account.appId}`);
    const card = page.getByRole("heading", { level: 2, name: "风险操作" });
    await card.waitFor();
    await expect(page.getByRole("switch", { name: "风险操作保护" }).isChecked()).resolves.toBe(true);

    // The sign-in was a confirmation: the first view goes through, and uses it up.
    await page.getByRole("button", { name: "查看 AppSecret" }).click();
    const shown = page.getByRole("dialog", { name: "AppSecret" });
    await expect(shown.getByTestId("secret").textContent()).resolves.toBe(account.secret);
    await shown.getByRole("button", { name: "我已保存" }).click();
    await shown.waitFor({ state: "hidden" });

    // The second view is refused for want of a confirmation: the dialog asks, and the view is sent again.
    t.watched.expect({
      method: "POST",
      path: `/api/v1/accounts/${account.appId}/secrets/reveal`,
      status: 403,
    });
    await page.getByRole("button", { name: "查看 AppSecret" }).click();
    const confirm = page.getByRole("dialog", { name: "验证身份" });
    await confirm.getByLabel("登录密码").fill(server.password);
    await confirm.getByRole("button", { name: "验证" }).click();
    const again = page.getByRole("dialog", { name: "AppSecret" });
    await expect(again.getByTestId("secret").textContent()).resolves.toBe(account.secret);
    await again.getByRole("button", { name: "我已保存" }).click();
    await again.waitFor({ state: "hidden" });

    // The owner administers the account: each view is in their notifications, the bell counts them.
    await page.reload({ waitUntil: "networkidle" });
    const bell = page.getByRole("link", { name: /^通知（\d+ 条未读）$/ });
    await bell.waitFor();
    await expect(bell.textContent()).resolves.not.toContain("通知（0 条未读）");
    await bell.click();
    await page.getByRole("heading", { level: 1, name: "通知" }).waitFor();
    const views = page.getByText(`admin 在 ${account.appId} 上执行了风险操作：查看密钥`);
    await views.nth(1).waitFor();
    await expect(views.count()).resolves.toBe(2);
    await auditScreen(t.watched, "notifications");
    await page.getByRole("button", { name: "全部标为已读" }).click();
    await page.getByRole("link", { name: "通知（0 条未读）" }).waitFor();
    await page.getByText("0 条未读", { exact: true }).waitFor();

    // The authorization review: the account's super admin, flagged without two-step verification.
    await page.getByRole("link", { name: "授权台账" }).click();
    await page.getByRole("heading", { level: 1, name: "授权台账" }).waitFor();
    const row = page.getByRole("row", { name: new RegExp(account.appId) });
    await row.getByText("超级管理员").waitFor();
    await row.getByText("未启用双重验证").waitFor();
    await expect(page.getByRole("link", { name: /导出 CSV/ }).getAttribute("href")).resolves.toBe(
      "/api/v1/review/export",
    );
    await auditScreen(t.watched, "review");
    const csv = await page.evaluate(async () => (await fetch("/api/v1/review/export")).text());
    expect(csv).toContain(account.appId);
    t.watched.assertClean();
  });
});
