import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  auditScreen,
  buttonShowing,
  ensureConsoleBuilt,
  launchBrowser,
  WatchedPage,
} from "./support/browser.js";
import { type RunningServer, startServer } from "./support/server.js";

let browser: Browser;
let server: RunningServer;
let watched: WatchedPage | undefined;

beforeAll(async () => {
  ensureConsoleBuilt();
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await watched?.close();
  watched = undefined;
  await server?.stop();
});

describe("signing in", () => {
  it("says where the first password is, refuses a wrong one in the user's language, remembers English", {
    timeout: 120_000,
  }, async () => {
    server = await startServer();
    watched = await WatchedPage.open(browser, server.url);
    const { page } = watched;
    // Signed out: the console asks for the session once and is told there is none.
    watched.expect({ method: "GET", path: "/api/v1/session", status: 401 });
    await watched.goto("/");
    await page.waitForURL(/\/signin/);
    await page.getByRole("heading", { name: "登录 wxgate" }).waitFor();
    await page.getByText("其密码只显示一次，打印在运行 wxgate start 的终端里").waitFor();
    await auditScreen(watched, "sign-in");

    watched.expect({ method: "POST", path: "/api/v1/session", status: 401 });
    await page.getByLabel("用户名").fill("admin");
    await page.getByLabel("密码").fill("not the password");
    await page.getByRole("button", { name: "登录" }).click();
    await expect(page.getByTestId("sign-in-error").textContent()).resolves.toBe("用户名或密码错误。");
    await auditScreen(watched, "sign-in-refused", async () => {
      await page.getByLabel(/用户名|Username/).fill("admin");
      await page.getByLabel(/^(密码|Password)$/).fill("not the password");
      await buttonShowing(page, /^(登录|Sign in)$/).click();
      await page.getByTestId("sign-in-error").waitFor();
    });

    await page.getByRole("button", { name: /English/ }).click();
    await page.getByRole("heading", { name: "Sign in to wxgate" }).waitFor();
    await page.getByLabel("Password").fill("still wrong");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByTestId("sign-in-error").textContent()).resolves.toBe(
      "The username or password is wrong.",
    );

    await page.getByLabel("Password").fill(server.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/accounts$/);
    await page.getByRole("heading", { name: "WeChat authorization management" }).waitFor();
    // The choice survives a reload.
    await page.reload({ waitUntil: "networkidle" });
    await page.getByRole("heading", { name: "WeChat authorization management" }).waitFor();
    await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe("en-US");
    watched.assertClean();
  });
});
