import type { EventBus } from "../platform/bus.js";
import { LruCache } from "../platform/cache.js";
import { errors, PlatformError } from "../platform/errors.js";
import type { Logger } from "../platform/logger.js";
import type { Clock } from "../platform/ports.js";
import { randomToken, sha256Hex } from "../platform/secrets.js";
import { normalizeUsername, type PasswordHasher } from "./admins.js";
import type { SignInAnnouncement } from "./events.js";
import { generatePassword, type ScryptCost } from "./password.js";
import type { AuthRepository, LoginFailures, UserRow } from "./repository.js";
import { type ChallengeView, invalidCode, type SecondFactor, type SignInOrigin } from "./second-factor.js";
import type { TotpFactor } from "./totp.js";

/** Freeze a login after repeated wrong passwords. */
export interface LoginFreezePolicy {
  /** Consecutive wrong passwords that freeze the login. */
  maxFailures: number;
  freezeMs: number;
}

/** A signed-in session as returned to its owner. */
export interface SessionView {
  user: { id: string; username: string };
  csrfToken: string;
  expiresAt: number;
}

/** What a right password leads to: a session, or a second step before it. */
export type SignInResult =
  | ({ kind: "session" } & SessionView & { sessionToken: string })
  | ({ kind: "second_factor" } & ChallengeView);

/** Where a sign-in comes from, as the routes tell it. */
export interface SignInRequest {
  ip: string | null;
  userAgent: string | null;
  /** The cookie of a session the browser still holds: it ends, the new session replaces it. */
  previousSessionToken?: string | undefined;
  /** The device cookie the browser presented. */
  deviceToken?: string | undefined;
}

/** Options of {@link SignIns}. */
export interface SignInsOptions {
  repository: AuthRepository;
  clock: Clock;
  logger: Logger;
  loginFreeze: LoginFreezePolicy;
  passwords: PasswordHasher;
  scryptCost: ScryptCost;
  /** How long a session lasts at most. */
  sessionMaxMs: number;
  /**
   * The second factor of sign-ins from new devices, and TOTP. Without it (tests of other rules)
   * a right password opens a session at once and confirmations take the password only.
   */
  secondFactor?: { gate: SecondFactor; totp: TotpFactor } | undefined;
  /** Where sign-ins are announced (`auth.sign_in`). */
  bus?: EventBus | undefined;
}

function frozen(until: number, now: number): PlatformError {
  return new PlatformError(
    "login_frozen",
    "this login is frozen after too many wrong passwords",
    { frozenUntil: until },
    { retryAfterMs: until - now },
  );
}

/**
 * Signing in: the password (the freeze, the same answer and work for unknown usernames), the
 * second factor a new device needs, the session it opens, and the announcement of each
 * attempt; also checking a signed-in user's password or TOTP code again (a confirmation),
 * counted towards the freeze alike.
 */
export class SignIns {
  private readonly repository: AuthRepository;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly loginFreeze: LoginFreezePolicy;
  private readonly passwords: PasswordHasher;
  private readonly scryptCost: ScryptCost;
  private readonly sessionMaxMs: number;
  private readonly secondFactor: SignInsOptions["secondFactor"];
  private readonly bus: EventBus | undefined;
  private dummyHash: Promise<string> | undefined;
  /**
   * Wrong sign-ins under usernames that do not exist, counted and frozen like a user's: were
   * only real users frozen, `login_frozen` after a few guesses would tell that a name exists.
   * Kept in memory (a restart forgets them; a real user's count is in the store).
   */
  private readonly unknownFailures: LruCache<LoginFailures>;

  constructor(options: SignInsOptions) {
    this.repository = options.repository;
    this.clock = options.clock;
    this.logger = options.logger;
    this.loginFreeze = options.loginFreeze;
    this.passwords = options.passwords;
    this.scryptCost = options.scryptCost;
    this.sessionMaxMs = options.sessionMaxMs;
    this.secondFactor = options.secondFactor;
    this.bus = options.bus;
    this.unknownFailures = new LruCache({
      maxEntries: 10_000,
      defaultTtlMs: Math.max(this.loginFreeze.freezeMs, 60_000),
      clock: this.clock,
    });
  }

  /**
   * Checks the password and opens a session. Unknown users cost the same scrypt work as
   * known ones (against a dummy hash of the same cost) and get the same answer, so neither
   * timing nor the answer reveals which usernames exist. `loginFreeze.maxFailures` wrong
   * passwords in a row freeze the login for `loginFreeze.freezeMs`, right password or not;
   * a successful sign-in resets the count, and so does the end of a freeze.
   */
  async login(input: { username: string; password: string } & SignInRequest): Promise<SignInResult> {
    const now = this.clock.now();
    const username = normalizeUsername(input.username);
    const user = await this.repository.findUserByUsername(username);
    const announce = (outcome: SignInAnnouncement["outcome"], userId: string | null) =>
      this.announce({ userId, username, outcome, newDevice: false }, input);
    if (!user) {
      // The same answers, in the same order and at the same cost, as for a real user.
      const previous = this.unknownFailures.get(username) ?? { failures: 0, lockedUntil: null };
      if (previous.lockedUntil !== null && previous.lockedUntil > now) {
        announce("frozen", null);
        throw frozen(previous.lockedUntil, now);
      }
      this.dummyHash ??= this.passwords.hash(generatePassword(), this.scryptCost);
      await this.passwords.verify(input.password, await this.dummyHash);
      this.unknownFailures.set(username, this.nextFailures(previous, now));
      announce("failure", null);
      throw new PlatformError("invalid_credentials", "the username or password is wrong");
    }
    if (user.locked_until !== null && user.locked_until > now) {
      announce("frozen", user.id);
      throw frozen(user.locked_until, now);
    }
    if (!(await this.passwords.verify(input.password, user.password_hash))) {
      await this.countFailure(user, now, "wrong password");
      announce("failure", user.id);
      throw new PlatformError("invalid_credentials", "the username or password is wrong");
    }
    if (user.disabled_at !== null) {
      announce("failure", user.id);
      // Told only with the right password: the answer reveals nothing to a guesser.
      throw new PlatformError("forbidden", "this user is disabled", { reason: "user_disabled" });
    }
    const gate = this.secondFactor
      ? await this.secondFactor.gate.gate(user, this.originOf(input))
      : { kind: "open" as const, newDevice: false };
    if (gate.kind === "challenge") return { kind: "second_factor", ...gate.view };
    return { kind: "session", ...(await this.openSession(user, input, gate.newDevice)) };
  }

  /**
   * The second step of a sign-in from a new device: the TOTP or e-mailed code of the challenge
   * the password step answered. A wrong code counts towards the login freeze like a wrong
   * password; the right one opens the session and makes the browser a known device (its
   * cookie returned as `deviceToken`).
   */
  async complete(
    input: { challenge: string; code: string } & SignInRequest,
  ): Promise<SessionView & { sessionToken: string; deviceToken: string }> {
    const factor = this.secondFactor?.gate;
    if (!factor) throw new PlatformError("second_factor_expired", "there is no sign-in to complete");
    const row = await factor.pending(input.challenge);
    const user = await this.repository.findUser(row.user_id);
    if (!user || user.disabled_at !== null) {
      throw new PlatformError("second_factor_expired", "this sign-in has expired; sign in again");
    }
    const now = this.clock.now();
    const announce = (outcome: SignInAnnouncement["outcome"]) =>
      this.announce({ userId: user.id, username: user.username, outcome, newDevice: true }, input);
    if (user.locked_until !== null && user.locked_until > now) {
      announce("frozen");
      throw frozen(user.locked_until, now);
    }
    const result = await factor.check(row, input.challenge, input.code);
    if (!result.ok) {
      const { lockedUntil } = await this.countFailure(user, now, `wrong ${row.method} code at sign-in`);
      announce("failure");
      if (lockedUntil !== null) throw frozen(lockedUntil, now);
      throw invalidCode({ attemptsLeft: result.attemptsLeft });
    }
    const deviceToken = await factor.remember(user.id, this.originOf(input));
    return { ...(await this.openSession(user, input, true)), deviceToken };
  }

  /** Sends a new e-mailed code to a sign-in waiting for it. */
  async resendCode(challenge: string): Promise<{ expiresAt: number }> {
    const factor = this.secondFactor?.gate;
    if (!factor) throw new PlatformError("second_factor_expired", "there is no sign-in to complete");
    const row = await factor.pending(challenge);
    const user = await this.repository.findUser(row.user_id);
    if (!user) throw new PlatformError("second_factor_expired", "this sign-in has expired; sign in again");
    return factor.resend(challenge, user);
  }

  private originOf(input: SignInRequest): SignInOrigin {
    return { ip: input.ip, userAgent: input.userAgent, deviceToken: input.deviceToken };
  }

  /** The session of a completed sign-in: a new id, replacing the cookie the browser came with. */
  private async openSession(
    user: UserRow,
    input: SignInRequest,
    newDevice: boolean,
  ): Promise<SessionView & { sessionToken: string }> {
    const now = this.clock.now();
    await this.repository.recordLoginSuccess(user.id, now);
    // A new session id at every sign-in: a cookie planted before it (session fixation) is worth nothing.
    if (input.previousSessionToken)
      await this.repository.deleteSession(sha256Hex(input.previousSessionToken));
    const sessionToken = randomToken(32);
    const csrfToken = randomToken(24);
    const expiresAt = now + this.sessionMaxMs;
    await this.repository.insertSession({
      id: sha256Hex(sessionToken),
      userId: user.id,
      csrfToken,
      now,
      expiresAt,
      ip: input.ip,
      userAgent: input.userAgent?.slice(0, 300) ?? null,
    });
    this.logger.info({ user: { id: user.id, username: user.username }, newDevice }, "signed in");
    this.announce({ userId: user.id, username: user.username, outcome: "success", newDevice }, input);
    return { sessionToken, csrfToken, expiresAt, user: { id: user.id, username: user.username } };
  }

  /** A wrong password or code of a real user, counted towards the login freeze. */
  private async countFailure(user: UserRow, now: number, what: string): Promise<LoginFailures> {
    const counted = await this.repository.recordLoginFailure(user.id, now, (previous) =>
      this.nextFailures(previous, now),
    );
    this.logger.warn({ user: { id: user.id }, failures: counted.failures }, what);
    if (counted.lockedUntil !== null) {
      this.logger.warn({ user: { id: user.id }, frozenUntil: counted.lockedUntil }, "login frozen");
    }
    return counted;
  }

  private announce(
    event: Pick<SignInAnnouncement, "userId" | "username" | "outcome" | "newDevice">,
    origin: Pick<SignInRequest, "ip" | "userAgent">,
  ): void {
    this.bus?.emit("auth.sign_in", {
      ...event,
      ip: origin.ip,
      userAgent: origin.userAgent?.slice(0, 300) ?? null,
      at: this.clock.now(),
    });
  }

  /**
   * Checks a signed-in user's password (a confirmation): a frozen login is refused, and a
   * wrong password counts towards the freeze as a wrong sign-in does.
   */
  async verifySignedIn(user: UserRow, password: string): Promise<boolean> {
    const now = this.clock.now();
    if (user.locked_until !== null && user.locked_until > now) throw frozen(user.locked_until, now);
    if (await this.passwords.verify(password, user.password_hash)) return true;
    await this.countFailure(user, now, "a confirmation failed: wrong password");
    return false;
  }

  /**
   * Checks a signed-in user's TOTP code (a confirmation): as {@link verifySignedIn}, a wrong or
   * reused code counts towards the freeze. A user without an active TOTP is told so (409).
   */
  async verifyTotp(user: UserRow, code: string): Promise<boolean> {
    const now = this.clock.now();
    if (user.locked_until !== null && user.locked_until > now) throw frozen(user.locked_until, now);
    const totp = this.secondFactor?.totp;
    if (!totp || !(await totp.status(user.id)).enabled) {
      throw errors.conflict("TOTP is not active for this user; confirm with the password", {
        reason: "totp_not_enrolled",
      });
    }
    if (await totp.check(user.id, code)) return true;
    await this.countFailure(user, now, "a confirmation failed: wrong TOTP code");
    return false;
  }

  private nextFailures(previous: LoginFailures, now: number): LoginFailures {
    const freezeEnded = previous.lockedUntil !== null && previous.lockedUntil <= now;
    const failures = (freezeEnded ? 0 : previous.failures) + 1;
    const { maxFailures, freezeMs } = this.loginFreeze;
    return { failures, lockedUntil: failures >= maxFailures ? now + freezeMs : null };
  }
}
