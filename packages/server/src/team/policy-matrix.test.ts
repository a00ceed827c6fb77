import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionCatalogOf } from "../http/app.js";
import type { Route } from "../http/route.js";
import {
  type ActionCatalog,
  decide,
  type Membership,
  type PermissionSwitch,
  type PolicySubject,
  permissionSwitches,
} from "../platform/policy.js";
import { moduleFactories } from "../registry.js";
import { createTestServer, type TestServer } from "../testing/server.js";

/**
 * The policy matrix: every route of the real route table × every kind of caller (owner, admin,
 * a department's admin, an account's super admin, an operator with each one switch on, one
 * with none, a member of no account, API keys) × an account of theirs and another → allowed or
 * which 403. The expectations come from the table below, written by hand: an action missing
 * from it — a new route's — fails the test, so whoever adds one decides who may take it.
 */

type Rule =
  /** Every authenticated caller. */
  | { kind: "everyone" }
  /** Every console session (never an API key). */
  | { kind: "session" }
  /** The owner and administrators of the whole platform (not a department's). */
  | { kind: "platform" }
  /** Administrators, a department's on its accounts; no member. */
  | { kind: "admins" }
  /** Administrators; a member by the switch (an operator) on the account. */
  | { kind: "switch"; switch: PermissionSwitch; risk?: true }
  /** Administrators; a member who is the account's super admin. */
  | { kind: "super_admin"; risk: true };

const rules: Record<string, Rule> = {
  "auth.self.read": { kind: "everyone" },
  "auth.session.manage": { kind: "session" },
  "auth.security.manage": { kind: "session" },
  "auth.totp.disable": { kind: "session" },
  "auth.email.change": { kind: "session" },
  "auth.keys.manage": { kind: "platform" },
  "auth.admins.manage": { kind: "platform" },
  "tokens.read": { kind: "platform" },
  "tokens.invalidate": { kind: "platform" },
  "accounts.read": { kind: "switch", switch: "account.view" },
  "accounts.connect": { kind: "platform" },
  "accounts.authorize": { kind: "platform" },
  "accounts.update": { kind: "switch", switch: "account.settings" },
  "accounts.enable": { kind: "switch", switch: "account.settings" },
  "accounts.disable": { kind: "switch", switch: "account.settings" },
  "accounts.quota.reset": { kind: "switch", switch: "account.settings" },
  "accounts.delete": { kind: "switch", switch: "account.settings", risk: true },
  "accounts.settings.manage": { kind: "platform" },
  "accounts.secrets.reveal": { kind: "super_admin", risk: true },
  "notifications.read": { kind: "session" },
  "notifications.mark": { kind: "session" },
  "risk.settings.read": { kind: "switch", switch: "account.view" },
  "risk.settings.manage": { kind: "super_admin", risk: true },
  "risk.review.read": { kind: "admins" },
  "events.read": { kind: "switch", switch: "account.view" },
  "webhooks.read": { kind: "switch", switch: "account.view" },
  "webhooks.manage": { kind: "switch", switch: "account.settings", risk: true },
  "audit.read": { kind: "admins" },
  "team.members.read": { kind: "switch", switch: "account.view" },
  "team.members.manage": { kind: "super_admin", risk: true },
  "team.superadmin.transfer": { kind: "super_admin", risk: true },
  "team.invitations.respond": { kind: "session" },
  "team.departments.manage": { kind: "platform" },
  "materials.read": { kind: "switch", switch: "materials" },
  "materials.manage": { kind: "switch", switch: "materials" },
  "kf.read": { kind: "switch", switch: "messages.reply" },
  "kf.accounts.manage": { kind: "switch", switch: "account.settings" },
  "kf.routing.manage": { kind: "switch", switch: "messages.reply" },
  "menus.read": { kind: "switch", switch: "menus" },
  "menus.publish": { kind: "switch", switch: "menus" },
  "qrcodes.read": { kind: "switch", switch: "qrcodes" },
  "qrcodes.manage": { kind: "switch", switch: "qrcodes" },
  "automation.read": { kind: "switch", switch: "replies.auto" },
  "automation.manage": { kind: "switch", switch: "replies.auto" },
  "followers.read": { kind: "switch", switch: "followers" },
  "followers.sync": { kind: "switch", switch: "followers" },
  "followers.update": { kind: "switch", switch: "followers" },
  "followers.tags.manage": { kind: "switch", switch: "followers" },
  "campaigns.read": { kind: "switch", switch: "campaigns.create" },
  "campaigns.create": { kind: "switch", switch: "campaigns.create" },
  "campaigns.send": { kind: "switch", switch: "campaigns.send" },
  "campaigns.approve": { kind: "super_admin", risk: true },
};

const MINE = "wx0000000000000001";
const OTHER = "wx0000000000000002";

interface Caller {
  name: string;
  subject: PolicySubject;
}

const member = (kind: Membership["kind"], switches: readonly PermissionSwitch[]): PolicySubject => ({
  via: "session",
  role: "member",
  reach: { all: true },
  memberships: new Map([[MINE, { kind, switches: new Set(switches) }]]),
});

const callers: Caller[] = [
  { name: "owner", subject: { via: "session", role: "owner", reach: { all: true }, memberships: null } },
  { name: "admin", subject: { via: "session", role: "admin", reach: { all: true }, memberships: null } },
  {
    name: "department admin",
    subject: {
      via: "session",
      role: "admin",
      reach: { all: false, appIds: new Set([MINE]) },
      memberships: null,
    },
  },
  { name: "super admin", subject: member("super_admin", []) },
  ...permissionSwitches.map((s) => ({
    name: `long-term operator with ${s}`,
    subject: member("long_term", [s]),
  })),
  ...permissionSwitches.map((s) => ({
    name: `short-term operator with ${s}`,
    subject: member("short_term", [s]),
  })),
  { name: "operator with every switch", subject: member("long_term", permissionSwitches) },
  { name: "operator with no switch", subject: member("long_term", []) },
  {
    name: "member of no account",
    subject: { via: "session", role: "member", reach: { all: true }, memberships: new Map() },
  },
  { name: "CLI", subject: { via: "cli", role: "admin", reach: { all: true }, memberships: null } },
];

/** What the table says of one caller, one action, on `appId` (undefined: not about one account). */
function expected(caller: PolicySubject, rule: Rule, appId: string | undefined): string {
  const reached = appId === undefined || caller.reach.all || caller.reach.appIds.has(appId);
  const inReach = reached ? "allowed" : "out_of_reach";
  if (rule.kind === "everyone") return inReach;
  if (rule.kind === "session") return caller.via === "session" ? inReach : "session_required";
  if (caller.via === "cli") return inReach;
  if (caller.role !== "member") {
    if (rule.kind === "platform" && !caller.reach.all) return "role_required";
    return inReach;
  }
  if (rule.kind === "platform" || rule.kind === "admins") return "role_required";
  const memberships = [...(caller.memberships ?? new Map<string, Membership>())];
  const on = memberships.filter(([id]) => appId === undefined || id === appId);
  if (appId !== undefined && on.length === 0) return "out_of_reach";
  const verdicts = on.map(([, m]) => {
    if (m.kind === "super_admin") return "allowed";
    if (rule.kind === "super_admin") return "risk_not_permitted";
    if (rule.risk) return "risk_not_permitted";
    return m.switches.has(rule.switch) ? "allowed" : `switch_off:${rule.switch}`;
  });
  if (verdicts.includes("allowed")) return "allowed";
  return verdicts[0] ?? (rule.kind === "switch" ? `switch_off:${rule.switch}` : "super_admin_required");
}

let server: TestServer;
let routes: Route[];
let catalog: ActionCatalog;

beforeAll(async () => {
  server = await createTestServer({ modules: moduleFactories });
  routes = server.modules.flatMap((m) => m.routes ?? []);
  catalog = actionCatalogOf(server.modules);
});
afterAll(async () => {
  await server.dispose();
});

describe("the policy matrix", () => {
  it("has a rule for every action a route takes", () => {
    const missing = routes.filter((r) => r.action !== "public" && !(r.action in rules)).map((r) => r.action);
    expect(missing).toEqual([]);
    expect(Object.keys(rules).sort()).toEqual([...catalog.names].sort());
  });

  it("decides every route for every caller, on their account and another, as the table says", () => {
    const differences: string[] = [];
    let cells = 0;
    for (const route of routes) {
      if (route.action === "public") continue;
      const rule = rules[route.action]!;
      const accounts = route.account ? [MINE, OTHER] : [undefined];
      for (const caller of callers) {
        for (const appId of accounts) {
          const decision = decide(catalog, caller.subject, route.action, appId);
          const got = decision.allowed
            ? "allowed"
            : decision.reason === "switch_off"
              ? `switch_off:${decision.switch}`
              : decision.reason;
          const want = expected(caller.subject, rule, appId);
          cells++;
          if (got !== want)
            differences.push(
              `${route.method} ${route.url} · ${caller.name} · ${appId ?? "-"}: ${got}, not ${want}`,
            );
        }
      }
    }
    expect(differences).toEqual([]);
    expect(cells).toBeGreaterThan(2000);
  });

  it("lets an API key take what its scopes grant, on every account, and never a session's action", () => {
    const key = (scopes: Parameters<ActionCatalog["actionsOfScopes"]>[0]): PolicySubject => ({
      via: "api_key",
      role: null,
      reach: { all: true },
      memberships: null,
      actions: catalog.actionsOfScopes(scopes),
    });
    for (const route of routes) {
      if (route.action === "public") continue;
      const admin = decide(catalog, key(["admin"]), route.action, route.account ? OTHER : undefined);
      const sessionOnly = rules[route.action]!.kind === "session";
      expect(admin).toEqual(sessionOnly ? { allowed: false, reason: "session_required" } : { allowed: true });
    }
    expect(decide(catalog, key(["accounts:read"]), "accounts.enable", MINE)).toEqual({
      allowed: false,
      reason: "not_permitted",
    });
  });

  it("fails for an action no policy declares", () => {
    expect(() => decide(catalog, callers[0]!.subject, "accounts.fly")).toThrow(/unknown action/);
  });
});
