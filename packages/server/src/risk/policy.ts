import { definePolicy } from "../platform/policy.js";

/** Risk protection and alerts per account, and the authorization review (授权台账). */
export const riskPolicy = definePolicy("risk", {
  "risk.settings.read": {
    summary: "See an account's risk-operation protection and alerts switches",
    // No narrower scope grants it: existing keys keep exactly what they were given.
    scopes: [],
    switch: "account.view",
  },
  "risk.settings.manage": {
    summary:
      "Switch an account's risk-operation protection and alerts (turning them off is a risk operation)",
    scopes: [],
    superAdmin: true,
    risk: true,
  },
  "risk.review.read": {
    summary: "See and export the authorization review: every member of every account in reach, with flags",
    scopes: [],
  },
});

/** This module's actions, by name. */
export type RiskAction = keyof typeof riskPolicy.actions;

declare module "../platform/policy.js" {
  interface Actions extends Record<RiskAction, true> {}
}
