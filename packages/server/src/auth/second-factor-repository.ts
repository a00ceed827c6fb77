import type { Kysely, Selectable } from "kysely";
import type { Database } from "../platform/store/schema.js";
import type { KnownDevicesTable, SignInChallengesTable } from "./tables.js";

export type KnownDeviceRow = Selectable<KnownDevicesTable>;
export type ChallengeRow = Selectable<SignInChallengesTable>;

/** A user's TOTP as stored: the sealed secret, whether it is active, the last step used. */
export interface TotpRow {
  totp_secret: string | null;
  totp_enabled_at: number | null;
  totp_last_step: number | null;
}

/**
 * The second factor's rows: a user's TOTP columns, known devices and sign-ins waiting for their
 * second factor. Nothing here decides anything.
 */
export class SecondFactorRepository {
  constructor(private readonly db: Kysely<Database>) {}

  findTotp(userId: string): Promise<TotpRow | undefined> {
    return this.db
      .selectFrom("users")
      .select(["totp_secret", "totp_enabled_at", "totp_last_step"])
      .where("id", "=", userId)
      .executeTakeFirst();
  }

  /** Stores a new, not yet active, secret (replacing an enrolment never activated). */
  async startTotp(userId: string, sealedSecret: string, now: number): Promise<void> {
    await this.db
      .updateTable("users")
      .set({ totp_secret: sealedSecret, totp_enabled_at: null, totp_last_step: null, updated_at: now })
      .where("id", "=", userId)
      .where("totp_enabled_at", "is", null)
      .execute();
  }

  async activateTotp(userId: string, step: number, now: number): Promise<void> {
    await this.db
      .updateTable("users")
      .set({ totp_enabled_at: now, totp_last_step: step, updated_at: now })
      .where("id", "=", userId)
      .execute();
  }

  async disableTotp(userId: string, now: number): Promise<void> {
    await this.db
      .updateTable("users")
      .set({ totp_secret: null, totp_enabled_at: null, totp_last_step: null, updated_at: now })
      .where("id", "=", userId)
      .execute();
  }

  /**
   * Records the time step of an accepted code; false when that step (or a later one) was already
   * used — two requests with one code, only the first passes.
   */
  async useTotpStep(userId: string, step: number): Promise<boolean> {
    const result = await this.db
      .updateTable("users")
      .set({ totp_last_step: step })
      .where("id", "=", userId)
      .where((eb) => eb.or([eb("totp_last_step", "is", null), eb("totp_last_step", "<", step)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  findDevice(userId: string, tokenHash: string): Promise<KnownDeviceRow | undefined> {
    return this.db
      .selectFrom("known_devices")
      .selectAll()
      .where("user_id", "=", userId)
      .where("token_hash", "=", tokenHash)
      .executeTakeFirst();
  }

  async touchDevice(id: string, now: number, ip: string | null, userAgent: string | null): Promise<void> {
    await this.db
      .updateTable("known_devices")
      .set({ last_seen_at: now, ip, user_agent: userAgent })
      .where("id", "=", id)
      .execute();
  }

  /** Remembers a device for a user; a device already known is only touched. */
  async rememberDevice(device: {
    id: string;
    userId: string;
    tokenHash: string;
    now: number;
    ip: string | null;
    userAgent: string | null;
  }): Promise<void> {
    const known = await this.findDevice(device.userId, device.tokenHash);
    if (known) return this.touchDevice(known.id, device.now, device.ip, device.userAgent);
    await this.db
      .insertInto("known_devices")
      .values({
        id: device.id,
        user_id: device.userId,
        token_hash: device.tokenHash,
        first_seen_at: device.now,
        last_seen_at: device.now,
        ip: device.ip,
        user_agent: device.userAgent,
      })
      .execute();
  }

  /** A user's known devices, the most recently used first. */
  listDevices(userId: string): Promise<KnownDeviceRow[]> {
    return this.db
      .selectFrom("known_devices")
      .selectAll()
      .where("user_id", "=", userId)
      .orderBy("last_seen_at", "desc")
      .orderBy("id", "desc")
      .execute();
  }

  /** Forgets one of the user's devices; false when the user has no such device. */
  async forgetDevice(userId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom("known_devices")
      .where("user_id", "=", userId)
      .where("id", "=", id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  async insertChallenge(challenge: {
    id: string;
    userId: string;
    method: "totp" | "email";
    codeHash: string | null;
    now: number;
    expiresAt: number;
    ip: string | null;
    userAgent: string | null;
  }): Promise<void> {
    await this.db
      .insertInto("sign_in_challenges")
      .values({
        id: challenge.id,
        user_id: challenge.userId,
        method: challenge.method,
        code_hash: challenge.codeHash,
        attempts: 0,
        sends: challenge.codeHash === null ? 0 : 1,
        created_at: challenge.now,
        expires_at: challenge.expiresAt,
        ip: challenge.ip,
        user_agent: challenge.userAgent,
      })
      .execute();
  }

  findChallenge(id: string): Promise<ChallengeRow | undefined> {
    return this.db.selectFrom("sign_in_challenges").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /**
   * Counts a wrong code; returns the attempts made, or undefined when the challenge is gone or
   * already had `max` (a parallel guess does not get an extra try).
   */
  async countAttempt(id: string, max: number): Promise<number | undefined> {
    const result = await this.db
      .updateTable("sign_in_challenges")
      .set((eb) => ({ attempts: eb("attempts", "+", 1) }))
      .where("id", "=", id)
      .where("attempts", "<", max)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return undefined;
    return (await this.findChallenge(id))?.attempts;
  }

  /** A new e-mailed code for the challenge, its expiry pushed back; false past `maxSends`. */
  async replaceCode(id: string, codeHash: string, expiresAt: number, maxSends: number): Promise<boolean> {
    const result = await this.db
      .updateTable("sign_in_challenges")
      .set((eb) => ({ code_hash: codeHash, expires_at: expiresAt, sends: eb("sends", "+", 1) }))
      .where("id", "=", id)
      .where("sends", "<", maxSends)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Uses the challenge up: true for the one request that deleted it. */
  async consumeChallenge(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom("sign_in_challenges").where("id", "=", id).executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  async deleteExpiredChallenges(now: number): Promise<number> {
    const result = await this.db
      .deleteFrom("sign_in_challenges")
      .where("expires_at", "<=", now)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
