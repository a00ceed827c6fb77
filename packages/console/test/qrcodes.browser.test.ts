import { describe, expect, it } from "vitest";
import { enabledDemoAccount } from "./support/accounts.js";
import { auditScreen, WatchedPage } from "./support/browser.js";
import { startServer } from "./support/server.js";
import { signInThroughPage } from "./support/session.js";
import { consoleSuite } from "./support/suite.js";

const t = consoleSuite();

interface Code {
  id: string;
  scene: string;
  ticket: string;
}

describe("参数二维码 (the QR codes screen)", () => {
  it("creates a channel code and a batch, charts the follows WeChat pushes, and draws the fission tree", {
    timeout: 300_000,
  }, async () => {
    t.server = await startServer();
    const server = t.server;
    const service = await enabledDemoAccount(server);

    t.watched = await WatchedPage.open(t.browser, server.url);
    const { page } = t.watched;
    await signInThroughPage(t.watched, server);
    await t.watched.goto(`/accounts/${service.appId}`);
    await page.getByRole("link", { name: "参数二维码" }).click();
    await page.getByRole("heading", { level: 1, name: "参数二维码" }).waitFor();

    // One channel code.
    await page.getByRole("button", { name: "新建渠道码" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("渠道名称").fill("地铁广告");
    await dialog.getByLabel("场景值").fill("metro");
    await dialog.getByRole("button", { name: "确定" }).click();
    await page.getByText("已创建渠道码“地铁广告”。").waitFor();
    await page.getByRole("row", { name: /地铁广告/ }).waitFor();

    // A batch: two made, one refused before WeChat is asked, each outcome listed.
    await page.getByRole("button", { name: "批量创建" }).click();
    const batch = page.getByRole("dialog");
    await batch.getByLabel("渠道").fill(`门店 A\n门店 B,store-b\n太长,${"s".repeat(65)}`);
    await batch.getByRole("button", { name: "批量创建" }).click();
    await batch.getByText("已创建 2 个，失败 1 个。").waitFor();
    await batch.getByText("场景值需要 1 到 64 个字符（微信的 scene_str 限制）。").waitFor();
    await batch.getByRole("button", { name: "确定" }).click();
    await page.getByRole("dialog").waitFor({ state: "hidden" });
    await page.getByRole("row", { name: /store-b/ }).waitFor();

    // The image downloads as WeChat shows it.
    const link = page.getByRole("link", { name: "下载图片 地铁广告" });
    const image = await page.request.get(
      new URL((await link.getAttribute("href")) ?? "", server.url).toString(),
    );
    expect([image.status(), image.headers()["content-type"]]).toEqual([200, "image/png"]);

    // Two people follow through the metro code; WeChat pushes it and the figures count them.
    const codes = await server.api<{ items: Code[] }>(
      "GET",
      `/accounts/${service.appId}/qrcodes?kind=channel`,
    );
    const metro = codes.body.items.find((code) => code.scene === "metro")!;
    const first = await server.control<{ openId: string }>("POST", "/follower/scan", {
      appId: service.appId,
      ticket: metro.ticket,
    });
    await server.control("POST", "/follower/scan", { appId: service.appId, ticket: metro.ticket });

    await page.getByRole("tab", { name: "数据" }).click();
    await page.getByTestId("qr-chart").locator("canvas").waitFor();
    const row = page.getByRole("row", { name: /metro/ });
    // Name, scene, scans, new followers: the fourth cell, waited for until it reads 2.
    await row.getByRole("cell").nth(3).getByText("2", { exact: true }).waitFor();
    await auditScreen(t.watched, "qrcodes");

    // The first follower invites; the one who follows through their code hangs under them.
    await page.getByRole("tab", { name: "裂变" }).click();
    await page.getByLabel("邀请人 OpenID").fill(first.openId);
    await page.getByRole("button", { name: "生成裂变码" }).click();
    await page.getByText(/已生成裂变码/).waitFor();
    const fission = await server.api<{ items: Code[] }>(
      "GET",
      `/accounts/${service.appId}/qrcodes?kind=fission`,
    );
    await server.control("POST", "/follower/scan", {
      appId: service.appId,
      ticket: fission.body.items[0]!.ticket,
    });
    await page.reload({ waitUntil: "networkidle" });
    await page.getByText(`${first.openId}`).waitFor();
    await page.getByText("邀请 1 人 · 仍关注 1 人 · 下级共 1 人").waitFor();
    await page.getByText("共 1 条邀请关系").waitFor();
  });
});
