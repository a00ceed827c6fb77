import { describe, expect, it } from "vitest";
import {
  type ApiCallerAccount,
  type ApiRule,
  apiPathOf,
  apiRuleFor,
  apiRules,
  decideApiAccess,
} from "./api-rules.js";
import { permissionSets } from "./permissions.js";

const verifiedService: ApiCallerAccount = {
  kind: "service",
  verified: true,
  grantedPermissionSets: "all",
  viaComponent: false,
};

function account(overrides: Partial<ApiCallerAccount>): ApiCallerAccount {
  return { ...verifiedService, ...overrides };
}

describe("apiRules", () => {
  it("has one rule per path", () => {
    const paths = apiRules.map((rule) => rule.path);
    expect(new Set(paths).size).toBe(paths.length);
  });

  it("covers every API path WeChat's facts name", () => {
    const paths = [
      "/cgi-bin/token",
      "/cgi-bin/stable_token",
      "/cgi-bin/menu/create",
      "/cgi-bin/menu/get",
      "/cgi-bin/menu/delete",
      "/cgi-bin/menu/addconditional",
      "/cgi-bin/menu/delconditional",
      "/cgi-bin/menu/trymatch",
      "/cgi-bin/get_current_selfmenu_info",
      "/cgi-bin/qrcode/create",
      "/cgi-bin/user/get",
      "/cgi-bin/user/info",
      "/cgi-bin/user/info/batchget",
      "/cgi-bin/tags/get",
      "/cgi-bin/message/custom/send",
      "/cgi-bin/message/template/send",
      "/cgi-bin/template/get_all_private_template",
      "/cgi-bin/message/mass/sendall",
      "/cgi-bin/message/mass/send",
      "/cgi-bin/message/mass/preview",
      "/cgi-bin/message/mass/get",
      "/cgi-bin/message/mass/delete",
      "/cgi-bin/message/subscribe/send",
      "/wxaapi/newtmpl/gettemplate",
      "/cgi-bin/clear_quota",
      "/cgi-bin/openapi/quota/get",
      "/cgi-bin/openapi/rid/get",
      "/cgi-bin/component/api_component_token",
      "/cgi-bin/component/api_query_auth",
    ];
    for (const path of paths) expect(apiRuleFor(path), path).toBeDefined();
  });

  it("only names documented permission sets", () => {
    const known = new Set(permissionSets.map((set) => set.id));
    for (const rule of apiRules) {
      for (const id of rule.permissionSets) expect(known.has(id), `${rule.path} → ${id}`).toBe(true);
    }
  });

  it("follows WeChat's rule of thumb for permission sets", () => {
    expect(apiRuleFor("/cgi-bin/menu/create")?.permissionSets).toEqual([15]);
    expect(apiRuleFor("/cgi-bin/qrcode/create")?.permissionSets).toEqual([3]);
    expect(apiRuleFor("/cgi-bin/user/get")?.permissionSets).toEqual([2]);
    expect(apiRuleFor("/cgi-bin/tags/create")?.permissionSets).toEqual([2]);
    expect(apiRuleFor("/cgi-bin/message/custom/send")?.permissionSets).toEqual([1]);
    expect(apiRuleFor("/cgi-bin/message/template/send")?.permissionSets).toEqual([7]);
    expect(apiRuleFor("/cgi-bin/message/mass/sendall")?.permissionSets).toEqual([7]);
    expect(apiRuleFor("/cgi-bin/material/add_material")?.permissionSets).toEqual([11]);
    expect(apiRuleFor("/cgi-bin/clear_quota")?.permissionSets).toEqual([]);
  });
});

describe("apiRuleFor", () => {
  it("ignores the query, the host and a trailing slash", () => {
    expect(apiRuleFor("/cgi-bin/menu/create?access_token=abc")?.path).toBe("/cgi-bin/menu/create");
    expect(apiRuleFor("https://api.weixin.qq.com/cgi-bin/user/get?next_openid=")?.path).toBe(
      "/cgi-bin/user/get",
    );
    expect(apiRuleFor("/cgi-bin/menu/get/")?.path).toBe("/cgi-bin/menu/get");
    expect(apiPathOf("http://127.0.0.1:8080")).toBe("/");
  });

  it("knows nothing of other paths", () => {
    expect(apiRuleFor("/cgi-bin/menu")).toBeUndefined();
    expect(apiRuleFor("/cgi-bin/unknown/thing")).toBeUndefined();
  });

  it("reads a custom table when given one", () => {
    const custom: ApiRule[] = [
      {
        path: "/x",
        method: "GET",
        caller: "account",
        permissionSets: [2],
        accountKinds: ["service"],
        verification: "none",
      },
    ];
    expect(apiRuleFor("/x?y=1", custom)?.permissionSets).toEqual([2]);
    expect(apiRuleFor("/cgi-bin/menu/create", custom)).toBeUndefined();
  });
});

describe("decideApiAccess", () => {
  it("allows a verified service account with its own token everything", () => {
    for (const rule of apiRules.filter(
      (r) => !r.accountKinds.includes("miniprogram") || r.caller === "component",
    )) {
      expect(decideApiAccess(rule.path, verifiedService), rule.path).toEqual({ allowed: true });
    }
  });

  it("answers 61007 for a permission set the account did not grant the platform", () => {
    const viaPlatform = account({ grantedPermissionSets: [1, 2, 3], viaComponent: true });
    expect(decideApiAccess("/cgi-bin/menu/create", viaPlatform)).toEqual({
      allowed: false,
      errcode: 61007,
      reason: "permission_set_not_granted",
    });
    expect(decideApiAccess("/cgi-bin/qrcode/create", viaPlatform)).toEqual({ allowed: true });
  });

  it("answers 48001 for a missing permission set on a direct call", () => {
    expect(decideApiAccess("/cgi-bin/menu/create", account({ grantedPermissionSets: [1] }))).toEqual({
      allowed: false,
      errcode: 48001,
      reason: "permission_set_not_granted",
    });
  });

  it("accepts any one of several permission sets", () => {
    const miniprogram = account({ kind: "miniprogram", verified: false, viaComponent: true });
    const path = "/cgi-bin/message/subscribe/send";
    expect(decideApiAccess(path, { ...miniprogram, grantedPermissionSets: [19] })).toEqual({ allowed: true });
    expect(decideApiAccess(path, { ...miniprogram, grantedPermissionSets: [17] })).toEqual({ allowed: true });
    expect(decideApiAccess(path, { ...miniprogram, grantedPermissionSets: [30] })).toMatchObject({
      errcode: 61007,
    });
  });

  it("needs no permission set where the rule names none", () => {
    const viaPlatform = account({ grantedPermissionSets: [], viaComponent: true });
    expect(decideApiAccess("/cgi-bin/clear_quota", viaPlatform)).toEqual({ allowed: true });
  });

  it("answers 48001 for the wrong account kind", () => {
    const subscription = account({ kind: "subscription" });
    expect(decideApiAccess("/cgi-bin/message/template/send", subscription)).toEqual({
      allowed: false,
      errcode: 48001,
      reason: "account_kind",
    });
    expect(decideApiAccess("/cgi-bin/qrcode/create", subscription)).toMatchObject({ reason: "account_kind" });
    expect(decideApiAccess("/cgi-bin/message/mass/send", subscription)).toMatchObject({
      reason: "account_kind",
    });
    expect(decideApiAccess("/cgi-bin/message/mass/sendall", subscription)).toEqual({ allowed: true });
    expect(decideApiAccess("/cgi-bin/menu/create", account({ kind: "miniprogram" }))).toMatchObject({
      errcode: 48001,
      reason: "account_kind",
    });
    expect(decideApiAccess("/cgi-bin/message/subscribe/send", verifiedService)).toMatchObject({
      reason: "account_kind",
    });
  });

  it("answers 48001 to unverified accounts for verified-only APIs", () => {
    const unverifiedService = account({ verified: false });
    for (const path of [
      "/cgi-bin/message/template/send",
      "/cgi-bin/qrcode/create",
      "/cgi-bin/message/custom/send",
      "/cgi-bin/message/mass/sendall",
      "/cgi-bin/user/get",
      "/cgi-bin/material/add_material",
    ]) {
      expect(decideApiAccess(path, unverifiedService), path).toEqual({
        allowed: false,
        errcode: 48001,
        reason: "not_verified",
      });
    }
  });

  it("opens menus to every service account and to verified subscription accounts only", () => {
    expect(decideApiAccess("/cgi-bin/menu/create", account({ verified: false }))).toEqual({ allowed: true });
    expect(decideApiAccess("/cgi-bin/menu/create", account({ kind: "subscription" }))).toEqual({
      allowed: true,
    });
    expect(
      decideApiAccess("/cgi-bin/menu/create", account({ kind: "subscription", verified: false })),
    ).toEqual({
      allowed: false,
      errcode: 48001,
      reason: "not_verified",
    });
  });

  it("lets unverified accounts fetch tokens and check their quota", () => {
    const unverified = account({ kind: "subscription", verified: false });
    expect(decideApiAccess("/cgi-bin/token", unverified)).toEqual({ allowed: true });
    expect(decideApiAccess("/cgi-bin/openapi/quota/get", unverified)).toEqual({ allowed: true });
  });

  it("stops banned, cancelled and frozen accounts before anything else", () => {
    expect(decideApiAccess("/cgi-bin/menu/create", account({ status: 16 }))).toEqual({
      allowed: false,
      errcode: 48004,
      reason: "account_suspended",
    });
    expect(decideApiAccess("/cgi-bin/menu/create", account({ status: 14 }))).toEqual({
      allowed: false,
      errcode: 50002,
      reason: "account_suspended",
    });
    expect(
      decideApiAccess("/cgi-bin/token", account({ status: 19, grantedPermissionSets: [] })),
    ).toMatchObject({
      errcode: 50002,
      reason: "account_suspended",
    });
  });

  it("lets warned and normal accounts through", () => {
    expect(decideApiAccess("/cgi-bin/menu/create", account({ status: 18 }))).toEqual({ allowed: true });
    expect(decideApiAccess("/cgi-bin/menu/create", account({ status: 1 }))).toEqual({ allowed: true });
  });

  it("checks the permission set before kind and verification", () => {
    const unverifiedSubscription = account({
      kind: "subscription",
      verified: false,
      grantedPermissionSets: [1],
      viaComponent: true,
    });
    expect(decideApiAccess("/cgi-bin/message/template/send", unverifiedSubscription)).toMatchObject({
      errcode: 61007,
    });
  });

  it("checks the kind before verification", () => {
    expect(
      decideApiAccess("/cgi-bin/message/template/send", account({ kind: "subscription", verified: false })),
    ).toMatchObject({ reason: "account_kind" });
  });

  it("allows paths without a rule and the platform's own APIs", () => {
    const nothing = account({
      kind: "subscription",
      verified: false,
      grantedPermissionSets: [],
      viaComponent: true,
    });
    expect(decideApiAccess("/cgi-bin/unknown", nothing)).toEqual({ allowed: true });
    expect(decideApiAccess("/cgi-bin/component/api_query_auth", nothing)).toEqual({ allowed: true });
  });

  it("decides from a custom table when given one", () => {
    const custom: ApiRule[] = [
      {
        path: "/cgi-bin/message/subscribe/send",
        method: "POST",
        caller: "account",
        permissionSets: [18],
        accountKinds: ["miniprogram"],
        verification: "none",
      },
    ];
    const miniprogram = account({ kind: "miniprogram", grantedPermissionSets: [18], viaComponent: true });
    expect(decideApiAccess("/cgi-bin/message/subscribe/send", miniprogram, custom)).toEqual({
      allowed: true,
    });
    expect(decideApiAccess("/cgi-bin/message/subscribe/send", miniprogram)).toMatchObject({ errcode: 61007 });
  });
});
