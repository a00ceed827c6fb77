import { describe, expect, it } from "vitest";
import { mediaSamples } from "../../emulator/src/apis/media-samples.js";
import { enabledDemoAccount } from "./support/accounts.js";
import { auditScreen, buttonShowing, WatchedPage } from "./support/browser.js";
import { startServer } from "./support/server.js";
import { signInThroughPage } from "./support/session.js";
import { consoleSuite } from "./support/suite.js";

const t = consoleSuite();

describe("an account's materials and customer service", () => {
  it("uploads a material with its limits shown, refuses one over them, and routes to a new customer-service account", {
    timeout: 240_000,
  }, async () => {
    t.server = await startServer();
    const service = await enabledDemoAccount(t.server);
    t.watched = await WatchedPage.open(t.browser, t.server.url);
    const { page } = t.watched;
    await signInThroughPage(t.watched, t.server);
    await t.watched.goto(`/accounts/${service.appId}`);
    await page.getByRole("button", { name: "素材管理" }).click();
    await page.getByRole("heading", { level: 1, name: "素材管理" }).waitFor();

    // Uploading a temporary image: WeChat's limits for it are shown beside the file picker.
    await page.getByRole("button", { name: "上传" }).click();
    await page.getByText("接受 bmp, png, jpeg, jpg, gif，不超过 10 MB").waitFor();
    await page.getByLabel("文件").setInputFiles({
      name: "banner.png",
      mimeType: "image/png",
      buffer: mediaSamples.png(4096),
    });
    await page.getByRole("dialog").getByRole("button", { name: "上传" }).click();
    await page.getByText("已上传“banner.png”。").waitFor();
    await page.getByText("banner.png", { exact: true }).waitFor();
    await auditScreen(t.watched, "materials");

    // A thumbnail over 64 KB is refused by wxgate, before WeChat, and the reason is shown.
    t.watched.expect({
      method: "POST",
      path: `/api/v1/accounts/${service.appId}/materials/media`,
      status: 413,
    });
    await page.getByRole("button", { name: "上传" }).click();
    await page.getByRole("dialog").getByRole("combobox", { name: "类型" }).focus();
    await page.keyboard.press("ArrowDown");
    await page.getByTitle("缩略图").click();
    await page.getByText("接受 jpg, jpeg，不超过 64 KB").waitFor();
    await page.getByLabel("文件").setInputFiles({
      name: "cover.jpg",
      mimeType: "image/jpeg",
      buffer: mediaSamples.jpg(64 * 1024 + 1),
    });
    await page.getByRole("dialog").getByRole("button", { name: "上传" }).click();
    await page.getByRole("alert").getByText("文件太大，该类型最大 65536 字节。").waitFor();
    await page
      .getByRole("dialog")
      .getByRole("button", { name: /^取\s?消$/ })
      .click();

    // Customer service: an account, then a keyword rule to it.
    await t.watched.goto(`/accounts/${service.appId}/customer-service`);
    await page.getByRole("heading", { level: 1, name: "多客服" }).waitFor();
    await page.getByRole("button", { name: "添加客服" }).click();
    await page.getByRole("dialog").getByLabel("帐号").fill("refund@shop");
    await page.getByRole("dialog").getByLabel("昵称").fill("退款组");
    await page
      .getByRole("dialog")
      .getByRole("button", { name: /^确\s?定$/ })
      .click();
    await page.getByText("已添加客服“退款组”。").waitFor();
    await page.getByRole("cell", { name: "refund@shop" }).waitFor();

    // Its avatar: a png is refused by wxgate before WeChat, with the reason shown; a jpg is set
    // at WeChat and the list shows the address WeChat gives it. WeChat's image CDN lies outside
    // the emulator, so the browser's requests to it get a picture made here.
    await page.route("https://mmbiz.qpic.cn/**", (route) =>
      route.fulfill({
        contentType: "image/svg+xml",
        body: '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40" fill="#07c160"/></svg>',
      }),
    );
    const avatarPath = `/api/v1/accounts/${service.appId}/kf-accounts/refund%40shop/avatar`;
    t.watched.expect({ method: "POST", path: avatarPath, status: 400 });
    const row = page.getByRole("row").filter({ hasText: "refund@shop" });
    let chooser = page.waitForEvent("filechooser");
    await buttonShowing(row, /换头像/).click();
    await (await chooser).setFiles({
      name: "face.png",
      mimeType: "image/png",
      buffer: mediaSamples.png(2048),
    });
    await page.getByText("头像须为 jpg 图片。").waitFor();
    expect(await row.getByRole("img", { name: "“退款组”的头像" }).count()).toBe(0);
    chooser = page.waitForEvent("filechooser");
    await buttonShowing(row, /换头像/).click();
    await (await chooser).setFiles({
      name: "face.jpg",
      mimeType: "image/jpeg",
      buffer: mediaSamples.jpg(4096),
    });
    await page.getByText("已更新“退款组”的头像。").waitFor();
    const listed = await t.server.api<{ items: { account: string; avatarUrl: string }[] }>(
      "GET",
      `/accounts/${service.appId}/kf-accounts`,
    );
    const avatarUrl = listed.body.items.find((a) => a.account === "refund@shop")?.avatarUrl ?? "";
    expect(avatarUrl).toMatch(/^http:\/\/mmbiz\.qpic\.cn\//);
    await expect
      .poll(() => row.getByRole("img", { name: "“退款组”的头像" }).getAttribute("src"))
      .toBe(avatarUrl.replace(/^http:/, "https:"));
    await page.getByRole("button", { name: "添加规则" }).click();
    await page.getByLabel("值").fill("退款");
    await page.getByRole("button", { name: "保存规则" }).click();
    await page.getByText("已保存 1 条转接规则。").waitFor();

    const preview = await t.server.api<{ kfAccount: string | null }>(
      "POST",
      `/accounts/${service.appId}/kf-routing/preview`,
      { openid: "o-anyone", keyword: "我要退款" },
    );
    expect(preview.body.kfAccount).toBe("refund@shop");
    t.watched.assertClean();
  });
});
