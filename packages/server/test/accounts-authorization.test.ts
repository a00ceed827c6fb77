import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type SandboxHarness, startSandbox } from "./accounts-fixture.js";

let h: SandboxHarness;
beforeEach(async () => {
  h = await startSandbox();
});
afterEach(async () => {
  await h.close();
});

describe("platform authorization through WeChat's pages (sandbox)", () => {
  it("creates a link with a QR code, follows the page and the redirect, stores the account with its permission sets", async () => {
    const link = await h.api<{ pcUrl: string; mobileUrl: string; qrCode: string; expiresAt: number }>(
      "POST",
      "/authorizations",
      { authType: 1 },
    );
    expect(link.status).toBe(201);
    expect(link.body.pcUrl).toContain(
      `${h.url}/sandbox/cgi-bin/componentloginpage?component_appid=${h.demo.componentAppId}`,
    );
    expect(link.body.pcUrl).toContain("auth_type=1");
    expect(link.body.mobileUrl).toMatch(
      /\/sandbox\/wxaopen\/safe\/bindcomponent\?action=bindcomponent&no_scan=1&.*#wechat_redirect$/,
    );
    expect(link.body.qrCode).toMatch(/^data:image\/png;base64,/);
    const png = Buffer.from(link.body.qrCode.split(",")[1]!, "base64");
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(link.body.expiresAt).toBe(h.server.clock.now() + 600_000);

    const back = await h.authorizeThroughPages({
      pcUrl: link.body.pcUrl,
      appId: h.demo.serviceAppId,
      funcScopes: [1, 2, 3, 7, 15],
    });
    expect(back.status).toBe(200);
    expect(back.html).toContain("授权成功");
    expect(back.html).toContain("示例服务号");
    // A way back to the console: the account's own page.
    expect(back.html).toContain(`href="/accounts/${h.demo.serviceAppId}"`);

    const account = await h.api("GET", `/accounts/${h.demo.serviceAppId}`);
    expect(account.status).toBe(200);
    expect(account.body).toMatchObject({
      appId: h.demo.serviceAppId,
      kind: "service",
      connection: "component",
      nickname: "示例服务号",
      principalName: "示例科技有限公司",
      serviceType: 2,
      verifyType: 0,
      verified: true,
      authorizationState: "authorized",
      enabled: false,
      openIdMapping: null,
      permissionSets: {
        applicable: true,
        requiredSource: "setting",
        granted: [
          { id: 1, name: "消息管理" },
          { id: 2, name: "用户管理" },
          { id: 3, name: "账号服务" },
          { id: 7, name: "群发与通知" },
          { id: 15, name: "自定义菜单" },
        ],
        missing: [
          { id: 8, name: "微信卡券" },
          { id: 11, name: "素材管理" },
        ],
      },
      enableChecks: { verified: true, permissionSets: false, openIdMapping: false },
      lastTokenError: null,
    });
    expect(account.body.originalId).toMatch(/^gh_[0-9a-f]{12}$/);
    // The presenter whitelists fields: nothing secret leaves, whatever it is called.
    const text = JSON.stringify(account.body);
    expect(text).not.toMatch(/secret|refresh|token_url|receipt_token|aes/i);

    // The exchange happened once, although both the redirect and the `authorized` push carried the code.
    await h.settle();
    expect(h.pushOutcomes("info:authorized")).toEqual(["success"]);
    expect(h.wechatCalls("/cgi-bin/component/api_query_auth")).toBe(1);
    const list = await h.api<{ items: { appId: string }[] }>("GET", "/accounts");
    expect(list.body.items.map((a) => a.appId)).toEqual([h.demo.serviceAppId]);
  });

  it("the redirect page refuses a missing or unknown state, and a used auth_code", async () => {
    const missing = await fetch(`${h.url}/wechat/authorized?auth_code=abc`);
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('href="/accounts"');
    const unknown = await fetch(`${h.url}/wechat/authorized?state=nope&auth_code=abc`);
    expect(unknown.status).toBe(404);
    const unknownHtml = await unknown.text();
    expect(unknownHtml).toContain("授权未完成");
    expect(unknownHtml).toContain('href="/accounts"');
  });

  it("bad input on the API is refused with stable codes", async () => {
    const malformed = await h.api("POST", "/authorizations", "{not json");
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ error: { code: "malformed_json" } });
    const wrongType = await h.api("POST", "/authorizations", { authType: 4 });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body).toMatchObject({ error: { code: "validation_failed" } });
    const unknown = await h.api("GET", "/accounts/wx0000000000000000");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: { code: "not_found" } });
    const badId = await h.api("GET", "/accounts/not-an-appid");
    expect(badId.status).toBe(400);
    expect(badId.body).toMatchObject({ error: { code: "validation_failed" } });
    const readOnly = await h.keyWith(["token:read"]);
    const forbidden = await h.api("POST", "/authorizations", {}, readOnly);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({ error: { code: "forbidden" } });
  });
});
