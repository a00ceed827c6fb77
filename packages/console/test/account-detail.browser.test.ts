import type { Locator } from "playwright-core";
import { describe, expect, it } from "vitest";
import { authorizeByApi, demoAccount, eventually } from "./support/accounts.js";
import { auditScreen, WatchedPage } from "./support/browser.js";
import { startServer } from "./support/server.js";
import { signInThroughPage } from "./support/session.js";
import { consoleSuite } from "./support/suite.js";

const t = consoleSuite();
const DAY = 86_400_000;

/** A time as the console shows it to the tests' browser (Asia/Shanghai), without the zone. */
function shanghai(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().replace("T", " ").slice(0, 19);
}

interface AccountView {
  authorizedAt: number;
  authorizationState: string;
  lifecycle: { expiresAt: number | null };
  miniProgram: { sendConfig: { mode: string } | null; receiptConfig: { mode: string } | null };
}

describe("an account's page", () => {
  it("filters the events by received time; changes the authorization's end, renews it by authorizing again, and shows a refusal that arrives meanwhile in words", {
    timeout: 300_000,
  }, async () => {
    t.server = await startServer();
    const service = await demoAccount(t.server);
    await authorizeByApi(t.server, service.appId);
    await t.server.control("POST", "/follower/follow", { appId: service.appId });
    const account = async () => (await t.server!.api<AccountView>("GET", `/accounts/${service.appId}`)).body;
    const first = await account();
    expect(first.lifecycle.expiresAt).toBe(first.authorizedAt + 365 * DAY);

    t.watched = await WatchedPage.open(t.browser, t.server.url);
    const { page } = t.watched;
    await signInThroughPage(t.watched, t.server);
    await t.watched.goto(`/accounts/${service.appId}`);
    await page.getByRole("heading", { level: 1, name: service.nickname }).waitFor();

    // The events, then a range of received times that holds none, then one that holds them.
    const events = page.locator(".ant-card", { has: page.getByRole("heading", { name: "事件" }) });
    await events.getByRole("cell", { name: /subscribe/ }).waitFor();
    const setRange = async (from: string, to: string) => {
      const card = page.locator(".ant-card", { has: page.getByRole("heading", { name: /^(事件|Events)$/ }) });
      await confirmTyped(card.getByPlaceholder(/^(开始时间|From)$/), from);
      await confirmTyped(card.getByPlaceholder(/^(结束时间|To)$/), to);
    };
    // Under load the picker can take a typed date back as its panel moves to the other end:
    // typed again until the input holds it.
    const confirmTyped = async (input: Locator, value: string) => {
      for (let attempt = 1; ; attempt++) {
        await input.fill(value);
        await page.keyboard.press("Enter");
        try {
          await expect.poll(() => input.inputValue(), { timeout: 2_000 }).toBe(value);
          return;
        } catch (error) {
          if (attempt === 3) throw error;
        }
      }
    };
    const [emptyRange] = await Promise.all([
      page.waitForRequest((r) => r.url().includes("/api/v1/events?") && r.url().includes("to=")),
      setRange("2020-01-01 00:00:00", "2020-01-02 00:00:00"),
    ]);
    const asked = new URL(emptyRange.url()).searchParams;
    expect([asked.get("appid"), asked.get("from"), asked.get("to")]).toEqual([
      service.appId,
      String(Date.UTC(2019, 11, 31, 16)),
      String(Date.UTC(2020, 0, 1, 16) + 999),
    ]);
    await events.locator(".ant-empty-description").waitFor();
    const now = Date.now();
    const around = async () => {
      await setRange(shanghai(now - DAY), shanghai(now + DAY));
      await page
        .locator(".ant-card", { has: page.getByRole("heading", { name: /^(事件|Events)$/ }) })
        .getByRole("cell", { name: /subscribe/ })
        .waitFor();
    };
    await around();
    await auditScreen(t.watched, "account-events-range", around);

    // The end of this period: by days from its start, checked here first.
    const validity = page.getByTestId("validity-actions");
    const openExpiry = async () => {
      await page
        .getByTestId("validity-actions")
        .getByRole("button", { name: /^(调整到期时间|Change the end)$/ })
        .click();
      await page
        .getByRole("dialog")
        .getByLabel(/^(有效天数|Days valid)$/)
        .waitFor();
    };
    await openExpiry();
    await auditScreen(t.watched, "validity-dialog", openExpiry);
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("spinbutton").fill("400");
    await dialog.getByRole("button", { name: "确定" }).click();
    await dialog.getByText("授权有效期最长 365 天（从本期开始算）。").waitFor();
    await dialog.getByRole("spinbutton").fill("200");
    await dialog.getByText(`将于 ${shanghai(first.authorizedAt + 200 * DAY)} UTC+08:00 到期`).waitFor();
    await dialog.getByRole("button", { name: "确定" }).click();
    await page.getByText(`到期时间已设为 ${shanghai(first.authorizedAt + 200 * DAY)} UTC+08:00。`).waitFor();
    await page
      .getByTestId("expires-at")
      .getByText(shanghai(first.authorizedAt + 200 * DAY))
      .waitFor();
    expect((await account()).lifecycle.expiresAt).toBe(first.authorizedAt + 200 * DAY);

    // Renewing is authorizing again: a new period, with the full validity.
    await validity.getByRole("button", { name: "续期（重新授权）" }).click();
    await page.getByText(`更新授权：${service.nickname}`).waitFor();
    await page.getByTestId("create-link").click();
    const [emulatorPage] = await Promise.all([
      page.context().waitForEvent("page"),
      page.getByTestId("sandbox-authorize").click(),
    ]);
    await emulatorPage.getByLabel(new RegExp(service.nickname)).check();
    await emulatorPage.getByRole("button", { name: "授权" }).click();
    await emulatorPage.getByText("授权成功").waitFor();
    await emulatorPage.close();
    await page.getByRole("button", { name: "完成" }).click();
    const renewed = await account();
    expect(renewed.authorizedAt).toBeGreaterThanOrEqual(first.authorizedAt);
    expect(renewed.lifecycle.expiresAt).toBe(renewed.authorizedAt + 365 * DAY);
    await page
      .getByTestId("expires-at")
      .getByText(shanghai(renewed.authorizedAt + 365 * DAY))
      .waitFor();

    // The account withdraws its authorization while the dialog is open: the server's refusal, in words.
    await openExpiry();
    await t.server.control("POST", "/component/deauthorize", {
      componentAppId: service.componentAppId,
      authorizerAppId: service.appId,
    });
    await eventually(
      "the de-authorization",
      async () => (await account()).authorizationState === "unauthorized",
    );
    t.watched.expect({
      method: "PUT",
      path: `/api/v1/accounts/${service.appId}/authorization-expiry`,
      status: 409,
    });
    await dialog.getByRole("button", { name: "确定" }).click();
    await dialog.getByRole("alert").getByText("账号已取消授权。").waitFor();
    await dialog.getByRole("button", { name: "取消" }).click();
    // Read afresh, the end can no longer be moved, and the button says why.
    await expect(
      validity.locator('[data-reason]:has(button:has-text("调整到期时间"))').getAttribute("data-reason"),
    ).resolves.toBe("账号已取消授权。");
    t.watched.assertClean();
  });

  it("sets a mini program's send and receipt configs, checked in the form, a server refusal in words", {
    timeout: 240_000,
  }, async () => {
    t.server = await startServer();
    const created = await t.server.control<{ appId: string; secret: string }>("POST", "/accounts", {
      kind: "miniprogram",
      nickname: "配置测试小程序",
    });
    const { appId } = created;
    const connected = await t.server.api("POST", "/accounts", {
      appId,
      appSecret: created.secret,
      kind: "miniprogram",
      nickname: "配置测试小程序",
    });
    expect(connected.status).toBe(201);
    t.watched = await WatchedPage.open(t.browser, t.server.url);
    const { page } = t.watched;
    await signInThroughPage(t.watched, t.server);
    await t.watched.goto(`/accounts/${appId}`);
    await page.getByRole("heading", { level: 1, name: "配置测试小程序" }).waitFor();
    const send = page.getByTestId("send-config");
    const receipt = page.getByTestId("receipt-config");
    await send.getByText("当前：未设置").waitFor();
    await auditScreen(t.watched, "miniprogram-config");

    // The send config: each field checked before anything is sent.
    const error = (section: typeof send, text: string) =>
      section.locator(".ant-form-item-explain-error").getByText(text, { exact: true }).waitFor();
    await send.getByRole("textbox", { name: "AppSecret" }).fill("too short");
    await send.getByRole("button", { name: "保存" }).click();
    await error(send, "AppSecret 为 16 到 64 个字符。");
    await send.getByText("Access Token 地址").click();
    await send.getByLabel("中控地址（获取 Access Token 的 URL）").fill("ftp://tokens.example.com/wx");
    await send.getByLabel("请求头（可选）").fill("no colon here");
    await send.getByRole("button", { name: "保存" }).click();
    await error(send, "地址无效。");
    await error(send, "请求头为一行“名称: 值”。");
    await send.getByLabel("中控地址（获取 Access Token 的 URL）").fill("https://tokens.example.com/wx");
    await send.getByLabel("请求头（可选）").fill("Authorization: Bearer abc");
    await send.getByRole("button", { name: "保存" }).click();
    await page.getByText("已保存发送配置。").waitFor();
    await send.getByText("当前：Access Token 地址").waitFor();

    // The receipt config: the Token's form, a key for the safe mode (generated here).
    await receipt.getByLabel("Token").fill("ab");
    await receipt.getByRole("button", { name: "保存" }).click();
    await error(receipt, "Token 为 3 到 32 个英文字母或数字。");
    await error(receipt, "此加密方式需要 EncodingAESKey。");
    await receipt.getByLabel("Token").fill("wxgateToken1");
    await receipt.getByRole("button", { name: "随机生成" }).click();
    await expect(receipt.getByLabel("EncodingAESKey").inputValue()).resolves.toMatch(/^[A-Za-z0-9]{43}$/);
    await receipt.getByRole("button", { name: "保存" }).click();
    await page.getByText("已保存回执配置。").waitFor();
    await receipt.getByText("当前：安全模式").waitFor();
    const saved = (await t.server.api<AccountView>("GET", `/accounts/${appId}`)).body;
    expect(saved.miniProgram).toEqual({ sendConfig: { mode: "token_url" }, receiptConfig: { mode: "safe" } });
    expect(JSON.stringify(saved)).not.toContain("wxgateToken1");

    // Deleted meanwhile by someone else: the save is refused, and the form says so.
    const deleted = await t.server.api("DELETE", `/accounts/${appId}`, { confirm: "配置测试小程序" });
    expect(deleted.status).toBe(200);
    for (const path of ["/receipt-config", ""].map((p) => (p ? `/miniprogram${p}` : p))) {
      t.watched.expect({
        method: path ? "PUT" : "GET",
        path: `/api/v1/accounts/${appId}${path}`,
        status: 404,
      });
    }
    t.watched.expect({ method: "GET", path: `/api/v1/accounts/${appId}/quota/resets`, status: 404 });
    t.watched.expect({ method: "GET", path: `/api/v1/accounts/${appId}/api-calls`, status: 404 });
    await receipt.getByLabel("Token").fill("wxgateToken2");
    await receipt.getByRole("button", { name: "随机生成" }).click();
    await receipt.getByRole("button", { name: "保存" }).click();
    await page.getByTestId("receipt-config-error").getByText("找不到所请求的内容。").waitFor();
    t.watched.assertClean();
  });
});
