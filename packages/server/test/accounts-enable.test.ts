import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type TestDatabase, testEngines } from "../src/testing/engines.js";
import { authorizeAccount, type SandboxHarness, startSandbox } from "./accounts-fixture.js";

let h: SandboxHarness;
let database: TestDatabase;

interface Failure {
  error: {
    code: string;
    details: { reason: string; failed: { check: string; missing?: { id: number }[] }[] };
  };
}

describe.each(testEngines)(
  "enabling an account (verified, minimum permission sets, OpenID mapping) on $name",
  (engine) => {
    beforeEach(async () => {
      database = await engine.database();
      h = await startSandbox({ env: database.env });
      expect(h.server.store.dialect).toBe(engine.name);
    });
    afterEach(async () => {
      await h.close();
      await database.dispose();
    });

    it("names every failed check, and passes once each is satisfied", async () => {
      const appId = h.demo.subscriptionAppId; // unverified in the demo world
      await authorizeAccount(h, appId, [1, 2, 3, 7]);

      const first = await h.api<Failure>("POST", `/accounts/${appId}/enable`);
      expect(first.status).toBe(409);
      expect(first.body.error.code).toBe("conflict");
      expect(first.body.error.details.reason).toBe("enable_checks_failed");
      expect(first.body.error.details.failed.map((f) => f.check)).toEqual([
        "verified",
        "permission_sets",
        "openid_mapping",
      ]);
      expect(first.body.error.details.failed[1]!.missing).toEqual([
        { id: 8, name: "微信卡券" },
        { id: 11, name: "素材管理" },
        { id: 15, name: "自定义菜单" },
      ]);

      // WeChat verifies the account; wxgate reads the profile again.
      h.server.sandbox!.core.world.account(appId)!.verifyType = 0;
      const refreshed = await h.api("POST", `/accounts/${appId}/refresh-info`);
      expect(refreshed.status).toBe(200);
      expect(refreshed.body).toMatchObject({ verified: true, verifyType: 0 });
      const second = await h.api<Failure>("POST", `/accounts/${appId}/enable`);
      expect(second.body.error.details.failed.map((f) => f.check)).toEqual([
        "permission_sets",
        "openid_mapping",
      ]);

      // The administrator updates the authorization and grants every set.
      const update = await h.api<{ pcUrl: string }>("POST", `/accounts/${appId}/authorization-update`);
      expect(update.status).toBe(201);
      expect(update.body.pcUrl).toContain(`biz_appid=${appId}`);
      const back = await h.authorizeThroughPages({ pcUrl: update.body.pcUrl, appId });
      expect(back.status).toBe(200);
      await h.settle();
      expect(h.pushOutcomes("info:updateauthorized")).toEqual(["success"]);
      const third = await h.api<Failure>("POST", `/accounts/${appId}/enable`);
      expect(third.body.error.details.failed.map((f) => f.check)).toEqual(["openid_mapping"]);

      const mapping = await h.api("PUT", `/accounts/${appId}/openid-mapping`, { property: "wechat_openid" });
      expect(mapping.status).toBe(200);
      expect(mapping.body).toMatchObject({ openIdMapping: "wechat_openid" });

      const enabled = await h.api("POST", `/accounts/${appId}/enable`);
      expect(enabled.status).toBe(200);
      expect(enabled.body).toMatchObject({
        enabled: true,
        enableChecks: { verified: true, permissionSets: true, openIdMapping: true },
        permissionSets: { missing: [] },
      });

      const disabled = await h.api("POST", `/accounts/${appId}/disable`);
      expect(disabled.body).toMatchObject({ enabled: false });
    });

    it("the minimum permission sets are a setting, and can be overridden per account", async () => {
      const appId = h.demo.serviceAppId;
      await authorizeAccount(h, appId, [1, 2]);
      const defaults = await h.api<{ official: { id: number }[] }>(
        "GET",
        "/settings/minimum-permission-sets",
      );
      expect(defaults.body.official.map((s) => s.id)).toEqual([1, 2, 3, 7, 8, 11, 15]);

      const changed = await h.api("PUT", "/settings/minimum-permission-sets", {
        official: [2, 1],
        miniprogram: [17],
      });
      expect(changed.body).toMatchObject({
        official: [{ id: 1 }, { id: 2 }],
        miniprogram: [{ id: 17, name: "获取小程序码" }],
      });
      const account = await h.api("GET", `/accounts/${appId}`);
      expect(account.body).toMatchObject({ permissionSets: { requiredSource: "setting", missing: [] } });
      // Changed again: the stored setting is replaced, not added to.
      await h.api("PUT", "/settings/minimum-permission-sets", { official: [1], miniprogram: [17, 19] });
      const reread = await h.api<{ official: { id: number }[]; miniprogram: { id: number }[] }>(
        "GET",
        "/settings/minimum-permission-sets",
      );
      expect(reread.body.official.map((s) => s.id)).toEqual([1]);
      expect(reread.body.miniprogram.map((s) => s.id)).toEqual([17, 19]);
      await h.api("PUT", "/settings/minimum-permission-sets", { official: [2, 1], miniprogram: [17] });

      const override = await h.api("PUT", `/accounts/${appId}/required-permission-sets`, { ids: [1, 2, 89] });
      expect(override.body).toMatchObject({
        permissionSets: { requiredSource: "account", missing: [{ id: 89, name: "服务号订阅通知" }] },
      });
    });
  },
);
