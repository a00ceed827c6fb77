import { describe, expect, it } from "vitest";
import { auditScreen, WatchedPage } from "./support/browser.js";
import { startServer } from "./support/server.js";
import { signInThroughPage } from "./support/session.js";
import { consoleSuite } from "./support/suite.js";

const t = consoleSuite();

describe("账号安全 (my security)", () => {
  it("lists the sessions with their device, confirms the identity in the dialog (a wrong password refused, translated), and signs out everywhere else", {
    timeout: 240_000,
  }, async () => {
    t.server = await startServer();
    const server = t.server;
    // A second session of the same user, from another device.
    const elsewhere = await fetch(`${server.url}/api/v1/session`, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "curl/8.5.0" },
      body: JSON.stringify({ username: "admin", password: server.password }),
    });
    expect(elsewhere.status).toBe(200);
    const otherCookie = elsewhere.headers.getSetCookie()[0]?.split(";")[0] ?? "";

    t.watched = await WatchedPage.open(t.browser, server.url);
    const { page } = t.watched;
    await signInThroughPage(t.watched, server);
    await page.getByRole("link", { name: "账号安全" }).click();
    await page.getByRole("heading", { level: 1, name: "账号安全" }).waitFor();
    await page.getByRole("row", { name: /curl/ }).waitFor();
    const own = page.getByRole("row", { name: /当前会话/ });
    await own.waitFor();
    await expect(own.getByRole("button", { name: "结束" }).count()).resolves.toBe(0);
    // Signed in just now: the sign-in itself is a confirmation.
    await page.getByText(/身份已验证/).waitFor();
    await auditScreen(t.watched, "security");

    // The dialog a risk operation opens: a wrong password is refused in words, a right one closes it.
    t.watched.expect({ method: "POST", path: "/api/v1/session/confirm", status: 401 });
    await page.getByRole("button", { name: "现在验证身份" }).click();
    const dialog = page.getByRole("dialog", { name: "验证身份" });
    await dialog.getByLabel("登录密码").fill("not the password at all");
    await dialog.getByRole("button", { name: "验证" }).click();
    await dialog.getByText("用户名或密码错误。").waitFor();
    await auditScreen(t.watched, "security-confirm", async () => {
      await page.getByRole("button", { name: /现在验证身份|Confirm my identity now/ }).click();
      await page.getByRole("dialog").waitFor();
    });
    await page
      .getByRole("dialog")
      .getByLabel(/^(登录密码|Password)$/)
      .fill(server.password);
    await page
      .getByRole("dialog")
      .getByRole("button", { name: /^(验证|Confirm)$/ })
      .click();
    await page.getByRole("dialog").waitFor({ state: "hidden" });

    // Signing out everywhere else ends the other session; this one goes on.
    await page.getByRole("button", { name: "退出其他所有会话" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "退出其他所有会话" }).click();
    await page.getByText("已结束 1 个会话。").waitFor();
    await page.getByRole("row", { name: /curl/ }).waitFor({ state: "detached" });
    const other = await fetch(`${server.url}/api/v1/whoami`, { headers: { cookie: otherCookie } });
    expect(other.status).toBe(401);
    const mine = await page.evaluate(async () => (await fetch("/api/v1/whoami")).status);
    expect(mine).toBe(200);
    t.watched.assertClean();
  });
});
