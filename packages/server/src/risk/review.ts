import { Readable } from "node:stream";
import { stringify } from "csv-stringify";
import type { AccountDirectory } from "../accounts/index.js";
import type { UserDirectory } from "../auth/index.js";
import { type Actor, type MemberKind, type PermissionSwitch, reaches } from "../platform/policy.js";
import type { Clock } from "../platform/ports.js";
import type { TeamRoster } from "../team/index.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Why a row wants a look: idle for long, access ending soon, an administrator without TOTP. */
export type ReviewFlag = "idle" | "expiring" | "no_totp";

/** One person's place on one account, as the review shows it. */
export interface ReviewRow {
  appid: string;
  userId: string;
  username: string;
  displayName: string | null;
  kind: MemberKind;
  state: "invited" | "active" | "expired";
  switches: PermissionSwitch[];
  departments: string[];
  expiresAt: number | null;
  lastActiveAt: number | null;
  totp: boolean;
  flags: ReviewFlag[];
}

/** When the review flags a row (`config.risk`). */
export interface ReviewThresholds {
  idleDays: number;
  expiringDays: number;
}

const CSV_COLUMNS = [
  "appid",
  "username",
  "display_name",
  "kind",
  "state",
  "switches",
  "departments",
  "expires_at",
  "last_active_at",
  "totp",
  "flags",
] as const;

const iso = (at: number | null) => (at === null ? "" : new Date(at).toISOString());

/**
 * The authorization review (授权台账, seed 000 §5: review the authorizations regularly): every
 * member of every account in the reader's reach — its super admin and operators, invited,
 * active or expired — with their switches, the account's departments, when their access ends
 * and when they were last active, flagged when idle for `idleDays`, a short-term operator's
 * access ends within `expiringDays`, or a super admin has no second factor. Read from the team
 * module's roster and the auth module's users, never their tables.
 */
export class AuthorizationReview {
  constructor(
    private readonly options: {
      accounts: AccountDirectory;
      roster: TeamRoster;
      users: UserDirectory;
      clock: Clock;
      thresholds: ReviewThresholds;
    },
  ) {}

  async rows(actor: Actor): Promise<ReviewRow[]> {
    const { accounts, roster, users, clock, thresholds } = this.options;
    const appIds = (await accounts.appIds()).filter((appId) => reaches(actor, appId));
    const [entries, departments] = await Promise.all([roster.entries(appIds), roster.departmentsByAccount()]);
    const userIds = [...new Set(entries.map((e) => e.userId))];
    const [activity, enrolled, people] = await Promise.all([
      users.lastActivity(userIds),
      users.totpEnrolled(userIds),
      Promise.all(userIds.map((id) => users.find(id))),
    ]);
    const byId = new Map(people.flatMap((user) => (user ? [[user.id, user] as const] : [])));
    const now = clock.now();
    return entries.map((entry) => {
      const user = byId.get(entry.userId);
      const lastActiveAt = activity.get(entry.userId) ?? null;
      const totp = enrolled.has(entry.userId);
      const flags: ReviewFlag[] = [];
      if (
        entry.state === "active" &&
        (lastActiveAt === null || now - lastActiveAt >= thresholds.idleDays * DAY_MS)
      )
        flags.push("idle");
      if (
        entry.kind === "short_term" &&
        entry.state === "active" &&
        entry.expiresAt !== null &&
        entry.expiresAt - now <= thresholds.expiringDays * DAY_MS
      )
        flags.push("expiring");
      if (entry.kind === "super_admin" && !totp) flags.push("no_totp");
      return {
        appid: entry.appid,
        userId: entry.userId,
        username: user?.username ?? entry.userId,
        displayName: user?.displayName ?? null,
        kind: entry.kind,
        state: entry.state,
        switches: entry.switches,
        departments: departments.get(entry.appid) ?? [],
        expiresAt: entry.expiresAt,
        lastActiveAt,
        totp,
        flags,
      };
    });
  }

  /** The review as CSV (UTF-8 with a byte-order mark; formula-like cells quoted). */
  async csv(actor: Actor): Promise<Readable> {
    const rows = await this.rows(actor);
    const csv = stringify({ header: true, columns: [...CSV_COLUMNS], bom: true, escape_formulas: true });
    const records = rows.map((row) => ({
      appid: row.appid,
      username: row.username,
      display_name: row.displayName ?? "",
      kind: row.kind,
      state: row.state,
      switches: row.switches.join(" "),
      departments: row.departments.join(" "),
      expires_at: iso(row.expiresAt),
      last_active_at: iso(row.lastActiveAt),
      totp: row.totp ? "yes" : "no",
      flags: row.flags.join(" "),
    }));
    return Readable.from(records).pipe(csv);
  }
}
