import { isSuspendedStatus } from "@wxgate/wechat";
import { z } from "zod";
import { type Ability, type Actor, definePolicy, permits } from "../platform/policy.js";
import { type LifecyclePolicy, type LifecycleState, lifecycleOf } from "./lifecycle.js";
import type { AccountRow } from "./repository.js";

/** What may be done with accounts (授权管理), and which API-key scopes grant it. */
export const accountsPolicy = definePolicy("accounts", {
  "accounts.read": {
    summary: "See accounts, their lifecycle, quota resets, notices and call log",
    scopes: ["accounts:read", "accounts:write"],
    switch: "account.view",
  },
  "accounts.connect": {
    summary: "Connect an account directly (AppSecret) or through a token server",
    scopes: ["accounts:write"],
    platform: true,
    // Entering or replacing an AppSecret (seed 002: changing the AppSecret is a risk operation).
    risk: true,
  },
  "accounts.authorize": {
    summary: "Create platform authorization links, for a new account or to update one",
    scopes: ["accounts:write"],
    platform: true,
  },
  "accounts.update": {
    summary:
      "Change an account's settings: OpenID mapping, required permission sets, authorization end, mini program configs, profile",
    scopes: ["accounts:write"],
    switch: "account.settings",
  },
  "accounts.enable": { summary: "Enable an account", scopes: ["accounts:write"], switch: "account.settings" },
  "accounts.disable": {
    summary: "Disable an account",
    scopes: ["accounts:write"],
    switch: "account.settings",
  },
  "accounts.quota.reset": {
    summary: "Reset an account's API quotas (clear_quota)",
    scopes: ["accounts:write"],
    switch: "account.settings",
  },
  "accounts.delete": {
    summary: "Delete an account and everything kept for it",
    scopes: ["accounts:write"],
    switch: "account.settings",
    risk: true,
  },
  "accounts.secrets.reveal": {
    summary: "View an account's AppSecret, Token or EncodingAESKey, once per confirmation",
    scopes: [],
    superAdmin: true,
    risk: true,
  },
  "accounts.settings.manage": {
    summary: "Change the minimum permission sets every account must grant",
    scopes: [],
    platform: true,
    risk: true,
  },
});
/** This module's actions, by name. */
export type AccountAction = keyof typeof accountsPolicy.actions;

declare module "../platform/policy.js" {
  interface Actions extends Record<AccountAction, true> {}
}

/** What the account rules read: the account view holds every field, and so does a fresh view of a row. */
export interface AccountFacts {
  appId: string;
  kind: "subscription" | "service" | "miniprogram";
  connection: "component" | "direct" | "external";
  authorizationState: "authorized" | "unauthorized";
  accountStatus: number | null;
  lifecycle: { state: LifecycleState };
  enableChecks: { verified: boolean; permissionSets: boolean; openIdMapping: boolean };
}

/** What the rules about connection and authorization read of a row. */
export function rowFacts(row: AccountRow): Pick<AccountFacts, "connection" | "authorizationState"> {
  return { connection: row.connection, authorizationState: row.authorization_state };
}

/** {@link rowFacts} with the lifecycle at `now`, for the rules that read it (deletion). */
export function rowFactsAt(
  row: AccountRow,
  now: number,
  policy: LifecyclePolicy,
): Pick<AccountFacts, "connection" | "authorizationState" | "lifecycle"> {
  return { ...rowFacts(row), lifecycle: lifecycleOf(row, now, policy) };
}

/** Counts the rules read besides the account itself. */
export interface AccountCounts {
  /** Successful quota resets of this account this Beijing month. */
  quotaResetsUsed: number;
  quotaResetsLimit: number;
  /** Authorization requests the platform may still start this Beijing month. */
  authorizationRequestsRemaining: number;
}

/** Why an operation on an account is refused by its state; the same words as the service's `details.reason`. */
export type AccountRefusal =
  | "account_unauthorized"
  | "authorization_lapsed"
  | "account_suspended"
  | "enable_checks_failed"
  | "still_authorized"
  | "cooling_off"
  | "not_component"
  | "not_miniprogram"
  | "quota_reset_limit"
  | "authorization_request_limit";

/** Enabling: authorized, not lapsed, not suspended, and the three enable checks pass. */
export function enableRefusal(account: AccountFacts): AccountRefusal | undefined {
  if (account.authorizationState !== "authorized") return "account_unauthorized";
  if (account.lifecycle.state === "lapsed") return "authorization_lapsed";
  if (account.accountStatus !== null && isSuspendedStatus(account.accountStatus)) return "account_suspended";
  const checks = account.enableChecks;
  if (!checks.verified || !checks.permissionSets || !checks.openIdMapping) return "enable_checks_failed";
  return undefined;
}

/**
 * Deleting: a platform account must have withdrawn its authorization on WeChat's side and be
 * past its cooling-off; direct and external connections may always go. (The typed name is
 * the request's part, not the account's.)
 */
export function deleteRefusal(
  account: Pick<AccountFacts, "connection" | "authorizationState" | "lifecycle">,
): AccountRefusal | undefined {
  if (account.connection === "component" && account.authorizationState === "authorized") {
    return "still_authorized";
  }
  if (account.lifecycle.state === "cooling_off") return "cooling_off";
  return undefined;
}

/**
 * A call to WeChat with the account's token: the token service refuses it once the account
 * withdrew its authorization, or its authorization ended (the same reasons it answers).
 */
export function tokenUseRefusal(
  account: Pick<AccountFacts, "authorizationState" | "lifecycle">,
): AccountRefusal | undefined {
  if (account.authorizationState !== "authorized") return "account_unauthorized";
  if (account.lifecycle.state === "lapsed") return "authorization_lapsed";
  return undefined;
}

/** WeChat allows a limited number of clear_quota calls a month; the one over it is refused here. */
export function quotaResetRefusal(counts: Pick<AccountCounts, "quotaResetsUsed" | "quotaResetsLimit">) {
  return counts.quotaResetsUsed >= counts.quotaResetsLimit ? ("quota_reset_limit" as const) : undefined;
}

/** An authorization update is a new pre-auth link for a platform account: it spends one of the month's. */
export function authorizationUpdateRefusal(
  account: Pick<AccountFacts, "connection">,
  counts: Pick<AccountCounts, "authorizationRequestsRemaining">,
): AccountRefusal | undefined {
  if (account.connection !== "component") return "not_component";
  if (counts.authorizationRequestsRemaining <= 0) return "authorization_request_limit";
  return undefined;
}

/** Moving the authorization's end: only a platform account that authorizes the platform has one. */
export function authorizationExpiryRefusal(
  account: Pick<AccountFacts, "connection" | "authorizationState">,
): AccountRefusal | undefined {
  if (account.connection !== "component") return "not_component";
  if (account.authorizationState !== "authorized") return "account_unauthorized";
  return undefined;
}

/** Reading the profile from WeChat again goes through the platform's authorization. */
export function refreshInfoRefusal(
  account: Pick<AccountFacts, "connection" | "authorizationState">,
): AccountRefusal | undefined {
  return account.connection !== "component" || account.authorizationState !== "authorized"
    ? "not_component"
    : undefined;
}

/** Only a mini program has a send config. */
export function sendConfigRefusal(account: Pick<AccountFacts, "kind">): AccountRefusal | undefined {
  return account.kind !== "miniprogram" ? "not_miniprogram" : undefined;
}

/**
 * What an operator can do with one account: each entry pairs the action it needs with the
 * state rule the service enforces, so a console shows the same verdict the API would give.
 */
const abilityRules = {
  enable: { action: "accounts.enable", refusal: (a) => enableRefusal(a) },
  disable: { action: "accounts.disable", refusal: () => undefined },
  delete: { action: "accounts.delete", refusal: (a) => deleteRefusal(a) },
  // The month's count first, as the service checks it before asking for a token.
  resetQuota: {
    action: "accounts.quota.reset",
    refusal: (a, c) => quotaResetRefusal(c) ?? tokenUseRefusal(a),
  },
  updateAuthorization: { action: "accounts.authorize", refusal: (a, c) => authorizationUpdateRefusal(a, c) },
  setAuthorizationExpiry: { action: "accounts.update", refusal: (a) => authorizationExpiryRefusal(a) },
  syncProfile: { action: "accounts.update", refusal: (a) => refreshInfoRefusal(a) },
  setOpenIdMapping: { action: "accounts.update", refusal: () => undefined },
  setRequiredPermissionSets: { action: "accounts.update", refusal: () => undefined },
  setSendConfig: { action: "accounts.update", refusal: (a) => sendConfigRefusal(a) },
  setReceiptConfig: { action: "accounts.update", refusal: () => undefined },
} satisfies Record<
  string,
  {
    action: AccountAction;
    refusal: (account: AccountFacts, counts: AccountCounts) => AccountRefusal | undefined;
  }
>;
export type AccountAbility = keyof typeof abilityRules;

/** The abilities of an actor on an account; a missing permission reads `not_permitted`. */
export function accountAbilities(
  actor: Actor,
  account: AccountFacts,
  counts: AccountCounts,
): Record<AccountAbility, Ability> {
  const abilities = {} as Record<AccountAbility, Ability>;
  for (const [name, rule] of Object.entries(abilityRules) as [
    AccountAbility,
    (typeof abilityRules)[AccountAbility],
  ][]) {
    const refusal = !permits(actor, rule.action, account.appId)
      ? "not_permitted"
      : rule.refusal(account, counts);
    abilities[name] = refusal === undefined ? { allowed: true } : { allowed: false, reason: refusal };
  }
  return abilities;
}

const abilityView = z.object({
  allowed: z.boolean(),
  reason: z
    .string()
    .optional()
    .describe("Why not: `not_permitted`, or the refusal's `details.reason` the API would answer."),
});

/** The `abilities` of an account view. */
export const accountAbilitiesView = z
  .object(
    Object.fromEntries(Object.keys(abilityRules).map((name) => [name, abilityView])) as Record<
      AccountAbility,
      typeof abilityView
    >,
  )
  .describe(
    "What the caller can do with this account now, by the rules the API enforces: a console never re-derives them.",
  );
