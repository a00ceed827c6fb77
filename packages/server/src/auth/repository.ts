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
  userId: string;
  username: string;
  role: "owner" | "admin" | "member";
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
      })
      .execute();
  }

  findLiveSession(id: string, now: number): Promise<SessionWithUser | undefined> {
    return this.db
      .selectFrom("sessions")
      .innerJoin("users", "users.id", "sessions.user_id")
      .select([
        "sessions.id as id",
        "sessions.csrf_token as csrfToken",
        "sessions.expires_at as expiresAt",
        "sessions.last_seen_at as lastSeenAt",
        "users.id as userId",
        "users.username as username",
        "users.role as role",
      ])
      .where("sessions.id", "=", id)
      .where("sessions.expires_at", ">", now)
      .where("users.disabled_at", "is", null)
      .executeTakeFirst();
  }

  async touchSession(id: string, now: number): Promise<void> {
    await this.db.updateTable("sessions").set({ last_seen_at: now }).where("id", "=", id).execute();
  }

  async deleteSession(id: string): Promise<void> {
    await this.db.deleteFrom("sessions").where("id", "=", id).execute();
  }

  async deleteExpiredSessions(now: number): Promise<number> {
    const result = await this.db.deleteFrom("sessions").where("expires_at", "<=", now).executeTakeFirst();
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
