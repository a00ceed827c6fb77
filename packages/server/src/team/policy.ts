import { definePolicy } from "../platform/policy.js";

/** Members of accounts, invitations and departments. No API-key scope grants these but `admin`. */
export const teamPolicy = definePolicy("team", {
  "team.members.read": {
    summary: "See an account's super admin, operators and invitations",
    scopes: [],
    switch: "account.view",
  },
  "team.members.manage": {
    summary: "Invite operators to an account, change their permission switches, unbind members",
    scopes: [],
    superAdmin: true,
    risk: true,
  },
  "team.superadmin.transfer": {
    summary: "Move an account's super admin role to another user",
    scopes: [],
    superAdmin: true,
    risk: true,
  },
  "team.invitations.respond": {
    summary: "See one's own invitations, accept or decline them",
    scopes: [],
    sessionOnly: true,
  },
  "team.departments.manage": {
    summary: "Create, change and delete departments; limit administrators to one",
    scopes: [],
    platform: true,
  },
});

/** This module's actions, by name. */
export type TeamAction = keyof typeof teamPolicy.actions;

declare module "../platform/policy.js" {
  interface Actions extends Record<TeamAction, true> {}
}

/** Why a team operation is refused; the same word as the refusal's `details.reason`. */
export type TeamRefusal =
  | "long_term_limit"
  | "short_term_limit"
  | "accounts_per_member_limit"
  | "already_member"
  | "not_a_member_role"
  | "user_disabled"
  | "super_admin_unbind"
  | "not_super_admin"
  | "not_an_operator"
  | "not_an_admin";
