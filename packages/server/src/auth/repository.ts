import type { Kysely, Selectable } from "kysely";
import type { Database } from "../platform/store/schema.js";
import type { ApiKeysTable, UsersTable } from "./tables.js";

export type UserRow = Selectable<UsersTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;

/** A live session with its user. */
export interface SessionWithUser {
  id: string;
  csrfToken: string;
  expiresAt: number;
  lastSeenAt: number;
  /** When the user last confirmed their identity in this session. */
  confirmedAt: number | null;
  /** The session's id is to be replaced (the user's privileges changed). */
  renew: boolean;
  userId: string;
  username: string;
  role: "owner" | "admin" | "member";
}

/** One of a user's sessions, as listed to them (the id is the stored digest, never the cookie). */
export interface SessionRow {
  id: string;
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number;
  confirmedAt: number | null;
  ip: string | null;
  userAgent: string | null;
}

/** A user's consecutive failed logins and the freeze they led to. */
export interface LoginFailures {
  failures: number;
  lockedUntil: number | null;
}

/** The auth tables: users, sessions, api_keys. Nothing here decides anything. */
export class AuthRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async countUsers(): Promise<number> {
    const row = await this.db
      .selectFrom("users")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  findUserByUsername(username: string): Promise<UserRow | undefined> {
    return this.db.selectFrom("users").selectAll().where("username", "=", username).executeTakeFirst();
  }

  async insertUser(user: {
    id: string;
    username: string;
    passwordHash: string;
    now: number;
    role: "owner" | "admin" | "member";
    displayName: string | null;
    email: string | null;
  }): Promise<void> {
    await this.db
      .insertInto("users")
      .values({
        id: user.id,
        username: user.username,
        password_hash: user.passwordHash,
        role: user.role,
        display_name: user.displayName,
        email: user.email,
        disabled_at: null,
        locked_until: null,
        last_login_at: null,
        created_at: user.now,
        updated_at: user.now,
      })
      .execute();
  }

  /** Every user, oldest first (ids are UUIDv7: their order is the creation order). */
  listUsers(): Promise<UserRow[]> {
    return this.db.selectFrom("users").selectAll().orderBy("id").execute();
  }

  /**
   * Changes a user's role, profile or access; disabling ends every session of the user in the
   * same transaction. Returns how many sessions ended.
   */
  async updateUser(
    id: string,
    patch: {
      role?: "owner" | "admin" | "member";
      displayName?: string | null;
      email?: string | null;
      disabledAt?: number | null;
    },
    now: number,
  ): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable("users")
        .set({
          ...(patch.role === undefined ? {} : { role: patch.role }),
          ...(patch.displayName === undefined ? {} : { display_name: patch.displayName }),
          ...(patch.email === undefined ? {} : { email: patch.email }),
          ...(patch.disabledAt === undefined ? {} : { disabled_at: patch.disabledAt }),
          updated_at: now,
        })
        .where("id", "=", id)
        .execute();
      if (patch.disabledAt === undefined || patch.disabledAt === null) return 0;
      const ended = await trx.deleteFrom("sessions").where("user_id", "=", id).executeTakeFirst();
      return Number(ended.numDeletedRows);
    });
  }

  findUser(id: string): Promise<UserRow | undefined> {
    return this.db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /**
   * Replaces a user's password hash, clears a login freeze and ends every session of the user,
   * in one transaction; returns how many sessions ended.
   */
  async replacePassword(userId: string, passwordHash: string, now: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable("users")
        .set({ password_hash: passwordHash, failed_logins: 0, locked_until: null, updated_at: now })
        .where("id", "=", userId)
        .execute();
      const ended = await trx.deleteFrom("sessions").where("user_id", "=", userId).executeTakeFirst();
      return Number(ended.numDeletedRows);
    });
  }

  /**
   * Records a failed login in one transaction: `next` turns the stored count and freeze into
   * the new ones, which are written and returned.
   */
  async recordLoginFailure(
    userId: string,
    now: number,
    next: (previous: LoginFailures) => LoginFailures,
  ): Promise<LoginFailures> {
    return this.db.transaction().execute(async (trx) => {
      // Writing first takes the row's lock (PostgreSQL), so failures arriving together are
      // counted one after the other, each reading the count the previous one wrote.
      await trx.updateTable("users").set({ updated_at: now }).where("id", "=", userId).execute();
      const row = await trx
        .selectFrom("users")
        .select(["failed_logins", "locked_until"])
        .where("id", "=", userId)
        .executeTakeFirstOrThrow();
      const updated = next({ failures: row.failed_logins, lockedUntil: row.locked_until });
      await trx
        .updateTable("users")
        .set({ failed_logins: updated.failures, locked_until: updated.lockedUntil, updated_at: now })
        .where("id", "=", userId)
        .execute();
      return updated;
    });
  }

  async recordLoginSuccess(userId: string, now: number): Promise<void> {
    await this.db
      .updateTable("users")
      .set({ failed_logins: 0, locked_until: null, last_login_at: now, updated_at: now })
      .where("id", "=", userId)
      .execute();
  }

  async insertSession(session: {
    id: string;
    userId: string;
    csrfToken: string;
    now: number;
    expiresAt: number;
    ip: string | null;
    userAgent: string | null;
  }): Promise<void> {
    await this.db
      .insertInto("sessions")
      .values({
        id: session.id,
        user_id: session.userId,
        csrf_token: session.csrfToken,
        created_at: session.now,
        expires_at: session.expiresAt,
        last_seen_at: session.now,
        ip: session.ip,
        user_agent: session.userAgent,
        // The password was just given: a sign-in is a confirmation too.
        confirmed_at: session.now,
      })
      .execute();
  }

  /**
   * The session, when it has neither expired nor been idle since `idleSince` (its last request
   * before then), and its user is not disabled.
   */
  async findLiveSession(id: string, now: number, idleSince: number): Promise<SessionWithUser | undefined> {
    const row = await this.db
      .selectFrom("sessions")
      .innerJoin("users", "users.id", "sessions.user_id")
      .select([
        "sessions.id as id",
        "sessions.csrf_token as csrfToken",
        "sessions.expires_at as expiresAt",
        "sessions.last_seen_at as lastSeenAt",
        "sessions.confirmed_at as confirmedAt",
        "sessions.renew as renew",
        "users.id as userId",
        "users.username as username",
        "users.role as role",
      ])
      .where("sessions.id", "=", id)
      .where("sessions.expires_at", ">", now)
      .where("sessions.last_seen_at", ">", idleSince)
      .where("users.disabled_at", "is", null)
      .executeTakeFirst();
    return row && { ...row, renew: Number(row.renew) === 1 };
  }

  /** A user's live sessions, the most recently used first. */
  async listSessions(userId: string, now: number, idleSince: number): Promise<SessionRow[]> {
    return this.db
      .selectFrom("sessions")
      .select([
        "id",
        "created_at as createdAt",
        "expires_at as expiresAt",
        "last_seen_at as lastSeenAt",
        "confirmed_at as confirmedAt",
        "ip",
        "user_agent as userAgent",
      ])
      .where("user_id", "=", userId)
      .where("expires_at", ">", now)
      .where("last_seen_at", ">", idleSince)
      .orderBy("last_seen_at", "desc")
      .execute();
  }

  /**
   * Uses up a session's confirmation if it is later than `freshSince`: one statement, so two
   * requests racing for one confirmation cannot both have it. True when it was used up here.
   */
  async consumeConfirmation(id: string, freshSince: number): Promise<boolean> {
    const result = await this.db
      .updateTable("sessions")
      .set({ confirmed_at: null })
      .where("id", "=", id)
      .where("confirmed_at", ">", freshSince)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** The users among these whose authenticator app (TOTP) is turned on. */
  async totpEnrolled(userIds: readonly string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows = await this.db
      .selectFrom("users")
      .select("id")
      .where("id", "in", [...userIds])
      .where("totp_enabled_at", "is not", null)
      .execute();
    return new Set(rows.map((row) => row.id));
  }

  /** When each of these users was last seen: their latest sign-in or session request. */
  async lastActivity(userIds: readonly string[]): Promise<Map<string, number>> {
    const latest = new Map<string, number>();
    if (userIds.length === 0) return latest;
    const keep = (userId: string, at: number | null) => {
      if (at !== null && Number(at) > (latest.get(userId) ?? 0)) latest.set(userId, Number(at));
    };
    const users = await this.db
      .selectFrom("users")
      .select(["id", "last_login_at"])
      .where("id", "in", [...userIds])
      .execute();
    for (const row of users) keep(row.id, row.last_login_at);
    const sessions = await this.db
      .selectFrom("sessions")
      .select(["user_id", (eb) => eb.fn.max("last_seen_at").as("seen")])
      .where("user_id", "in", [...userIds])
      .groupBy("user_id")
      .execute();
    for (const row of sessions) keep(row.user_id, row.seen === null ? null : Number(row.seen));
    return latest;
  }

  async confirmSession(id: string, now: number): Promise<void> {
    await this.db
      .updateTable("sessions")
      .set({ confirmed_at: now, last_seen_at: now })
      .where("id", "=", id)
      .execute();
  }

  /**
   * Continues a session marked for renewal under a new id (its new cookie): the old row stops
   * asking for renewal and ends at `graceUntil`, so requests the browser sent with the old cookie
   * before the new one reached it still succeed. False when another request renewed it first.
   */
  async renewSession(id: string, newId: string, now: number, graceUntil: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const old = await trx.selectFrom("sessions").selectAll().where("id", "=", id).executeTakeFirst();
      if (!old) return false;
      // The claim: only one request turns the mark off, and only it makes the new session.
      const claimed = await trx
        .updateTable("sessions")
        .set({ renew: 0, expires_at: Math.min(Number(old.expires_at), graceUntil) })
        .where("id", "=", id)
        .where("renew", "=", 1)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return false;
      await trx
        .insertInto("sessions")
        .values({ ...old, id: newId, renew: 0, last_seen_at: now })
        .execute();
      return true;
    });
  }

  /** Marks every session of the user to get a new id at its next request. */
  async markRenewal(userId: string): Promise<void> {
    await this.db.updateTable("sessions").set({ renew: 1 }).where("user_id", "=", userId).execute();
  }

  /** Ends one of the user's sessions; false when the user has no such session. */
  async deleteSessionOf(userId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom("sessions")
      .where("user_id", "=", userId)
      .where("id", "=", id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  /** Ends every session of the user but `keep`; returns how many ended. */
  async deleteOtherSessions(userId: string, keep: string): Promise<number> {
    const result = await this.db
      .deleteFrom("sessions")
      .where("user_id", "=", userId)
      .where("id", "!=", keep)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async touchSession(id: string, now: number): Promise<void> {
    await this.db.updateTable("sessions").set({ last_seen_at: now }).where("id", "=", id).execute();
  }

  async deleteSession(id: string): Promise<void> {
    await this.db.deleteFrom("sessions").where("id", "=", id).execute();
  }

  /** Deletes the sessions that expired or were idle since `idleSince`. */
  async deleteExpiredSessions(now: number, idleSince: number): Promise<number> {
    const result = await this.db
      .deleteFrom("sessions")
      .where((eb) => eb.or([eb("expires_at", "<=", now), eb("last_seen_at", "<=", idleSince)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async insertApiKey(key: {
    id: string;
    name: string;
    prefix: string;
    keyHash: string;
    scopes: readonly string[];
    createdBy: string | null;
    now: number;
  }): Promise<void> {
    await this.db
      .insertInto("api_keys")
      .values({
        id: key.id,
        name: key.name,
        prefix: key.prefix,
        key_hash: key.keyHash,
        scopes: JSON.stringify(key.scopes),
        created_by: key.createdBy,
        created_at: key.now,
        last_used_at: null,
        revoked_at: null,
      })
      .execute();
  }

  findApiKeyByHash(keyHash: string): Promise<ApiKeyRow | undefined> {
    return this.db.selectFrom("api_keys").selectAll().where("key_hash", "=", keyHash).executeTakeFirst();
  }

  findApiKey(id: string): Promise<ApiKeyRow | undefined> {
    return this.db.selectFrom("api_keys").selectAll().where("id", "=", id).executeTakeFirst();
  }

  listApiKeys(): Promise<ApiKeyRow[]> {
    return this.db.selectFrom("api_keys").selectAll().orderBy("id").execute();
  }

  async revokeApiKey(id: string, now: number): Promise<void> {
    await this.db
      .updateTable("api_keys")
      .set({ revoked_at: now })
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .execute();
  }

  async touchApiKey(id: string, now: number): Promise<void> {
    await this.db.updateTable("api_keys").set({ last_used_at: now }).where("id", "=", id).execute();
  }
}
