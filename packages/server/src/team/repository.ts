import type { Kysely, Selectable } from "kysely";
import type { Database } from "../platform/store/schema.js";
import type { TeamDepartmentsTable, TeamMembersTable } from "./tables.js";

export type MemberRow = Selectable<TeamMembersTable>;
export type DepartmentRow = Selectable<TeamDepartmentsTable>;

/** The team tables: members, departments. Nothing here decides anything. */
export class TeamRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** A user's memberships (invited, active, expired alike). */
  membershipsOf(userId: string): Promise<MemberRow[]> {
    return this.db
      .selectFrom("team_members")
      .selectAll()
      .where("user_id", "=", userId)
      .orderBy("appid")
      .execute();
  }

  /** An account's members, its super admin first, then by when they were invited. */
  membersOf(appId: string): Promise<MemberRow[]> {
    return this.db
      .selectFrom("team_members")
      .selectAll()
      .where("appid", "=", appId)
      .orderBy("created_at")
      .orderBy("user_id")
      .execute();
  }

  /** Every membership of every account (the authorization review), by account then invitation. */
  allMembers(): Promise<MemberRow[]> {
    return this.db
      .selectFrom("team_members")
      .selectAll()
      .orderBy("appid")
      .orderBy("created_at")
      .orderBy("user_id")
      .execute();
  }

  findMember(appId: string, userId: string): Promise<MemberRow | undefined> {
    return this.db
      .selectFrom("team_members")
      .selectAll()
      .where("appid", "=", appId)
      .where("user_id", "=", userId)
      .executeTakeFirst();
  }

  async insertMember(row: MemberRow): Promise<void> {
    await this.db.insertInto("team_members").values(row).execute();
  }

  async updateMember(
    appId: string,
    userId: string,
    patch: Partial<Pick<MemberRow, "state" | "switches" | "expires_at" | "accepted_at" | "kind">>,
    now: number,
  ): Promise<void> {
    await this.db
      .updateTable("team_members")
      .set({ ...patch, updated_at: now })
      .where("appid", "=", appId)
      .where("user_id", "=", userId)
      .execute();
  }

  async deleteMember(appId: string, userId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom("team_members")
      .where("appid", "=", appId)
      .where("user_id", "=", userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /**
   * Makes `userId` the account's super admin in one transaction: the previous holder's row and
   * any row of the new holder go, the new holder's super admin row comes.
   */
  async replaceSuperAdmin(appId: string, row: MemberRow): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom("team_members")
        .where("appid", "=", appId)
        .where((eb) => eb.or([eb("kind", "=", "super_admin"), eb("user_id", "=", row.user_id)]))
        .execute();
      await trx.insertInto("team_members").values(row).execute();
    });
  }

  /** Everything kept for an account that is deleted; answers how many rows went per table. */
  async purgeAccount(appId: string): Promise<Record<string, number>> {
    return this.db.transaction().execute(async (trx) => {
      const members = await trx.deleteFrom("team_members").where("appid", "=", appId).executeTakeFirst();
      const links = await trx
        .deleteFrom("team_department_accounts")
        .where("appid", "=", appId)
        .executeTakeFirst();
      return {
        team_members: Number(members.numDeletedRows),
        team_department_accounts: Number(links.numDeletedRows),
      };
    });
  }

  listDepartments(): Promise<DepartmentRow[]> {
    return this.db.selectFrom("team_departments").selectAll().orderBy("name").execute();
  }

  findDepartment(id: string): Promise<DepartmentRow | undefined> {
    return this.db.selectFrom("team_departments").selectAll().where("id", "=", id).executeTakeFirst();
  }

  findDepartmentByName(name: string): Promise<DepartmentRow | undefined> {
    return this.db.selectFrom("team_departments").selectAll().where("name", "=", name).executeTakeFirst();
  }

  /** Every department's accounts and administrators, by department id. */
  async departmentMembers(): Promise<{ accounts: Map<string, string[]>; admins: Map<string, string[]> }> {
    const [links, admins] = await Promise.all([
      this.db.selectFrom("team_department_accounts").selectAll().orderBy("appid").execute(),
      this.db.selectFrom("team_department_admins").selectAll().orderBy("user_id").execute(),
    ]);
    const accounts = new Map<string, string[]>();
    for (const link of links)
      accounts.set(link.department_id, [...(accounts.get(link.department_id) ?? []), link.appid]);
    const limited = new Map<string, string[]>();
    for (const admin of admins)
      limited.set(admin.department_id, [...(limited.get(admin.department_id) ?? []), admin.user_id]);
    return { accounts, admins: limited };
  }

  /** Creates or replaces a department with its accounts, in one transaction. */
  async saveDepartment(row: DepartmentRow, appIds: readonly string[], create: boolean): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (create) await trx.insertInto("team_departments").values(row).execute();
      else
        await trx
          .updateTable("team_departments")
          .set({ name: row.name, updated_at: row.updated_at })
          .where("id", "=", row.id)
          .execute();
      await trx.deleteFrom("team_department_accounts").where("department_id", "=", row.id).execute();
      if (appIds.length > 0)
        await trx
          .insertInto("team_department_accounts")
          .values(appIds.map((appid) => ({ department_id: row.id, appid })))
          .execute();
    });
  }

  /** Deletes a department; returns the administrators it limited. */
  async deleteDepartment(id: string): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      const admins = await trx
        .selectFrom("team_department_admins")
        .select("user_id")
        .where("department_id", "=", id)
        .execute();
      await trx.deleteFrom("team_department_admins").where("department_id", "=", id).execute();
      await trx.deleteFrom("team_department_accounts").where("department_id", "=", id).execute();
      await trx.deleteFrom("team_departments").where("id", "=", id).execute();
      return admins.map((a) => a.user_id);
    });
  }

  /** The accounts of the department `userId` is limited to; undefined when not limited. */
  async departmentAccountsOf(userId: string): Promise<string[] | undefined> {
    const admin = await this.db
      .selectFrom("team_department_admins")
      .select("department_id")
      .where("user_id", "=", userId)
      .executeTakeFirst();
    if (!admin) return undefined;
    const rows = await this.db
      .selectFrom("team_department_accounts")
      .select("appid")
      .where("department_id", "=", admin.department_id)
      .execute();
    return rows.map((r) => r.appid);
  }

  async setDepartmentOf(userId: string, departmentId: string | null): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom("team_department_admins").where("user_id", "=", userId).execute();
      if (departmentId !== null)
        await trx
          .insertInto("team_department_admins")
          .values({ user_id: userId, department_id: departmentId })
          .execute();
    });
  }
}
