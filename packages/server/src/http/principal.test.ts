import { describe, expect, it } from "vitest";
import { hasScope, type Principal, type Scope } from "./principal.js";

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
