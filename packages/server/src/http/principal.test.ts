import { describe, expect, it } from "vitest";
import { accountsPolicy } from "../accounts/index.js";
import { authPolicy } from "../auth/index.js";
import { ActionCatalog } from "../platform/policy.js";
import { actorOf, hasScope, type Principal, type Scope } from "./principal.js";

function key(...scopes: Scope[]): Principal {
  return { kind: "api_key", id: "k", userId: null, name: "k", scopes };
}

describe("hasScope", () => {
  it("grants the scopes a key holds, every scope to admin, and reading accounts to who may change them", () => {
    expect(hasScope(key("token:read"), "token:read")).toBe(true);
    expect(hasScope(key("token:read"), "events:read")).toBe(false);
    expect(hasScope(key("admin"), "webhooks:write")).toBe(true);
    expect(hasScope(key("accounts:write"), "accounts:read")).toBe(true);
    expect(hasScope(key("accounts:read"), "accounts:write")).toBe(false);
  });
});

describe("actorOf", () => {
  const catalog = new ActionCatalog([accountsPolicy, authPolicy]);

  it("makes a console session an administrator reaching every account, with every action", () => {
    const actor = actorOf(
      { kind: "session", id: "u1", userId: "u1", name: "alice", scopes: ["admin"], sessionId: "s" },
      catalog,
    );
    expect(actor).toMatchObject({ via: "session", id: "u1", userId: "u1", name: "alice", role: "admin" });
    expect(actor.reach).toEqual({ all: true });
    expect([...actor.actions].sort()).toEqual([...catalog.names].sort());
  });

  it("gives the actor the reach its credential is limited to, every account otherwise", () => {
    const limited = actorOf(
      { ...key("accounts:read"), reach: { all: false, appIds: new Set(["wx1"]) } },
      catalog,
    );
    expect(limited.reach).toEqual({ all: false, appIds: new Set(["wx1"]) });
    expect(actorOf(key("accounts:read"), catalog).reach).toEqual({ all: true });
  });

  it("gives an API key no role and the actions of its scopes only", () => {
    const actor = actorOf(key("accounts:read"), catalog);
    expect(actor).toMatchObject({ via: "api_key", id: "k", role: null });
    expect([...actor.actions].sort()).toEqual(["accounts.read", "auth.self.read"]);
  });
});
