import { describe, expect, it } from "vitest";
import { authorizeByApi, demoAccount } from "./support/accounts.js";
import { auditScreen, WatchedPage } from "./support/browser.js";
import { startServer } from "./support/server.js";
import { signInThroughPage } from "./support/session.js";
import { consoleSuite } from "./support/suite.js";

const t = consoleSuite();

describe("the sandbox phone", () => {
  it("follows and sends a message as a WeChat user; each push reaches wxgate and shows in the chat and the account's events", {
    timeout: 180_000,
  }, async () => {
    t.server = await startServer();
    const service = await demoAccount(t.server);
    await authorizeByApi(t.server, service.appId);

    t.watched = await WatchedPage.open(t.browser, t.server.url);
    const { page } = t.watched;
    await signInThroughPage(t.watched, t.server);
    await page.getByRole("link", { name: "沙箱手机" }).click();
    await page.getByRole("heading", { level: 1, name: "沙箱手机" }).waitFor();
    await auditScreen(t.watched, "sandbox-phone-empty");

    await page.getByRole("button", { name: "关注" }).click();
    await page.getByTestId("chat").getByText("关注了公众号").waitFor();
    await page.getByTestId("chat").getByText("wxgate 已接收").first().waitFor();
    await page.getByLabel("消息内容").fill("你好");
    await page.getByRole("button", { name: "发送" }).click();
    await page.getByTestId("chat").getByText("你好").waitFor();
    await expect(page.getByTestId("chat").getByText("wxgate 已接收").count()).resolves.toBe(2);
    await auditScreen(t.watched, "sandbox-phone", "once");

    // wxgate recorded both pushes.
    const events = await t.server.api<{ items: Array<{ event: string | null; msgType: string | null }> }>(
      "GET",
      `/events?appid=${service.appId}`,
    );
    expect(events.body.items.map((e) => e.event ?? e.msgType)).toEqual(
      expect.arrayContaining(["subscribe", "text"]),
    );
    t.watched.assertClean();
  });

  it("acts as an existing follower of the account, picked from the emulator's followers", {
    timeout: 180_000,
  }, async () => {
    t.server = await startServer();
    const service = await demoAccount(t.server);
    await authorizeByApi(t.server, service.appId);
    const { followers } = await t.server.control<{ followers: { openId: string; nickname: string }[] }>(
      "GET",
      `/accounts/${service.appId}/followers?subscribed=true&limit=1`,
    );
    const follower = followers[0]!;

    t.watched = await WatchedPage.open(t.browser, t.server.url);
    const { page } = t.watched;
    await signInThroughPage(t.watched, t.server);
    await page.getByRole("link", { name: "沙箱手机" }).click();
    await page.getByRole("heading", { level: 1, name: "沙箱手机" }).waitFor();
    const picker = page.getByRole("combobox", { name: "粉丝" });
    await expect(picker.getAttribute("aria-expanded")).resolves.toBe("false");
    await picker.focus();
    await page.keyboard.type(follower.openId.slice(-10));
    // antd lists the options twice: hidden ones for assistive technology, and those shown.
    await page.locator(".ant-select-item-option", { hasText: follower.openId }).click();
    await page.getByTestId("follower").getByText(follower.openId).waitFor();
    // Already following: there is nothing to follow.
    await expect(page.getByRole("button", { name: "关注" }).isDisabled()).resolves.toBe(true);
    await auditScreen(t.watched, "sandbox-phone-existing-follower", "once");

    await page.getByLabel("消息内容").fill("老朋友你好");
    await page.getByRole("button", { name: "发送" }).click();
    await page.getByTestId("chat").getByText("老朋友你好").waitFor();
    await page.getByTestId("chat").getByText("wxgate 已接收").waitFor();
    const events = await t.server.api<{
      items: Array<{ msgType: string | null; fromOpenId: string | null }>;
    }>("GET", `/events?appid=${service.appId}&type=text`);
    expect(events.body.items).toEqual([
      expect.objectContaining({ msgType: "text", fromOpenId: follower.openId }),
    ]);

    // Back to a new follower: following makes one, with another OpenID.
    await picker.focus();
    await page.keyboard.press("ArrowDown");
    await page.locator(".ant-select-item-option", { hasText: "新粉丝（点击“关注”时创建）" }).click();
    await page.getByRole("button", { name: "关注" }).click();
    await page.getByTestId("chat").getByText("关注了公众号").waitFor();
    const shown = (await page.getByTestId("follower").textContent()) ?? "";
    expect(shown).toMatch(/^当前粉丝 OpenID：\S+$/);
    expect(shown).not.toContain(follower.openId);
    t.watched.assertClean();
  });
});
