import type { Principal } from "../http/principal.js";
import { errors, PlatformError } from "../platform/errors.js";
import type { Logger } from "../platform/logger.js";
import type { Clock } from "../platform/ports.js";
import type { AuthRepository, SessionRow, UserRow } from "./repository.js";

/** How long console sessions live and how long a confirmation admits risk operations. */
export interface SessionPolicy {
  /** A session ends after this long without a request. */
  idleMs: number;
  /** A session ends this long after sign-in, however active. */
  maxMs: number;
  /** A confirmation (the password again) admits risk operations for this long. */
  confirmationMs: number;
}

export const defaultSessionPolicy: SessionPolicy = {
  idleMs: 60 * 60_000,
  maxMs: 12 * 60 * 60_000,
  confirmationMs: 5 * 60_000,
};

/** One of the user's sessions as shown to them: where and when it is used, never its cookie. */
export interface SessionListing {
  id: string;
  current: boolean;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  /** The session ends at the first of its expiry and its idle limit. */
  idleUntil: number;
  confirmedAt: number | null;
  /** Until when that confirmation admits risk operations (the server's window); null without one. */
  confirmedUntil: number | null;
  ip: string | null;
  userAgent: string | null;
  /** A short description of the browser and system, read from the user agent. */
  device: string;
}

/** What {@link ConsoleSessions} needs of the service: checking the user's password, counted as a sign-in. */
export interface PasswordCheck {
  /** Verifies the password of a signed-in user; a wrong one counts towards the login freeze. */
  verifySignedIn(user: UserRow, password: string): Promise<boolean>;
  /** Verifies the TOTP code of a signed-in user; a wrong one counts towards the login freeze. */
  verifyTotp(user: UserRow, code: string): Promise<boolean>;
}

/** What confirms a user's identity: the password, or a code of their TOTP. */
export type ConfirmationProof = { password: string } | { totp: string };

/**
 * The signed-in user's own sessions: listing them, ending one or all the others, and confirming
 * their identity again before a risk operation (the password, within
 * {@link SessionPolicy.confirmationMs}; the edge refuses risk operations without it).
 */
export class ConsoleSessions {
  constructor(
    private readonly options: {
      repository: AuthRepository;
      clock: Clock;
      logger: Logger;
      policy: SessionPolicy;
      passwords: PasswordCheck;
    },
  ) {}

  /** The time before which a session's last request makes it idle, now. */
  idleSince(now: number): number {
    return now - this.options.policy.idleMs;
  }

  /** Whether a confirmation at `confirmedAt` still admits risk operations at `now`. */
  fresh(confirmedAt: number | null, now: number): boolean {
    return confirmedAt !== null && now - confirmedAt < this.options.policy.confirmationMs;
  }

  /**
   * Confirms the signed-in user's identity with their password or a TOTP code: risk operations
   * are admitted until `confirmedUntil`. A wrong one is refused like a wrong sign-in and counts
   * towards the login freeze.
   */
  async confirm(principal: Principal, proof: ConfirmationProof): Promise<{ confirmedUntil: number }> {
    const { sessionId, userId } = sessionOf(principal);
    const { repository, clock, logger, policy } = this.options;
    const user = await repository.findUser(userId);
    if (!user) throw errors.unauthorized("the session has ended; sign in again");
    const right =
      "totp" in proof
        ? await this.options.passwords.verifyTotp(user, proof.totp)
        : await this.options.passwords.verifySignedIn(user, proof.password);
    if (!right) {
      throw "totp" in proof
        ? new PlatformError("invalid_credentials", "the code is wrong or was already used", {
            reason: "wrong_code",
          })
        : new PlatformError("invalid_credentials", "the password is wrong");
    }
    const now = clock.now();
    await repository.confirmSession(sessionId, now);
    logger.info({ user: { id: userId } }, "identity confirmed");
    return { confirmedUntil: now + policy.confirmationMs };
  }

  async list(principal: Principal): Promise<SessionListing[]> {
    const { sessionId, userId } = sessionOf(principal);
    const now = this.options.clock.now();
    const rows = await this.options.repository.listSessions(userId, now, this.idleSince(now));
    return rows.map((row) => this.listing(row, sessionId));
  }

  /** Ends one of the user's own sessions (the current one too: that signs out). */
  async end(principal: Principal, id: string): Promise<void> {
    const { userId } = sessionOf(principal);
    if (!(await this.options.repository.deleteSessionOf(userId, id))) throw errors.notFound("the session");
    this.options.logger.info({ user: { id: userId } }, "a session was ended by its user");
  }

  /** Signs out everywhere else: every session of the user but this one ends. */
  async endOthers(principal: Principal): Promise<{ ended: number }> {
    const { sessionId, userId } = sessionOf(principal);
    const ended = await this.options.repository.deleteOtherSessions(userId, sessionId);
    this.options.logger.info({ user: { id: userId }, ended }, "signed out everywhere else");
    return { ended };
  }

  private listing(row: SessionRow, currentId: string): SessionListing {
    return {
      id: row.id,
      current: row.id === currentId,
      createdAt: row.createdAt,
      lastSeenAt: row.lastSeenAt,
      expiresAt: row.expiresAt,
      idleUntil: Math.min(row.expiresAt, row.lastSeenAt + this.options.policy.idleMs),
      confirmedAt: row.confirmedAt,
      confirmedUntil: row.confirmedAt === null ? null : row.confirmedAt + this.options.policy.confirmationMs,
      ip: row.ip,
      userAgent: row.userAgent,
      device: deviceOf(row.userAgent),
    };
  }
}

function sessionOf(principal: Principal): { sessionId: string; userId: string } {
  if (principal.kind !== "session" || !principal.sessionId || !principal.userId) throw errors.unauthorized();
  return { sessionId: principal.sessionId, userId: principal.userId };
}

const browsers: ReadonlyArray<[RegExp, string]> = [
  [/Edg(?:e|A|iOS)?\/[\d.]+/, "Edge"],
  [/MicroMessenger\/[\d.]+/, "WeChat"],
  [/(?:Chrome|CriOS)\/[\d.]+/, "Chrome"],
  [/(?:Firefox|FxiOS)\/[\d.]+/, "Firefox"],
  [/Version\/[\d.]+.*Safari\//, "Safari"],
  [/curl\/[\d.]+/, "curl"],
];
const systems: ReadonlyArray<[RegExp, string]> = [
  [/Windows NT/, "Windows"],
  [/iPhone|iPad|iPod/, "iOS"],
  [/Android/, "Android"],
  [/Mac OS X|Macintosh/, "macOS"],
  [/CrOS/, "ChromeOS"],
  [/Linux/, "Linux"],
];

/** "Chrome on macOS", from a user agent; enough to tell one's sessions apart. */
export function deviceOf(userAgent: string | null): string {
  if (!userAgent) return "unknown";
  const browser = browsers.find(([pattern]) => pattern.test(userAgent))?.[1];
  const system = systems.find(([pattern]) => pattern.test(userAgent))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? system ?? userAgent.slice(0, 40);
}
