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
  "auth.keys.manage": { summary: "Create, list and revoke API keys", scopes: [] },
  "auth.admins.manage": {
    summary: "List administrators, add one, reset another's password",
    scopes: [],
  },
});

/** This module's actions, by name. */
export type AuthAction = keyof typeof authPolicy.actions;

declare module "../platform/policy.js" {
  interface Actions extends Record<AuthAction, true> {}
}

/** Why an operation on an administrator is refused; the same word as the refusal's `details.reason`. */
export type AdminRefusal = "own_password";

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
  userId: string,
): { resetPassword: Ability } {
  const refusal = !actor.actions.has("auth.admins.manage")
    ? "not_permitted"
    : passwordResetRefusal(actor, userId);
  return { resetPassword: refusal === undefined ? { allowed: true } : { allowed: false, reason: refusal } };
}
