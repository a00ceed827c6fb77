import { definePolicy } from "../platform/policy.js";

/** Automatic replies (自动回复): an account's reply rules. No API-key scope grants these but `admin`. */
export const automationPolicy = definePolicy("automation", {
  "automation.read": {
    summary: "See an account's automatic-reply rules and test which one answers a message",
    scopes: [],
    switch: "replies.auto",
  },
  "automation.manage": {
    summary: "Create, change, reorder and delete an account's automatic-reply rules",
    scopes: [],
    switch: "replies.auto",
  },
});

/** This module's actions, by name. */
export type AutomationAction = keyof typeof automationPolicy.actions;

declare module "../platform/policy.js" {
  interface Actions extends Record<AutomationAction, true> {}
}
