import { generate } from "otplib";
import { describe, expect, it } from "vitest";
import { auditScreen, WatchedPage } from "./support/browser.js";
import { startServer } from "./support/server.js";
import { consoleSuite } from "./support/suite.js";

const t = consoleSuite();

/** The sandbox's latest sign-in code (what its mailbox shows). */
async function latestCode(url: string): Promise<string> {
  const answer = (await (await fetch(`${url}/api/v1/sandbox/mail`)).json()) as { mails: { code: string }[] };
  const code = answer.mails[0]?.code;
  if (!code) throw new Error("no code in the sandbox mailbox");
  return code;
}

describe("the second factor of a new device", () => {
  it("asks a new browser for the e-mailed code (shown in the sandbox mailbox), then sets up an authenticator app that the next new browser is asked for", {
    timeout: 240_000,
  }, async () => {
    t.server = await startServer({ WXGATE_NEW_DEVICE_VERIFICATION: "true" });
    const server = t.server;
    t.watched = await WatchedPage.open(t.browser, server.url);
    const { page } = t.watched;
    t.watched.expect({ method: "GET", path: "/api/v1/session", status: 401 });
    t.watched.expect({ method: "POST", path: "/api/v1/session/second-factor", status: 400 });
    await t.watched.goto("/signin");
    await page.getByLabel("用户名").fill("admin");
    await page.getByLabel("密码").fill(server.password);
    await page.getByRole("button", { name: "登录" }).click();

    // The second step: no session yet; the sandbox shows the code it "e-mailed".
    await page.getByRole("heading", { name: "新设备验证" }).waitFor();
    const mailbox = page.getByTestId("sandbox-mailbox");
    const first = await latestCode(server.url);
    await mailbox.getByText(new RegExp(`验证码 ${first}`)).waitFor();
    await auditScreen(t.watched, "sign-in-second-step", "once");

    // A wrong code is refused with the tries left; a new code replaces the first.
    await page.getByLabel("验证码", { exact: true }).fill(first === "000000" ? "111111" : "000000");
    await page.getByRole("button", { name: "验证并登录" }).click();
    await expect(page.getByTestId("second-step-error").textContent()).resolves.toBe(
      "验证码错误，还可尝试 4 次。",
    );
    await page.getByRole("button", { name: "重新发送验证码" }).click();
    await page.getByText("新的验证码已发送。").waitFor();
    const second = await latestCode(server.url);
    await page.getByLabel("验证码", { exact: true }).fill(second);
    await page.getByRole("button", { name: "验证并登录" }).click();
    await page.waitForURL(/\/accounts$/);

    // My security: this browser is a known device; set up the authenticator app.
    await page.getByRole("link", { name: "账号安全" }).click();
    await page.getByRole("heading", { level: 1, name: "账号安全" }).waitFor();
    await page.getByTestId("known-devices").getByText("此设备").waitFor();
    await page.getByText("新设备登录时需要验证码（沙箱模式：显示在沙箱邮箱中）。").waitFor();
    // The user's own address, where codes go (a risk operation: the sign-in just confirmed it).
    await page.getByRole("button", { name: "修改邮箱" }).click();
    await page.getByLabel("邮箱", { exact: true }).fill("Admin@Example.test");
    await page.getByRole("button", { name: "保存" }).click();
    await page.getByText("新设备登录时需要邮件验证码（admin@example.test）。").waitFor();
    await page.getByRole("button", { name: "启用身份验证器" }).click();
    const secret = (await page.getByTestId("totp-secret").textContent()) ?? "";
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await auditScreen(t.watched, "security-totp-enrolment", "once");
    await page.getByLabel("验证码", { exact: true }).fill(await generate({ secret }));
    await page.getByRole("button", { name: "启用", exact: true }).click();
    await page.getByText("新设备登录时需要身份验证器验证码。").waitFor();
    await auditScreen(t.watched, "security-totp-on");

    // The confirmation dialog offers the authenticator now: a wrong code is refused in words.
    t.watched.expect({ method: "POST", path: "/api/v1/session/confirm", status: 401 });
    await page.getByRole("button", { name: "现在验证身份" }).click();
    const dialog = page.getByRole("dialog", { name: "验证身份" });
    await dialog.getByText("身份验证器", { exact: true }).click();
    await dialog.getByLabel("身份验证器验证码").fill("000000");
    await dialog.getByRole("button", { name: "验证" }).click();
    await dialog.getByText("验证码错误或已使用。").waitFor();
    await dialog.getByText("密码", { exact: true }).click();
    await dialog.getByLabel("登录密码").fill(server.password);
    await dialog.getByRole("button", { name: "验证" }).click();
    await dialog.waitFor({ state: "hidden" });
    t.watched.assertClean();

    // Another browser is a new device: it is asked for the authenticator's code, not an e-mail.
    const other = await WatchedPage.open(t.browser, server.url);
    try {
      other.expect({ method: "GET", path: "/api/v1/session", status: 401 });
      await other.goto("/signin");
      await other.page.getByLabel("用户名").fill("admin");
      await other.page.getByLabel("密码").fill(server.password);
      await other.page.getByRole("button", { name: "登录" }).click();
      await other.page.getByText("这是一台新设备。请输入身份验证器应用中的 6 位验证码。").waitFor();
      await expect(other.page.getByRole("button", { name: "重新发送验证码" }).count()).resolves.toBe(0);
      // The activation's code is spent: the next time step's code (within the tolerance) passes.
      const next = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
      await other.page.getByLabel("验证码", { exact: true }).fill(next);
      await other.page.getByRole("button", { name: "验证并登录" }).click();
      await other.page.waitForURL(/\/accounts$/);
      other.assertClean();
    } finally {
      await other.close();
    }
  });
});
