import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { auditScreen, WatchedPage } from "./support/browser.js";
import { startServer } from "./support/server.js";
import { signInThroughPage } from "./support/session.js";
import { consoleSuite } from "./support/suite.js";

const t = consoleSuite();

describe("API keys, webhooks and settings", () => {
  it("creates an API key shown once, which works until it is revoked", { timeout: 180_000 }, async () => {
    t.server = await startServer();
    t.watched = await WatchedPage.open(t.browser, t.server.url);
    const { page } = t.watched;
    await signInThroughPage(t.watched, t.server);
    await page.getByRole("link", { name: "API 密钥" }).click();
    await page.getByRole("heading", { level: 1, name: "API 密钥" }).waitFor();
    await auditScreen(t.watched, "api-keys-empty");

    await page.getByRole("button", { name: "新建 API 密钥" }).click();
    await page.getByLabel("名称").fill("CRM");
    await page.getByLabel(/读取账号/).check();
    await page.getByRole("dialog").getByRole("button", { name: "确定" }).click();
    const shown = (await page.getByTestId("secret").textContent()) ?? "";
    expect(shown).toMatch(/^wxg_/);
    await auditScreen(t.watched, "api-key-shown-once", "once");
    await page.getByRole("button", { name: /^(我已保存|I have saved it)$/ }).click();
    await page.getByRole("cell", { name: /CRM/ }).waitFor();
    // Shown once: the list has its prefix only.
    await page.getByText(shown).waitFor({ state: "detached" });
    const call = async () =>
      (await fetch(`${t.server!.url}/api/v1/accounts`, { headers: { authorization: `Bearer ${shown}` } }))
        .status;
    expect(await call()).toBe(200);

    await page.getByRole("button", { name: "吊销" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "吊销" }).click();
    await page.getByText("已吊销", { exact: true }).waitFor();
    expect(await call()).toBe(401);
    await auditScreen(t.watched, "api-keys");
    t.watched.assertClean();
  });

  it("creates a webhook whose secret is shown once, and shows its delivery log", {
    timeout: 180_000,
  }, async () => {
    t.server = await startServer();
    const receiver = createServer((_request, response) => response.end());
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const port = (receiver.address() as AddressInfo).port;
    try {
      t.watched = await WatchedPage.open(t.browser, t.server.url, "en-US");
      const { page } = t.watched;
      await signInThroughPage(t.watched, t.server);
      await page.getByRole("link", { name: "Webhooks" }).click();
      await page.getByRole("heading", { level: 1, name: "Webhooks" }).waitFor();
      await page.getByRole("button", { name: "New webhook" }).click();
      await page.getByLabel("Name").fill("CRM events");
      await page.getByLabel("URL").fill(`http://127.0.0.1:${port}/wechat-events`);
      await page.getByRole("dialog").getByRole("button", { name: "OK" }).click();
      const secret = (await page.getByTestId("secret").textContent()) ?? "";
      expect(secret.length).toBeGreaterThan(20);
      await auditScreen(t.watched, "webhook-secret-shown-once", "once");
      await page.getByRole("button", { name: "I have saved it" }).click();
      await page.getByText("CRM events").waitFor();
      const listed = await t.server.api<{ items: Array<Record<string, unknown>> }>("GET", "/webhooks");
      expect(listed.body.items).toHaveLength(1);
      expect(JSON.stringify(listed.body)).not.toContain(secret);
      await auditScreen(t.watched, "webhooks");

      await page.getByRole("button", { name: "Deliveries" }).click();
      await page.getByText("Deliveries: CRM events").waitFor();
      await auditScreen(t.watched, "webhook-deliveries", async () => {
        await page.getByRole("button", { name: /^(投递记录|Deliveries)$/ }).click();
        await page.getByText(/^(投递记录：|Deliveries: )CRM events$/).waitFor();
      });
      t.watched.assertClean();
    } finally {
      receiver.close();
    }
  });

  it("changes the minimum permission sets in the settings", { timeout: 180_000 }, async () => {
    t.server = await startServer();
    t.watched = await WatchedPage.open(t.browser, t.server.url);
    const { page } = t.watched;
    await signInThroughPage(t.watched, t.server);
    await page.getByRole("link", { name: "设置" }).click();
    await page.getByRole("heading", { level: 1, name: "设置" }).waitFor();
    await auditScreen(t.watched, "settings");
    const before = await t.server.api<{ official: { id: number }[] }>(
      "GET",
      "/settings/minimum-permission-sets",
    );
    expect(before.body.official.map((s) => s.id)).not.toContain(5);
    await page.getByRole("combobox", { name: "公众号的最小权限集" }).click();
    await page.keyboard.type("微信小店");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "保存" }).click();
    await page.getByText("已保存最小权限集。").waitFor();
    const after = await t.server.api<{ official: { id: number }[] }>(
      "GET",
      "/settings/minimum-permission-sets",
    );
    expect(after.body.official.map((s) => s.id)).toContain(5);
    t.watched.assertClean();
  });
});
