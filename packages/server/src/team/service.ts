import type { AccountDirectory } from "../accounts/index.js";
import type { UserDirectory, UserSummary } from "../auth/index.js";
import { errors } from "../platform/errors.js";
import type { Logger } from "../platform/logger.js";
import {
  type Ability,
  type Actor,
  actorLabel,
  type Membership,
  type PermissionSwitch,
  permissionSwitches,
  permits,
} from "../platform/policy.js";
import type { Clock } from "../platform/ports.js";
import type { TeamRefusal } from "./policy.js";
import type { MemberRow, TeamRepository } from "./repository.js";

/** The limits of membership, as configured (`config.team`). */
export interface TeamLimits {
  longTermOperators: number;
  shortTermOperators: number;
  shortTermDays: number;
  accountsPerMember: number;
  invitationDays: number;
}

/** What the team services are built with. */
export interface TeamDeps {
  repository: TeamRepository;
  users: UserDirectory;
  accounts: AccountDirectory;
  clock: Clock;
  logger: Logger;
  limits: TeamLimits;
}

/** An operator's kind: long-term, or short-term (access ending by itself). */
export type OperatorKind = "long_term" | "short_term";

/** A member as listed on an account. */
export interface MemberView {
  userId: string;
  username: string;
  displayName: string | null;
  kind: "super_admin" | OperatorKind;
  /** `invited` until accepted; `expired` once a short-term operator's access ended. */
  state: "invited" | "active" | "expired";
  switches: PermissionSwitch[];
  invitedAt: number;
  acceptedAt: number | null;
  expiresAt: number | null;
}

const DAY_MS = 24 * 60 * 60_000;

export function refused(reason: TeamRefusal, message: string, details: Record<string, unknown> = {}) {
  return errors.conflict(message, { reason, ...details });
}

function switchesOf(json: string): PermissionSwitch[] {
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed)) return [];
  return permissionSwitches.filter((s) => parsed.includes(s));
}

/** True while a row gives access (or holds a place): not a short-term membership that ended. */
function current(row: MemberRow, now: number): boolean {
  return row.expires_at === null || row.expires_at > now;
}

/**
 * Members of accounts: each account's one super admin (the user who connected it; the owner
 * when no one did — an API key, the CLI, the platform's authorization, or an account older
 * than the team), and its operators, invited by a super admin or an administrator and active
 * once they accept. Also the {@link AccessSource} the auth module asks on every request.
 */
export class TeamService {
  constructor(private readonly deps: TeamDeps) {}

  /** What limits a user beyond their role: a member's memberships, an admin's department. */
  async accessOf(user: { id: string; role: string }): Promise<{
    reach?: { all: false; appIds: ReadonlySet<string> };
    memberships?: ReadonlyMap<string, Membership>;
  }> {
    const { repository, clock } = this.deps;
    if (user.role === "member") {
      const now = clock.now();
      const memberships = new Map<string, Membership>();
      for (const row of await repository.membershipsOf(user.id)) {
        if (row.state !== "active" || !current(row, now)) continue;
        memberships.set(row.appid, { kind: row.kind, switches: new Set(switchesOf(row.switches)) });
      }
      return { memberships };
    }
    if (user.role === "admin") {
      const appIds = await repository.departmentAccountsOf(user.id);
      if (appIds !== undefined) return { reach: { all: false, appIds: new Set(appIds) } };
    }
    return {};
  }

  /** Who holds the account's super admin role: its row's user, or the owner. */
  async #superAdmin(
    rows: readonly MemberRow[],
  ): Promise<{ user: UserSummary | undefined; implicit: boolean }> {
    const row = rows.find((r) => r.kind === "super_admin");
    if (row) return { user: await this.deps.users.find(row.user_id), implicit: false };
    return { user: await this.deps.users.owner(), implicit: true };
  }

  async #account(appId: string): Promise<void> {
    if (!(await this.deps.accounts.exists(appId))) throw errors.notFound("the account");
  }

  /** An account's super admin, operators and invitations, with what the actor may do there. */
  async members(actor: Actor, appId: string) {
    await this.#account(appId);
    const { repository, clock, limits } = this.deps;
    const now = clock.now();
    const rows = await repository.membersOf(appId);
    const superAdmin = await this.#superAdmin(rows);
    const items: MemberView[] = [];
    for (const row of rows) {
      if (row.kind === "super_admin") continue;
      const user = await this.deps.users.find(row.user_id);
      items.push({
        userId: row.user_id,
        username: user?.username ?? row.user_id,
        displayName: user?.displayName ?? null,
        kind: row.kind,
        state: !current(row, now) ? "expired" : row.state,
        switches: switchesOf(row.switches),
        invitedAt: row.created_at,
        acceptedAt: row.accepted_at,
        expiresAt: row.expires_at,
      });
    }
    const holder = superAdmin.user;
    const ability = (allowed: boolean, reason = "not_permitted"): Ability =>
      allowed ? { allowed: true } : { allowed: false, reason };
    const isHolder = holder !== undefined && actor.userId === holder.id;
    return {
      superAdmin: holder
        ? {
            userId: holder.id,
            username: holder.username,
            displayName: holder.displayName,
            implicit: superAdmin.implicit,
          }
        : null,
      items,
      limits: {
        longTermOperators: limits.longTermOperators,
        shortTermOperators: limits.shortTermOperators,
        shortTermDays: limits.shortTermDays,
      },
      abilities: {
        manage: ability(permits(actor, "team.members.manage", appId)),
        transfer: permits(actor, "team.superadmin.transfer", appId)
          ? ability(
              isHolder || (actor.role === "owner" && (holder === undefined || holder.disabled)),
              "not_super_admin",
            )
          : ability(false),
      },
    };
  }

  async #invitee(username: string): Promise<UserSummary> {
    const user = await this.deps.users.findByUsername(username);
    if (!user) throw errors.notFound("the user");
    if (user.disabled) throw refused("user_disabled", "this user is disabled");
    return user;
  }

  /** The accounts a member takes a place on (invited or active, not expired). */
  async #placesOf(userId: string, now: number): Promise<MemberRow[]> {
    return (await this.deps.repository.membershipsOf(userId)).filter((row) => current(row, now));
  }

  /**
   * Invites a member (platform role `member`) to operate an account: refused past the account's
   * limit of operators of that kind, past the person's limit of accounts, or when already a
   * member there. The invitee accepts or declines.
   */
  async invite(
    actor: Actor,
    appId: string,
    input: { username: string; kind: OperatorKind; switches: readonly PermissionSwitch[] },
  ): Promise<MemberView> {
    await this.#account(appId);
    const { repository, clock, limits, logger } = this.deps;
    const user = await this.#invitee(input.username);
    if (user.role !== "member") {
      throw refused(
        "not_a_member_role",
        "the owner and administrators reach every account already; invite members",
      );
    }
    const now = clock.now();
    const existing = await repository.findMember(appId, user.id);
    if (existing && current(existing, now))
      throw refused("already_member", "this user is a member of the account already");
    const ofKind = (await repository.membersOf(appId)).filter(
      (r) => r.kind === input.kind && current(r, now),
    );
    const limit = input.kind === "long_term" ? limits.longTermOperators : limits.shortTermOperators;
    if (ofKind.length >= limit) {
      throw refused(
        input.kind === "long_term" ? "long_term_limit" : "short_term_limit",
        `this account has ${limit} ${input.kind === "long_term" ? "long-term" : "short-term"} operators already (invitations count)`,
        { limit },
      );
    }
    const places = await this.#placesOf(user.id, now);
    if (places.length >= limits.accountsPerMember) {
      throw refused(
        "accounts_per_member_limit",
        `this user operates ${limits.accountsPerMember} accounts already (invitations count)`,
        { limit: limits.accountsPerMember },
      );
    }
    if (existing) await repository.deleteMember(appId, user.id);
    const switches = permissionSwitches.filter((s) => input.switches.includes(s));
    await repository.insertMember({
      appid: appId,
      user_id: user.id,
      kind: input.kind,
      state: "invited",
      switches: JSON.stringify(switches),
      // An invitation lapses unanswered: it then no longer takes a place, nor can be accepted.
      expires_at: now + limits.invitationDays * DAY_MS,
      invited_by: actor.userId,
      created_at: now,
      accepted_at: null,
      updated_at: now,
    });
    logger.info(
      { appid: appId, user: { id: user.id }, kind: input.kind, by: actorLabel(actor) },
      "operator invited",
    );
    return {
      userId: user.id,
      username: user.username,
      displayName: user.displayName,
      kind: input.kind,
      state: "invited",
      switches,
      invitedAt: now,
      acceptedAt: null,
      expiresAt: now + limits.invitationDays * DAY_MS,
    };
  }

  /** Sets an operator's permission switches. */
  async setSwitches(actor: Actor, appId: string, userId: string, switches: readonly PermissionSwitch[]) {
    const { repository, clock, logger } = this.deps;
    const row = await repository.findMember(appId, userId);
    if (!row) throw errors.notFound("the member");
    if (row.kind === "super_admin") throw refused("not_an_operator", "the super admin holds every switch");
    const ordered = permissionSwitches.filter((s) => switches.includes(s));
    await repository.updateMember(appId, userId, { switches: JSON.stringify(ordered) }, clock.now());
    logger.info(
      { appid: appId, user: { id: userId }, switches: ordered, by: actorLabel(actor) },
      "switches changed",
    );
    await this.deps.users.privilegesChanged(userId);
    return { switches: ordered };
  }

  /** Unbinds a member or withdraws an invitation; the super admin is moved, never unbound. */
  async unbind(actor: Actor, appId: string, userId: string): Promise<void> {
    const { repository, logger } = this.deps;
    const row = await repository.findMember(appId, userId);
    if (!row) throw errors.notFound("the member");
    if (row.kind === "super_admin") {
      throw refused(
        "super_admin_unbind",
        "the super admin cannot be unbound; move the role to someone else first",
      );
    }
    await repository.deleteMember(appId, userId);
    logger.info({ appid: appId, user: { id: userId }, by: actorLabel(actor) }, "member unbound");
    await this.deps.users.privilegesChanged(userId);
  }

  /**
   * Moves the account's super admin role to another user: only its current holder (the owner
   * for an account whose holder is the owner by default) may, and the risk gate asks them for
   * a fresh confirmation. The previous holder leaves the account's members.
   */
  async transferSuperAdmin(actor: Actor, appId: string, input: { username: string }) {
    await this.#account(appId);
    const { repository, clock, limits, logger } = this.deps;
    const rows = await repository.membersOf(appId);
    const { user: holder } = await this.#superAdmin(rows);
    const isHolder = holder !== undefined && actor.userId === holder.id;
    // The holder moves it, confirming themselves (the risk gate). The owner only when no one can:
    // the holder's account is disabled or gone — the way back when a super admin has left.
    const holderGone = holder === undefined || holder.disabled;
    if (!isHolder && !(actor.role === "owner" && holderGone) && actor.via !== "cli") {
      throw refused("not_super_admin", "only the account's super admin moves the role");
    }
    const user = await this.#invitee(input.username);
    const now = clock.now();
    if (user.role === "member") {
      const places = (await this.#placesOf(user.id, now)).filter((row) => row.appid !== appId);
      if (places.length >= limits.accountsPerMember) {
        throw refused(
          "accounts_per_member_limit",
          `this user operates ${limits.accountsPerMember} accounts already`,
          {
            limit: limits.accountsPerMember,
          },
        );
      }
    }
    await repository.replaceSuperAdmin(appId, {
      appid: appId,
      user_id: user.id,
      kind: "super_admin",
      state: "active",
      switches: JSON.stringify(permissionSwitches),
      expires_at: null,
      invited_by: actor.userId,
      created_at: now,
      accepted_at: now,
      updated_at: now,
    });
    logger.info(
      { appid: appId, from: holder?.id ?? null, to: user.id, by: actorLabel(actor) },
      "super admin moved",
    );
    if (holder) await this.deps.users.privilegesChanged(holder.id);
    await this.deps.users.privilegesChanged(user.id);
    return { userId: user.id, username: user.username };
  }

  /** The user who connected an account becomes its super admin (none: the owner stays it by default). */
  async accountConnected(appId: string, userId: string | null): Promise<void> {
    if (userId === null) return;
    const now = this.deps.clock.now();
    await this.deps.repository.replaceSuperAdmin(appId, {
      appid: appId,
      user_id: userId,
      kind: "super_admin",
      state: "active",
      switches: JSON.stringify(permissionSwitches),
      expires_at: null,
      invited_by: userId,
      created_at: now,
      accepted_at: now,
      updated_at: now,
    });
  }

  /** The signed-in user's invitations waiting for an answer. */
  async invitations(actor: Actor) {
    if (actor.userId === null) return [];
    const now = this.deps.clock.now();
    const rows = (await this.deps.repository.membershipsOf(actor.userId)).filter(
      (row) => row.state === "invited" && current(row, now),
    );
    const views = [];
    for (const row of rows) {
      const inviter = row.invited_by === null ? undefined : await this.deps.users.find(row.invited_by);
      views.push({
        appId: row.appid,
        kind: row.kind as OperatorKind,
        switches: switchesOf(row.switches),
        invitedAt: row.created_at,
        invitedBy: inviter?.username ?? null,
      });
    }
    return views;
  }

  /** Accepts (access starts; a short-term operator's ends after the configured days) or declines. */
  async answer(actor: Actor, appId: string, accept: boolean): Promise<MemberView | null> {
    const { repository, clock, limits, logger } = this.deps;
    if (actor.userId === null) throw errors.notFound("the invitation");
    const row = await repository.findMember(appId, actor.userId);
    if (row?.state !== "invited" || !current(row, clock.now())) throw errors.notFound("the invitation");
    if (!accept) {
      await repository.deleteMember(appId, actor.userId);
      logger.info({ appid: appId, user: { id: actor.userId } }, "invitation declined");
      return null;
    }
    const now = clock.now();
    const expiresAt = row.kind === "short_term" ? now + limits.shortTermDays * DAY_MS : null;
    await repository.updateMember(
      appId,
      actor.userId,
      { state: "active", accepted_at: now, expires_at: expiresAt },
      now,
    );
    logger.info({ appid: appId, user: { id: actor.userId }, kind: row.kind }, "invitation accepted");
    await this.deps.users.privilegesChanged(actor.userId);
    return {
      userId: actor.userId,
      username: actor.name,
      displayName: null,
      kind: row.kind,
      state: "active",
      switches: switchesOf(row.switches),
      invitedAt: row.created_at,
      acceptedAt: now,
      expiresAt,
    };
  }
}
