import { definePolicy } from "../platform/policy.js";

/**
 * Customer-service accounts (客服帐号) and routing to them. Seeing them and editing the routing
 * belong to replying to users (`messages.reply`); adding, renaming and deleting the accounts
 * themselves changes the account's staff set-up at WeChat, so it sits with `account.settings`.
 */
export const kfPolicy = definePolicy("kf", {
  "kf.read": {
    summary: "See an account's customer-service accounts and routing rules",
    scopes: [],
    switch: "messages.reply",
  },
  "kf.accounts.manage": {
    summary: "Add, rename and delete customer-service accounts at WeChat",
    scopes: [],
    switch: "account.settings",
  },
  "kf.routing.manage": {
    summary: "Edit the rules that pick a customer-service account by keyword, menu key or tag",
    scopes: [],
    switch: "messages.reply",
  },
});

/** This module's actions, by name. */
export type KfAction = keyof typeof kfPolicy.actions;

declare module "../platform/policy.js" {
  interface Actions extends Record<KfAction, true> {}
}

/** Why a change is refused before WeChat is called; the same word as `details.reason`. */
export type KfRefusal =
  | "kf_account_invalid"
  | "nickname_invalid"
  | "kf_account_limit"
  | "kf_account_unknown"
  | "rule_invalid"
  | "rules_limit"
  | "media_missing"
  | "file_type"
  | "file_too_large";
