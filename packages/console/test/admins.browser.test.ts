import { describe, expect, it } from "vitest";
import { auditScreen, WatchedPage } from "./support/browser.js";
import type { RunningServer } from "./support/server.js";
import { startServer } from "./support/server.js";
import { signInThroughPage } from "./support/session.js";
import { consoleSuite } from "./support/suite.js";

const t = consoleSuite();

/** Signs in over HTTP; the session cookie, or the refusal's status. */
async function signIn(server: RunningServer, username: string, password: string) {
  const response = await fetch(`${server.url}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  return { status: response.status, cookie: response.headers.getSetCookie()[0]?.split(";")[0] ?? "" };
}

describe("团队: users (administrators)", () => {
  it("adds an administrator with a password shown once, refuses a taken name, resets another's password and ends their sessions", {
    timeout: 240_000,
  }, async () => {
    t.server = await startServer();
    t.watched = await WatchedPage.open(t.browser, t.server.url);
    const { page } = t.watched;
    await signInThroughPage(t.watched, t.server);
    await page.getByRole("link", { name: "团队" }).click();
    await page.getByRole("heading", { level: 1, name: "团队" }).waitFor();
    const own = page.getByRole("row", { name: /admin/ });
    await own.getByText("（你）").waitFor();
    // A session may not reset its own password: the server's answer, with its reason.
    await expect(own.getByRole("button", { name: "重置密码" }).isDisabled()).resolves.toBe(true);
    await expect(
      own
        .locator("[data-reason]", { has: page.getByRole("button", { name: "重置密码" }) })
        .getAttribute("data-reason"),
    ).resolves.toBe("不能重置自己的密码：请另一位管理员重置。");
    await auditScreen(t.watched, "admins");

    // Add one: the form checks the name first; the password is generated and shown once.
    const openCreate = async () => {
      await page.getByRole("button", { name: /添加用户|Add a user/ }).click();
      await page
        .getByRole("dialog")
        .getByLabel(/^(用户名|Username)$/)
        .waitFor();
    };
    await openCreate();
    await auditScreen(t.watched, "admin-create", openCreate);
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("用户名").fill("Ops Team");
    await dialog.getByRole("button", { name: "确定" }).click();
    await dialog
      .locator(".ant-form-item-explain-error")
      .getByText(/^用户名为 3 到 64 个字符/)
      .waitFor();
    await dialog.getByLabel("用户名").fill("ops");
    await dialog.getByRole("button", { name: "确定" }).click();
    const password = (await page.getByTestId("secret").textContent()) ?? "";
    expect(password).toMatch(/^[\w-]{24}$/);
    await auditScreen(t.watched, "admin-password-shown-once", "once");
    await page.getByRole("button", { name: "我已保存" }).click();
    // Told once the password is saved; gone before the next screens are checked.
    await page.getByText("已添加用户“ops”。").waitFor();
    await page.getByText("已添加用户“ops”。").waitFor({ state: "detached" });
    await page.getByRole("cell", { name: "ops", exact: true }).waitFor();
    await page.getByText(password).waitFor({ state: "detached" });
    const ops = await signIn(t.server, "ops", password);
    expect(ops.status).toBe(200);

    // The same name again, with a password of one's own: the server refuses it, in words.
    t.watched.expect({ method: "POST", path: "/api/v1/admins", status: 409 });
    await openCreate();
    await dialog.getByLabel("用户名").fill("OPS");
    await dialog.getByText("自己设置").click();
    await dialog.getByLabel("新密码").fill("short");
    await dialog.getByRole("button", { name: "确定" }).click();
    await dialog.locator(".ant-form-item-explain-error").getByText("密码长度为 10 到 256 个字符。").waitFor();
    await dialog.getByLabel("新密码").fill("a long enough password");
    await dialog.getByRole("button", { name: "确定" }).click();
    await dialog.getByRole("alert").getByText("该用户名已被使用。").waitFor();
    await dialog.getByRole("button", { name: "取消" }).click();

    // Reset the other one's password: a new one shown once; their session ends.
    const opsRow = page.getByRole("row", { name: /ops/ });
    const openReset = async () => {
      await page
        .getByRole("row", { name: /ops/ })
        .getByRole("button", { name: /^(重置密码|Reset password)$/ })
        .click();
      await page
        .getByRole("dialog")
        .getByText(/^(由 wxgate 生成|Generate one)/)
        .waitFor();
    };
    await openReset();
    await dialog.getByText("重置后，“ops”的所有登录会话立即结束").waitFor();
    await auditScreen(t.watched, "admin-reset", openReset);
    await dialog.getByRole("button", { name: "确定" }).click();
    const renewed = (await page.getByTestId("secret").textContent()) ?? "";
    expect(renewed).toMatch(/^[\w-]{24}$/);
    expect(renewed).not.toBe(password);
    await page.getByRole("button", { name: "我已保存" }).click();
    await page.getByText("已重置“ops”的密码，结束了 1 个登录会话。").waitFor();
    await expect(opsRow.getByRole("button", { name: "重置密码" }).isDisabled()).resolves.toBe(false);
    const ended = await fetch(`${t.server.url}/api/v1/session`, { headers: { cookie: ops.cookie } });
    expect(ended.status).toBe(401);
    expect((await signIn(t.server, "ops", password)).status).toBe(401);
    expect((await signIn(t.server, "ops", renewed)).status).toBe(200);
    t.watched.assertClean();
  });
});
