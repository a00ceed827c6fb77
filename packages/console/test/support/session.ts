import type { WatchedPage } from "./browser.js";
import type { RunningServer } from "./server.js";

/** Signs in through the sign-in screen as the first administrator; ends on the accounts screen. */
export async function signInThroughPage(watched: WatchedPage, server: RunningServer): Promise<void> {
  const { page } = watched;
  watched.expect({ method: "GET", path: "/api/v1/session", status: 401 });
  await watched.goto("/signin");
  await page.getByLabel(/^(用户名|Username)$/).fill("admin");
  await page.getByLabel(/^(密码|Password)$/).fill(server.password);
  await page.getByRole("button", { name: /^(登录|Sign in)$/ }).click();
  await page.waitForURL(/\/accounts$/);
  await page.getByTestId("usage").waitFor();
}
