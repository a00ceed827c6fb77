import { describe, expect, it } from "vitest";
import { enabledDemoAccount } from "./support/accounts.js";
import { auditScreen, WatchedPage } from "./support/browser.js";
import { startServer } from "./support/server.js";
import { signInThroughPage } from "./support/session.js";
import { consoleSuite } from "./support/suite.js";

const t = consoleSuite();

interface FollowerItem {
  openId: string;
  remark: string;
  tagIds: number[];
}

describe("an account's followers", () => {
  it("syncs with a progress bar, creates a tag, tags the selected followers and sets a remark checked for length", {
    timeout: 300_000,
  }, async () => {
    t.server = await startServer();
    const service = await enabledDemoAccount(t.server);
    await t.server.control("POST", `/apis/accounts/${service.appId}/crowd`, { count: 3_000 });

    t.watched = await WatchedPage.open(t.browser, t.server.url);
    const { page } = t.watched;
    await signInThroughPage(t.watched, t.server);
    await t.watched.goto(`/accounts/${service.appId}?tab=followers`);
    await page.getByRole("tab", { name: "粉丝与标签", selected: true }).waitFor();

    // The sync: started here, followed by its progress until it is done.
    await page.getByTestId("follower-sync-start").click();
    const progress = page.getByTestId("follower-sync-progress");
    await progress.getByText(/^已同步 [\d,]+ 个粉丝/).waitFor({ timeout: 60_000 });
    const synced = await t.server.api<{ done: number; total: number; state: string }>(
      "GET",
      `/accounts/${service.appId}/followers/sync`,
    );
    expect(synced.body.state).toBe("done");
    expect(synced.body.done).toBe(synced.body.total);
    expect(synced.body.total).toBeGreaterThan(3_000);
    await auditScreen(t.watched, "followers-tab", async () => {
      await page.getByTestId("follower-sync-progress").waitFor();
    });

    // A tag: the name's bytes are counted before WeChat is asked.
    await page.getByTestId("tag-create").click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("标签名").fill("一二三四五六七八九十壹");
    await dialog.getByText("33 / 30 字节").waitFor();
    expect(await dialog.getByRole("button", { name: /确\s*定/ }).isDisabled()).toBe(true);
    await dialog.getByLabel("标签名").fill("老客户");
    await dialog.getByRole("button", { name: /确\s*定/ }).click();
    await page.getByText("标签已保存。").waitFor();
    await page
      .getByTestId("tag-list")
      .getByText(/老客户/)
      .waitFor();

    // Two followers selected and tagged.
    const rows = page.locator(".ant-table-tbody tr.ant-table-row");
    await rows.first().waitFor();
    await rows.nth(0).getByRole("checkbox").check();
    await rows.nth(1).getByRole("checkbox").check();
    const tagging = page.getByTestId("follower-tagging");
    await tagging.getByText("已选 2 个").waitFor();
    await tagging.getByRole("combobox").click();
    await page.locator(".ant-select-item-option", { hasText: "老客户" }).click();
    await tagging.getByRole("button", { name: "给选中的粉丝打标签" }).click();
    await page.getByText(/已处理 2 个粉丝（调用微信 1 次/).waitFor();
    await rows.nth(0).getByText("老客户").waitFor();

    // A remark: 31 characters cannot be saved; 30 can.
    const firstOpenId = (await rows.nth(0).locator("code").textContent()) ?? "";
    await rows.nth(0).getByRole("button", { name: "改备注" }).click();
    const remark = page.getByRole("dialog");
    await remark.getByLabel("备注名").fill("备".repeat(31));
    expect(await remark.getByRole("button", { name: /确\s*定/ }).isDisabled()).toBe(true);
    await remark.getByLabel("备注名").fill("重要客户");
    await remark.getByRole("button", { name: /确\s*定/ }).click();
    await page.getByText("备注名已保存。").waitFor();
    const listed = await t.server.api<{ items: FollowerItem[] }>(
      "GET",
      `/accounts/${service.appId}/followers?q=${encodeURIComponent("重要")}`,
    );
    expect(listed.body.items.map((f) => [f.openId, f.remark])).toEqual([[firstOpenId, "重要客户"]]);

    // Search by remark in the page.
    await page.getByLabel("搜索备注、昵称或 OpenID").fill("重要");
    await page.keyboard.press("Enter");
    await page.getByRole("cell", { name: "重要客户" }).waitFor();
    await expect.poll(() => rows.count()).toBe(1);
  });
});
