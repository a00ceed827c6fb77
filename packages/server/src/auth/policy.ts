import { definePolicy } from "../platform/policy.js";

/** Sessions and API keys. */
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
});

/** This module's actions, by name. */
export type AuthAction = keyof typeof authPolicy.actions;

declare module "../platform/policy.js" {
  interface Actions extends Record<AuthAction, true> {}
}
