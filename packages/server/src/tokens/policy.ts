import { definePolicy } from "../platform/policy.js";

/** The central token server (中控): serving an account's token and replacing a rejected one. */
export const tokensPolicy = definePolicy("tokens", {
  // The token is a secret of the account: for API keys and the platform's administrators only.
  "tokens.read": { summary: "Get an account's access token", scopes: ["token:read"], platform: true },
  "tokens.invalidate": {
    summary: "Report a token WeChat rejected and get its replacement",
    scopes: ["token:read"],
    platform: true,
    // Forcing a token's replacement invalidates the one every other system holds.
    risk: true,
  },
});

/** This module's actions, by name. */
export type TokenAction = keyof typeof tokensPolicy.actions;

declare module "../platform/policy.js" {
  interface Actions extends Record<TokenAction, true> {}
}
