// The team module's tables (created by its part of migration 0013_team).

/**
 * A user's membership of one account: its super admin, or an operator invited (`invited`)
 * or who accepted (`active`). A declined invitation and an unbound member leave no row.
 */
export interface TeamMembersTable {
  appid: string;
  user_id: string;
  /** `super_admin`, `long_term` or `short_term`. */
  kind: "super_admin" | "long_term" | "short_term";
  /** `invited` until the invitee accepts, then `active`. */
  state: "invited" | "active";
  /** JSON array of permission switches (an operator's; a super admin holds them all). */
  switches: string;
  /**
   * When this ends (epoch ms): an invitation lapses unanswered (`WXGATE_TEAM_INVITATION_DAYS`),
   * a short-term operator's access (set on accepting); null for a lasting membership.
   */
  expires_at: number | null;
  /** The user who invited (or connected the account); null for the CLI or an API key. */
  invited_by: string | null;
  created_at: number;
  accepted_at: number | null;
  updated_at: number;
}

/** A department (分级管理): a named set of accounts its administrators are limited to. */
export interface TeamDepartmentsTable {
  id: string;
  name: string;
  created_at: number;
  updated_at: number;
}

export interface TeamDepartmentAccountsTable {
  department_id: string;
  appid: string;
}

/** The administrator limited to a department: one department per user at most. */
export interface TeamDepartmentAdminsTable {
  user_id: string;
  department_id: string;
}

declare module "../platform/store/schema.js" {
  interface Database {
    team_members: TeamMembersTable;
    team_departments: TeamDepartmentsTable;
    team_department_accounts: TeamDepartmentAccountsTable;
    team_department_admins: TeamDepartmentAdminsTable;
  }
}
