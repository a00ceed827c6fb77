import { definePolicy } from "../platform/policy.js";

/** The central token server (中控): serving an account's token and replacing a rejected one. */
export const tokensPolicy = definePolicy("tokens", {
  "tokens.read": { summary: "Get an account's access token", scopes: ["token:read"] },
  "tokens.invalidate": {
    summary: "Report a token WeChat rejected and get its replacement",
    scopes: ["token:read"],
  },
});
