import type { UserDirectory } from "../auth/index.js";
import type { MemberKind, PermissionSwitch } from "../platform/policy.js";
import { permissionSwitches } from "../platform/policy.js";
import type { Clock } from "../platform/ports.js";
import type { MemberRow, TeamRepository } from "./repository.js";

/** One person's place on one account, as the authorization review lists it. */
export interface RosterEntry {
  appid: string;
  userId: string;
  kind: MemberKind;
  /** `invited` until accepted; `expired` once a short-term operator's access (or an invitation) ended. */
  state: "invited" | "active" | "expired";
  /** The switches the member holds there (a super admin holds every one). */
  switches: PermissionSwitch[];
  /** When the membership ends by itself; null for a lasting one. */
  expiresAt: number | null;
  /** The owner holding an account no one else is the super admin of. */
  implicit: boolean;
}

/**
 * What the team module tells other modules about who holds what (the risk module's review and
 * alerts), without their reading its tables.
 */
export interface TeamRoster {
  /** Every member of each of these accounts, the super admin first. */
  entries(appIds: readonly string[]): Promise<RosterEntry[]>;
  /** The names of the departments each account belongs to, by appid. */
  departmentsByAccount(): Promise<Map<string, string[]>>;
  /** Administrators limited to a department: the accounts each one reaches, by user id. */
  limitedAdmins(): Promise<Map<string, ReadonlySet<string>>>;
}

function switchesOf(row: MemberRow): PermissionSwitch[] {
  if (row.kind === "super_admin") return [...permissionSwitches];
  const parsed: unknown = JSON.parse(row.switches);
  return Array.isArray(parsed) ? permissionSwitches.filter((s) => parsed.includes(s)) : [];
}

/** The team's {@link TeamRoster}, read from its own tables. */
export function teamRoster(deps: {
  repository: TeamRepository;
  users: UserDirectory;
  clock: Clock;
}): TeamRoster {
  const { repository, users, clock } = deps;
  return {
    async entries(appIds) {
      const wanted = new Set(appIds);
      const rows = (await repository.allMembers()).filter((row) => wanted.has(row.appid));
      const now = clock.now();
      const owner = await users.owner();
      const entries: RosterEntry[] = [];
      for (const appid of [...wanted].sort()) {
        const mine = rows.filter((row) => row.appid === appid);
        const superAdmin = mine.find((row) => row.kind === "super_admin");
        if (!superAdmin && owner) {
          entries.push({
            appid,
            userId: owner.id,
            kind: "super_admin",
            state: "active",
            switches: [...permissionSwitches],
            expiresAt: null,
            implicit: true,
          });
        }
        for (const row of [...mine].sort((a, b) =>
          a.kind === "super_admin" ? -1 : b.kind === "super_admin" ? 1 : 0,
        )) {
          const ended = row.expires_at !== null && row.expires_at <= now;
          entries.push({
            appid,
            userId: row.user_id,
            kind: row.kind,
            state: ended ? "expired" : row.state,
            switches: switchesOf(row),
            expiresAt: row.expires_at,
            implicit: false,
          });
        }
      }
      return entries;
    },
    async departmentsByAccount() {
      const [departments, members] = await Promise.all([
        repository.listDepartments(),
        repository.departmentMembers(),
      ]);
      const byAccount = new Map<string, string[]>();
      for (const department of departments) {
        for (const appid of members.accounts.get(department.id) ?? []) {
          byAccount.set(appid, [...(byAccount.get(appid) ?? []), department.name]);
        }
      }
      return byAccount;
    },
    async limitedAdmins() {
      const members = await repository.departmentMembers();
      const reach = new Map<string, ReadonlySet<string>>();
      for (const [departmentId, admins] of members.admins) {
        const appIds = new Set(members.accounts.get(departmentId) ?? []);
        for (const userId of admins) reach.set(userId, appIds);
      }
      return reach;
    },
  };
}
