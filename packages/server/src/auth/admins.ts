import { errors, PlatformError } from "../platform/errors.js";
import { newId } from "../platform/ids.js";
import type { Logger } from "../platform/logger.js";
import { type Actor, actorLabel } from "../platform/policy.js";
import type { Clock } from "../platform/ports.js";
import { generatePassword, type ScryptCost } from "./password.js";
import { adminAbilities, passwordResetRefusal, userChangeRefusal } from "./policy.js";
import type { AuthRepository, UserRow } from "./repository.js";

const USERNAME = /^[a-z0-9][a-z0-9._-]{2,63}$/;
export const MIN_PASSWORD = 10;
export const MAX_PASSWORD = 256;

/** How passwords are hashed and checked: scrypt, unless a test counts the calls. */
export interface PasswordHasher {
  hash(password: string, cost: ScryptCost): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
}

/** Usernames are compared trimmed and in lower case: `Ops ` and `ops` are one login. */
export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

function usernameTaken(username: string): PlatformError {
  return new PlatformError("username_taken", `an administrator named ${username} already exists`, {
    username,
  });
}

/** A role a user may be given: the owner is the first user, and stays the only one. */
export type GivenRole = "admin" | "member";

/** A user as listed: never a password hash. */
export interface AdminView {
  id: string;
  username: string;
  role: "owner" | "admin" | "member";
  displayName: string | null;
  email: string | null;
  /** When the user was disabled (epoch ms); null while they may sign in. */
  disabledAt: number | null;
  createdAt: number;
  lastLoginAt: number | null;
  /** While a login freeze lasts, its end (epoch ms); null otherwise. */
  frozenUntil: number | null;
  /** Whether the user signs in with TOTP as well (the authorization review flags admins without). */
  totpEnabled: boolean;
}

/** What the services are built with. */
export interface AdministratorsDeps {
  repository: AuthRepository;
  clock: Clock;
  logger: Logger;
  passwords: PasswordHasher;
  scryptCost: ScryptCost;
  /** Told when a user's role or access changed (their sessions are rotated there). */
  privilegesChanged: (userId: string) => Promise<void>;
}

/**
 * The administrators who sign in to the console: listing them, adding one, resetting another's
 * password. A password is given, or generated and returned once — it is stored only as its
 * scrypt hash. A reset ends every session of the user and lifts a login freeze.
 */
export class Administrators {
  constructor(private readonly deps: AdministratorsDeps) {}

  #view(row: UserRow, now: number): AdminView {
    return {
      id: row.id,
      username: row.username,
      role: row.role,
      displayName: row.display_name,
      email: row.email,
      disabledAt: row.disabled_at,
      createdAt: row.created_at,
      lastLoginAt: row.last_login_at,
      frozenUntil: row.locked_until !== null && row.locked_until > now ? row.locked_until : null,
      totpEnabled: row.totp_enabled_at !== null,
    };
  }

  #password(given: string | undefined): { password: string; generated: string | undefined } {
    const generated = given === undefined ? generatePassword() : undefined;
    const password = given ?? generated!;
    if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
      throw errors.validation(`a password is ${MIN_PASSWORD} to ${MAX_PASSWORD} characters`, {
        reason: "password_length",
        min: MIN_PASSWORD,
        max: MAX_PASSWORD,
      });
    }
    return { password, generated };
  }

  /** Every administrator, oldest first, with what `actor` can do with each. */
  async list(actor: Actor) {
    const now = this.deps.clock.now();
    return (await this.deps.repository.listUsers()).map((row) => ({
      ...this.#view(row, now),
      abilities: adminAbilities(actor, row),
    }));
  }

  /**
   * Adds an administrator. Without a password, one is generated and returned — the only time it
   * exists in clear.
   */
  async create(input: {
    username: string;
    password?: string | undefined;
    role?: GivenRole | undefined;
    displayName?: string | undefined;
    email?: string | undefined;
  }): Promise<{
    admin: AdminView;
    generatedPassword: string | undefined;
  }> {
    const username = normalizeUsername(input.username);
    if (!USERNAME.test(username)) {
      throw errors.validation(
        "a username is 3 to 64 characters: lower-case letters, digits, dot, dash, underscore; it starts with a letter or digit",
        { reason: "invalid_username" },
      );
    }
    const { password, generated } = this.#password(input.password);
    const { repository, clock, passwords, scryptCost, logger } = this.deps;
    if (await repository.findUserByUsername(username)) {
      throw usernameTaken(username);
    }
    const now = clock.now();
    const id = newId(now);
    const passwordHash = await passwords.hash(password, scryptCost);
    // The first user owns the platform; everyone after is an administrator unless told otherwise.
    const role = (await repository.countUsers()) === 0 ? "owner" : (input.role ?? "admin");
    try {
      await repository.insertUser({
        id,
        username,
        passwordHash,
        now,
        role,
        displayName: input.displayName?.trim() || null,
        email: input.email?.trim() || null,
      });
    } catch (error) {
      // Two requests for one name: the unique index lets one in.
      if (await repository.findUserByUsername(username)) {
        throw usernameTaken(username);
      }
      throw error;
    }
    logger.info({ user: { id, username, role } }, "user created");
    const row = await repository.findUser(id);
    return { admin: this.#view(row!, now), generatedPassword: generated };
  }

  /**
   * Changes a user's role, display name, e-mail, or disables / enables them. The owner's role
   * and access never change, and a session changes neither its own user's role nor access.
   * Disabling ends every session of the user; a change of role or access tells
   * `privilegesChanged`.
   */
  async update(
    actor: Actor,
    userId: string,
    patch: {
      role?: GivenRole | undefined;
      displayName?: string | null | undefined;
      email?: string | null | undefined;
      disabled?: boolean | undefined;
    },
  ): Promise<AdminView & { sessionsEnded: number }> {
    const { repository, clock, logger } = this.deps;
    const user = await repository.findUser(userId);
    if (!user) throw errors.notFound("the user");
    const changesAccess =
      (patch.role !== undefined && patch.role !== user.role) ||
      (patch.disabled !== undefined && patch.disabled !== (user.disabled_at !== null));
    const refusal = changesAccess ? userChangeRefusal(actor, user) : undefined;
    if (refusal) {
      throw errors.conflict(
        refusal === "owner_protected"
          ? "the owner's role and access cannot change"
          : "a session cannot change its own user's role or access",
        { reason: refusal },
      );
    }
    const now = clock.now();
    const sessionsEnded = await repository.updateUser(
      userId,
      {
        ...(patch.role === undefined ? {} : { role: patch.role }),
        ...(patch.displayName === undefined ? {} : { displayName: patch.displayName?.trim() || null }),
        ...(patch.email === undefined ? {} : { email: patch.email?.trim() || null }),
        ...(patch.disabled === undefined || patch.disabled === (user.disabled_at !== null)
          ? {}
          : { disabledAt: patch.disabled ? now : null }),
      },
      now,
    );
    if (changesAccess) {
      logger.info(
        {
          user: { id: user.id, username: user.username },
          role: patch.role,
          disabled: patch.disabled,
          by: actorLabel(actor),
        },
        "user's role or access changed",
      );
      await this.deps.privilegesChanged(userId);
    }
    const row = await repository.findUser(userId);
    return { ...this.#view(row!, now), sessionsEnded };
  }

  /**
   * Gives another administrator a new password (given, or generated and returned once), lifts
   * a login freeze, and ends every session of theirs.
   */
  async resetPassword(
    actor: Actor,
    userId: string,
    input: { password?: string | undefined },
  ): Promise<{ generatedPassword: string | undefined; sessionsEnded: number }> {
    const { repository, clock, passwords, scryptCost, logger } = this.deps;
    const user = await repository.findUser(userId);
    if (!user) throw errors.notFound("the administrator");
    if (passwordResetRefusal(actor, userId)) {
      throw errors.conflict("a session cannot reset its own user's password; another administrator can", {
        reason: "own_password",
      });
    }
    const { password, generated } = this.#password(input.password);
    const sessionsEnded = await repository.replacePassword(
      userId,
      await passwords.hash(password, scryptCost),
      clock.now(),
    );
    logger.info(
      { user: { id: user.id, username: user.username }, sessionsEnded, by: actorLabel(actor) },
      "admin password reset",
    );
    return { generatedPassword: generated, sessionsEnded };
  }
}
