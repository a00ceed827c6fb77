import { describe, expect, it } from "vitest";
import { enabledDemoAccount } from "./support/accounts.js";
import { auditScreen, buttonShowing, WatchedPage } from "./support/browser.js";
import { uploadPermanentImage } from "./support/materials.js";
import { startServer } from "./support/server.js";
import { signInThroughPage } from "./support/session.js";
import { consoleSuite } from "./support/suite.js";

const t = consoleSuite();

describe("自动回复 (an account's automatic replies)", () => {
  it("creates a keyword rule, shows a broken WeChat rule beside its field, tests a message, and the follower gets the reply", {
    timeout: 300_000,
  }, async () => {
    t.server = await startServer();
    const service = await enabledDemoAccount(t.server);
    t.watched = await WatchedPage.open(t.browser, t.server.url);
    const { page } = t.watched;
    await signInThroughPage(t.watched, t.server);
    await t.watched.goto(`/accounts/${service.appId}`);
    await page.getByRole("link", { name: "自动回复" }).click();
    await page.getByRole("heading", { level: 1, name: `自动回复 · ${service.appId}` }).waitFor();
    await page.getByText("还没有自动回复规则。").waitFor();

    await page.getByRole("button", { name: "新建规则" }).click();
    const drawer = page.getByRole("dialog");
    await drawer.getByLabel("规则名称", { exact: true }).fill("价格");
    await drawer.getByRole("textbox", { name: "关键词" }).fill("价格\n=报价单");
    // 683 Chinese characters are 2049 bytes: one more than WeChat takes.
    await drawer.getByLabel("文字内容", { exact: true }).fill("价".repeat(683));
    await drawer.getByText("2049/2048 字节").waitFor();
    t.watched.expect({
      method: "POST",
      path: `/api/v1/accounts/${service.appId}/automation/rules`,
      status: 400,
    });
    await buttonShowing(drawer, /^保\s?存$/).click();
    await drawer.getByText("文字最多 2048 字节（一个汉字 3 字节）。").waitFor();

    await drawer.getByLabel("文字内容", { exact: true }).fill("价格见菜单“商城”。");
    await buttonShowing(drawer, /^保\s?存$/).click();
    await page.getByText("已保存规则。").waitFor();
    const row = page.getByRole("row", { name: /价格/ });
    await row.getByText("=报价单").waitFor();

    // The tester names the rule that would answer, without sending anything.
    await page.getByLabel("粉丝发送的文字").fill("请问价格多少");
    await buttonShowing(page, /^测\s?试$/).click();
    await page.getByRole("status").getByText(/价格/).waitFor();
    await auditScreen(t.watched, "automation");

    // A follower writes; the gateway answers with the rule's reply.
    const followed = await t.server.control<{ openId: string }>("POST", "/follower/follow", {
      appId: service.appId,
    });
    const sent = await t.server.control<{ push: { reply?: unknown } }>("POST", "/follower/send-text", {
      appId: service.appId,
      openId: followed.openId,
      content: "价格？",
    });
    expect(sent.push.reply).toEqual({ type: "text", content: "价格见菜单“商城”。" });
  });

  it("picks an uploaded image for a rule's image reply and a news reply's cover, and the follower gets that image", {
    timeout: 300_000,
  }, async () => {
    t.server = await startServer();
    const service = await enabledDemoAccount(t.server);
    t.watched = await WatchedPage.open(t.browser, t.server.url);
    const { page } = t.watched;
    await signInThroughPage(t.watched, t.server);

    // A permanent image, uploaded on the materials screen.
    const image = await uploadPermanentImage(t.watched, t.server, service.appId, "storefront.png");
    const mediaId = image.mediaId;

    // The rule's image reply takes it from the picker instead of a typed media_id.
    await t.watched.goto(`/accounts/${service.appId}/automation`);
    await page.getByText("还没有自动回复规则。").waitFor();
    await page.getByRole("button", { name: "新建规则" }).click();
    const drawer = page.getByRole("dialog");
    await drawer.getByLabel("规则名称", { exact: true }).fill("门店照片");
    await drawer.getByRole("textbox", { name: "关键词" }).fill("=门店");
    await drawer.getByRole("combobox", { name: "回复类型" }).focus();
    await page.keyboard.press("ArrowDown");
    await page.getByTitle("图片", { exact: true }).click();
    await drawer.getByRole("button", { name: "从素材库选择" }).click();
    const picker = page.getByRole("dialog").filter({ hasText: "选择素材 · 图片" });
    await picker.getByRole("button", { name: "选用“storefront.png”" }).click();
    await expect.poll(() => drawer.getByLabel("素材 media_id").inputValue()).toBe(mediaId);

    // A second reply, a news article, takes the permanent image's WeChat address as its cover.
    await drawer.getByRole("button", { name: "添加回复" }).click();
    await drawer.getByRole("combobox", { name: "回复类型" }).nth(1).focus();
    await page.keyboard.press("ArrowDown");
    await page.getByTitle("图文", { exact: true }).locator("visible=true").click();
    await drawer.getByLabel("标题", { exact: true }).fill("门店地址");
    await drawer.getByLabel("链接", { exact: true }).fill("https://example.com/store");
    await drawer.getByRole("button", { name: "从素材库选择" }).nth(1).click();
    await picker.getByRole("button", { name: "选用“storefront.png”" }).click();
    await expect.poll(() => drawer.getByLabel("封面图链接").inputValue()).toBe(image.url);
    await buttonShowing(drawer, /^保\s?存$/).click();
    await page.getByText("已保存规则。").waitFor();
    const saved = await t.server.api<{ items: { name: string; replies: unknown[] }[] }>(
      "GET",
      `/accounts/${service.appId}/automation/rules`,
    );
    expect(saved.body.items.find((r) => r.name === "门店照片")?.replies).toEqual([
      { type: "image", mediaId },
      { type: "news", title: "门店地址", url: "https://example.com/store", picUrl: image.url },
    ]);

    const followed = await t.server.control<{ openId: string }>("POST", "/follower/follow", {
      appId: service.appId,
    });
    const sent = await t.server.control<{ push: { reply?: unknown } }>("POST", "/follower/send-text", {
      appId: service.appId,
      openId: followed.openId,
      content: "门店",
    });
    expect(sent.push.reply).toEqual({ type: "image", mediaId });
    t.watched.assertClean();
  });
});
