import { describe, expect, it } from "vitest";
import { auditScreen, WatchedPage } from "./support/browser.js";
import { startServer } from "./support/server.js";
import { signInThroughPage } from "./support/session.js";
import { consoleSuite } from "./support/suite.js";

const t = consoleSuite();

describe("the audit log", () => {
  it("lists every change with who did it, filters by outcome and person, and exports CSV", {
    timeout: 180_000,
  }, async () => {
    t.server = await startServer();
    // A refused sign-in and a key made by the administrator's own session.
    const wrong = await fetch(`${t.server.url}/api/v1/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: "not the password" }),
    });
    expect(wrong.status).toBe(401);
    const made = await t.server.api("POST", "/api-keys", { name: "CRM", scopes: ["accounts:read"] });
    expect(made.status).toBe(201);

    t.watched = await WatchedPage.open(t.browser, t.server.url);
    const { page } = t.watched;
    await signInThroughPage(t.watched, t.server);
    await page.getByRole("link", { name: "审计日志" }).click();
    await page.getByRole("heading", { level: 1, name: "审计日志" }).waitFor();
    await page.getByRole("cell", { name: /auth\.keys\.manage/ }).waitFor();
    await auditScreen(t.watched, "audit-log");

    // The key's entry: what was sent, without anything secret.
    await page
      .getByRole("row", { name: /auth\.keys\.manage/ })
      .getByRole("button", { name: /展开|Expand/ })
      .click();
    await page.getByText(/"name": "CRM"/).waitFor();

    await page.getByRole("combobox", { name: "结果" }).focus();
    await page.keyboard.press("ArrowDown");
    await page.getByTitle("被拒绝").click();
    await page.getByRole("cell", { name: /invalid_credentials/ }).waitFor();
    await page.getByRole("cell", { name: /auth\.keys\.manage/ }).waitFor({ state: "detached" });

    const href = "/api/v1/audit/export?outcome=refused";
    await page.locator(`a[href="${href}"]`, { hasText: "导出 CSV" }).waitFor();
    const csv = await page.request.get(`${t.server.url}${href}`);
    expect(csv.status()).toBe(200);
    const lines = (await csv.text()).trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain("invalid_credentials");
    expect(await csv.text()).not.toContain("not the password");
    t.watched.assertClean();
  });
});
