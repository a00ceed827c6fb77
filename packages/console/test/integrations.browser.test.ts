import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { enabledDemoAccount, eventually } from "./support/accounts.js";
import { auditScreen, tick, WatchedPage } from "./support/browser.js";
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
    await tick(page, page.getByLabel(/读取账号/));
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
    await page.getByText("已吊销“CRM”。").waitFor({ state: "detached" });
    await auditScreen(t.watched, "api-keys");
    t.watched.assertClean();
  });

  it("creates a webhook whose secret is shown once, shows its delivery log, and redelivers from it", {
    timeout: 180_000,
  }, async () => {
    t.server = await startServer();
    const received: string[] = [];
    const receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        received.push(Buffer.concat(chunks).toString());
        response.end();
      });
    });
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

      // A push for the webhook: a follower of an authorized account follows it.
      const service = await enabledDemoAccount(t.server);
      await t.server.control("POST", "/follower/follow", { appId: service.appId });
      const hookId = listed.body.items[0]!["id"] as string;
      type Deliveries = { items: Array<{ id: string; status: string; eventId: string; attempts: number }> };
      const deliveries = () => t.server!.api<Deliveries>("GET", `/webhooks/${hookId}/deliveries`);
      await eventually(
        "the delivery",
        async () => (await deliveries()).body.items[0]?.status === "delivered",
      );
      expect(received).toHaveLength(1);

      const openLog = async () => {
        await page.getByRole("button", { name: /^(投递记录|Deliveries)$/ }).click();
        await page.getByText(/^(投递记录：|Deliveries: )CRM events$/).waitFor();
        await page
          .getByRole("dialog")
          .getByText(/^(已送达|Delivered)$/)
          .waitFor();
      };
      await openLog();
      await auditScreen(t.watched, "webhook-deliveries", openLog);

      // Redeliver: the same event again, as a new round of attempts.
      await page.getByRole("dialog").getByRole("button", { name: "Redeliver" }).click();
      await page.getByText("Queued for delivery again.").waitFor();
      await eventually("the redelivery", async () => received.length === 2);
      expect(JSON.parse(received[1]!).id).toBe(JSON.parse(received[0]!).id);
      await eventually("the redelivery's outcome", async () => {
        const [delivery] = (await deliveries()).body.items;
        return delivery?.status === "delivered" && delivery.attempts === 2;
      });
      await page.getByRole("button", { name: "Close", exact: true }).click();
      await openLog();
      await page.getByRole("dialog").getByRole("cell", { name: "2", exact: true }).waitFor();
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
