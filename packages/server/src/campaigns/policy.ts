import { definePolicy } from "../platform/policy.js";

/**
 * Campaigns (运营计划). Seed 002: an operator holding the switches creates and sends them; an
 * account may require an administrator's (or its super admin's) approval first. A mass send is
 * also confirmed afresh by a console user (checked when it is submitted).
 */
export const campaignsPolicy = definePolicy("campaigns", {
  "campaigns.read": {
    summary: "See an account's campaigns, their recipients and progress",
    scopes: ["accounts:read", "accounts:write"],
    switch: "campaigns.create",
  },
  "campaigns.create": {
    summary: "Create, edit and delete draft campaigns; upload recipient lists; preview",
    scopes: ["accounts:write"],
    switch: "campaigns.create",
  },
  "campaigns.send": {
    summary: "Submit, pause, resume and cancel campaigns",
    scopes: ["accounts:write"],
    switch: "campaigns.send",
  },
  "campaigns.approve": {
    summary: "Approve or reject campaigns waiting for approval; change an account's campaign settings",
    scopes: ["accounts:write"],
    superAdmin: true,
  },
});

/** This module's actions, by name. */
export type CampaignsAction = keyof typeof campaignsPolicy.actions;

declare module "../platform/policy.js" {
  interface Actions extends Record<CampaignsAction, true> {}
}
