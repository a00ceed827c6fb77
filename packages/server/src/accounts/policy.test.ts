import { describe, expect, it } from "vitest";
import type { Actor } from "../platform/policy.js";
import { ActionCatalog } from "../platform/policy.js";
import {
  type AccountCounts,
  type AccountFacts,
  accountAbilities,
  accountsPolicy,
  enableRefusal,
} from "./policy.js";

const actionCatalog = new ActionCatalog([accountsPolicy]);

const ready: AccountFacts = {
  appId: "wx0000000000000001",
  kind: "service",
  connection: "component",
  authorizationState: "authorized",
  accountStatus: 1,
  lifecycle: { state: "active" },
  enableChecks: { verified: true, permissionSets: true, openIdMapping: true },
};
const counts: AccountCounts = {
  quotaResetsUsed: 0,
  quotaResetsLimit: 10,
  authorizationRequestsRemaining: 50,
};

const admin: Actor = {
  via: "session",
  id: "u",
  userId: "u",
  name: "root",
  role: "admin",
  actions: actionCatalog.actionsOfRole("admin"),
  reach: { all: true },
  grants: null,
};

function keyWith(...scopes: Parameters<typeof actionCatalog.actionsOfScopes>[0]): Actor {
  return { ...admin, via: "api_key", role: null, actions: actionCatalog.actionsOfScopes(scopes) };
}

function verdicts(actor: Actor, facts: AccountFacts, given: AccountCounts = counts) {
  return Object.fromEntries(
    Object.entries(accountAbilities(actor, facts, given)).map(([name, a]) => [
      name,
      a.allowed ? "yes" : a.reason,
    ]),
  );
}

describe("account abilities", () => {
  it("lets an administrator do everything a ready platform account allows, but delete it", () => {
    expect(verdicts(admin, ready)).toEqual({
      enable: "yes",
      disable: "yes",
      delete: "still_authorized",
      resetQuota: "yes",
      updateAuthorization: "yes",
      setAuthorizationExpiry: "yes",
      syncProfile: "yes",
      setOpenIdMapping: "yes",
      setRequiredPermissionSets: "yes",
      setSendConfig: "not_miniprogram",
      setReceiptConfig: "yes",
    });
  });

  it("freezes enabling and deletion in the cooling-off, and allows deletion after it", () => {
    const withdrawn = { ...ready, authorizationState: "unauthorized" as const };
    const frozen = verdicts(admin, { ...withdrawn, lifecycle: { state: "cooling_off" } });
    expect([frozen["enable"], frozen["delete"]]).toEqual(["account_unauthorized", "cooling_off"]);
    expect([frozen["setAuthorizationExpiry"], frozen["syncProfile"]]).toEqual([
      "account_unauthorized",
      "not_component",
    ]);
    const over = verdicts(admin, { ...withdrawn, lifecycle: { state: "unauthorized" } });
    expect([over["enable"], over["delete"]]).toEqual(["account_unauthorized", "yes"]);
  });

  it("refuses a quota reset where no token is served: withdrawn or lapsed, after the month's count", () => {
    const withdrawn = { ...ready, authorizationState: "unauthorized" as const };
    expect(verdicts(admin, { ...withdrawn, lifecycle: { state: "cooling_off" } })["resetQuota"]).toBe(
      "account_unauthorized",
    );
    expect(verdicts(admin, { ...ready, lifecycle: { state: "lapsed" } })["resetQuota"]).toBe(
      "authorization_lapsed",
    );
    expect(
      verdicts(admin, { ...ready, lifecycle: { state: "lapsed" } }, { ...counts, quotaResetsUsed: 10 })[
        "resetQuota"
      ],
    ).toBe("quota_reset_limit");
  });

  it("refuses the 11th quota reset of a month, and an authorization update once the month's requests are spent", () => {
    expect(verdicts(admin, ready, { ...counts, quotaResetsUsed: 9 })["resetQuota"]).toBe("yes");
    expect(verdicts(admin, ready, { ...counts, quotaResetsUsed: 10 })["resetQuota"]).toBe(
      "quota_reset_limit",
    );
    expect(
      verdicts(admin, ready, { ...counts, authorizationRequestsRemaining: 0 })["updateAuthorization"],
    ).toBe("authorization_request_limit");
    const direct = verdicts(admin, { ...ready, connection: "direct" });
    expect([direct["updateAuthorization"], direct["delete"], direct["setAuthorizationExpiry"]]).toEqual([
      "not_component",
      "yes",
      "not_component",
    ]);
  });

  it("refuses to enable a lapsed, suspended or unchecked account, in the service's order", () => {
    expect(enableRefusal({ ...ready, lifecycle: { state: "lapsed" } })).toBe("authorization_lapsed");
    expect(enableRefusal({ ...ready, accountStatus: 14 })).toBe("account_suspended");
    const missingSet = { ...ready, enableChecks: { ...ready.enableChecks, permissionSets: false } };
    expect(enableRefusal(missingSet)).toBe("enable_checks_failed");
    expect(enableRefusal({ ...missingSet, lifecycle: { state: "lapsed" } })).toBe("authorization_lapsed");
    expect(enableRefusal({ ...ready, lifecycle: { state: "expiring" } })).toBeUndefined();
  });

  it("answers not_permitted for what the caller's scopes do not grant, or an account out of its reach", () => {
    const reader = verdicts(keyWith("accounts:read"), ready);
    expect(new Set(Object.values(reader))).toEqual(new Set(["not_permitted"]));
    const writer = verdicts(keyWith("accounts:write"), ready);
    expect(writer["enable"]).toBe("yes");
    const elsewhere = { ...admin, reach: { all: false as const, appIds: new Set(["wx0000000000000002"]) } };
    expect(verdicts(elsewhere, ready)["enable"]).toBe("not_permitted");
  });
});
