import { describe, expect, it } from "vitest";
import { authorizeThroughPage } from "../../server/test/authorization-page.js";
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
    const summary = await t.server.control<{
      accounts: { appId: string; kind: string; verifyType: number; nickname: string }[];
    }>("GET", "/summary");
    const service = summary.accounts.find((a) => a.kind === "service" && a.verifyType === 0)!;
    // The platform needs its ticket before it can create a link; the sandbox pushes it at start.
    let link: { status: number; body: { pcUrl: string } } = { status: 0, body: { pcUrl: "" } };
    for (let attempt = 0; attempt < 100 && link.status !== 201; attempt++) {
      link = await t.server.api<{ pcUrl: string }>("POST", "/authorizations", {});
      if (link.status !== 201) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(link.status).toBe(201);
    expect((await authorizeThroughPage({ pcUrl: link.body.pcUrl, appId: service.appId })).status).toBe(200);

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
});
