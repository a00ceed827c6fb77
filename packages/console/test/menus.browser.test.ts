import { describe, expect, it } from "vitest";
import { enabledDemoAccount } from "./support/accounts.js";
import { auditScreen, WatchedPage } from "./support/browser.js";
import { startServer } from "./support/server.js";
import { signInThroughPage } from "./support/session.js";
import { consoleSuite } from "./support/suite.js";

const t = consoleSuite();

describe("自定义菜单 (the custom menu screen)", () => {
  it("edits a menu, sees a byte limit broken inline, publishes it and reads it back from WeChat", {
    timeout: 240_000,
  }, async () => {
    t.server = await startServer();
    const account = await enabledDemoAccount(t.server);
    t.watched = await WatchedPage.open(t.browser, t.server.url);
    const { page } = t.watched;
    await signInThroughPage(t.watched, t.server);

    // From the account's page to its menu.
    await t.watched.goto(`/accounts/${account.appId}`);
    await page.getByRole("link", { name: "自定义菜单" }).click();
    await page.getByRole("heading", { level: 1, name: "自定义菜单" }).waitFor();
    await page.getByText("还没有菜单。").waitFor();
    await page.getByTestId("live-menu").getByText("微信上目前没有菜单。").waitFor();

    // A button whose name is 18 bytes: the counter and the field say so, nothing can be sent.
    await page.getByRole("button", { name: "添加菜单" }).click();
    const editor = page.getByTestId("button-editor");
    await editor.getByLabel("菜单名称").fill("一二三四五六");
    await editor.getByText("18/16 字节").waitFor();
    await editor.getByText("button[0].name：一级菜单名称须为 1 到 16 字节（一个汉字 3 字节）。").waitFor();
    await expect(page.getByRole("button", { name: "发布", exact: true }).isDisabled()).resolves.toBe(true);

    // Corrected, with its key, it shows on the phone and is published.
    await editor.getByLabel("菜单名称").fill("今日歌曲");
    await editor.getByText("12/16 字节").waitFor();
    await editor.getByLabel("菜单 KEY").fill("V1001_TODAY_MUSIC");
    await page.getByTestId("menu-phone").getByRole("button", { name: "今日歌曲" }).waitFor();
    // Saved as the draft, it survives the audit's reloads (each language, each size).
    await page.getByRole("button", { name: "保存草稿" }).click();
    await page.getByText("草稿已保存。").waitFor();
    await auditScreen(t.watched, "menu-editor");
    await page.getByTestId("menu-phone").getByRole("button", { name: "今日歌曲" }).waitFor();
    await page.getByRole("button", { name: "发布", exact: true }).click();
    await page
      .getByRole("dialog")
      .getByRole("button", { name: /确\s*定/ })
      .click();
    await page.getByText("已发布。").waitFor();

    // Read back from WeChat, and kept in the history.
    await page.getByTestId("live-menu").getByText("今日歌曲").waitFor();
    await page.getByTestId("menu-history").getByText("发布默认菜单").waitFor();
    // The same menu for iOS clients only: a conditional menu, listed with its rule.
    const conditional = page.getByTestId("menu-conditional");
    await conditional.getByText("没有个性化菜单。").waitFor();
    // The platform's list, once the page is still: the publication just made sets several of
    // its cards loading again, and a list open while they re-render can close under the pointer.
    // Opened and chosen again should it close all the same (a loaded machine).
    await page.waitForLoadState("networkidle");
    await page.getByText("已发布。").waitFor({ state: "detached" });
    const chosen = conditional.locator(".ant-select-selection-item[title='iOS']");
    for (let attempt = 1; ; attempt++) {
      try {
        // The shown choice lies over the combobox's input: the pointer lands on it, in the Select.
        await conditional.getByRole("combobox", { name: "客户端平台" }).click({ force: true });
        await page
          .locator(
            ".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option[title='iOS']",
          )
          .click({ timeout: 5_000 });
        await chosen.waitFor({ timeout: 5_000 });
        break;
      } catch (error) {
        if (attempt === 3) throw error;
        await page.keyboard.press("Escape");
      }
    }
    await conditional.getByRole("button", { name: "发布为个性化菜单" }).click();
    await page.getByText(/^已添加个性化菜单/).waitFor();
    await conditional.getByText(/标签 — · 平台 iOS/).waitFor();

    const live = await t.server.api<{
      menu: { button: { name: string; key?: string }[] };
      conditional: { matchrule: Record<string, string> }[];
    }>("GET", `/accounts/${account.appId}/menu/live`);
    expect(live.body.menu.button).toEqual([
      { type: "click", name: "今日歌曲", key: "V1001_TODAY_MUSIC", sub_button: [] },
    ]);
    expect(live.body.conditional.map((c) => c.matchrule)).toEqual([{ client_platform_type: "1" }]);
    t.watched.assertClean();
  });
});
