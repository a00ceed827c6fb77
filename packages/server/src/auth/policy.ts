import { type Ability, type Actor, definePolicy } from "../platform/policy.js";

/** Sessions, API keys and the administrators who sign in. */
export const authPolicy = definePolicy("auth", {
  "auth.self.read": {
    summary: "See who the caller is and what it may do",
    scopes: [],
    everyone: true,
  },
  "auth.session.manage": {
    summary: "Read the console session (its CSRF token) and sign out",
    scopes: [],
    sessionOnly: true,
  },
  "auth.security.manage": {
    summary: "See and change one's own sign-in protection: TOTP, known devices",
    scopes: [],
    sessionOnly: true,
  },
  "auth.totp.disable": {
    // It weakens the user's sign-in: whoever holds a stolen session must know the password too.
    risk: true,
    summary: "Turn one's own TOTP off",
    scopes: [],
    sessionOnly: true,
  },
  "auth.email.change": {
    // Where new devices' sign-in codes go: a stolen session must not redirect them.
    risk: true,
    summary: "Change one's own e-mail address",
    scopes: [],
    sessionOnly: true,
  },
  "auth.keys.manage": { summary: "Create, list and revoke API keys", scopes: [], platform: true },
  "auth.admins.manage": {
    // Changing users, their roles and passwords (seed 002: changing members and permissions).
    risk: true,
    summary: "List users, add one, change one's role, profile or access, reset another's password",
    scopes: [],
    platform: true,
  },
});

/** This module's actions, by name. */
export type AuthAction = keyof typeof authPolicy.actions;

declare module "../platform/policy.js" {
  interface Actions extends Record<AuthAction, true> {}
}

/** Why an operation on a user is refused; the same word as the refusal's `details.reason`. */
export type AdminRefusal = "own_password" | "owner_protected" | "own_user";

/**
 * Changing a user's role or access (disable, enable): never the owner's, and never a session's
 * own (it would lock itself out, or raise itself).
 */
export function userChangeRefusal(
  actor: Pick<Actor, "via" | "userId">,
  user: { id: string; role: string },
): AdminRefusal | undefined {
  if (user.role === "owner") return "owner_protected";
  if (actor.via === "session" && actor.userId === user.id) return "own_user";
  return undefined;
}

/**
 * Resetting a password ends the user's sessions: a session may not reset its own user's, which
 * would sign itself out with a password it did not choose (another administrator resets it).
 */
export function passwordResetRefusal(
  actor: Pick<Actor, "via" | "userId">,
  userId: string,
): AdminRefusal | undefined {
  return actor.via === "session" && actor.userId === userId ? "own_password" : undefined;
}

/** What the actor can do with one administrator, by the rules the API enforces. */
export function adminAbilities(
  actor: Pick<Actor, "via" | "userId" | "actions">,
  user: { id: string; role: string },
): { resetPassword: Ability; changeAccess: Ability } {
  const ability = (refusal: string | undefined): Ability =>
    refusal === undefined ? { allowed: true } : { allowed: false, reason: refusal };
  const permitted = actor.actions.has("auth.admins.manage");
  return {
    resetPassword: ability(permitted ? passwordResetRefusal(actor, user.id) : "not_permitted"),
    changeAccess: ability(permitted ? userChangeRefusal(actor, user) : "not_permitted"),
  };
}
