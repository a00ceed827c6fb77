import type { DomainModule, ModuleContext } from "../module.js";
import type { Config } from "../platform/config.js";
import type { Role } from "../platform/policy.js";
import { authJobs } from "./jobs.js";
import { codeMail, SandboxMailbox } from "./mailer.js";
import type { ScryptCost } from "./password.js";
import { authPolicy } from "./policy.js";
import { AuthRepository } from "./repository.js";
import { authRoutes } from "./routes.js";
import { SecondFactor } from "./second-factor.js";
import { SecondFactorRepository } from "./second-factor-repository.js";
import { sandboxMailRoutes, securityRoutes } from "./security-routes.js";
import { type AccessSource, AuthService, type LoginFreezePolicy, normalizeUsername } from "./service.js";
import { sessionRoutes } from "./session-routes.js";
import type { SessionPolicy } from "./sessions.js";
import { TotpFactor } from "./totp.js";

export { authConfig } from "./config.js";
export type { SignInAnnouncement } from "./events.js";
export { authMigrations } from "./migrations/index.js";
export type { ScryptCost } from "./password.js";
export { authPolicy } from "./policy.js";
export { AuthRepository } from "./repository.js";
export { type AccessSource, API_KEY_PREFIX, AuthService, normalizeUsername } from "./service.js";

/** A user as other modules see one: never a password. */
export interface UserSummary {
  id: string;
  username: string;
  displayName: string | null;
  role: Role;
  disabled: boolean;
  /** Whether the user signs in with TOTP as well (an authorization review flags admins without). */
  totpEnabled: boolean;
}

/**
 * What the auth module offers other modules about users: who they are, and the hooks of the
 * access they have beyond their role.
 */
export interface UserDirectory {
  find(id: string): Promise<UserSummary | undefined>;
  findByUsername(username: string): Promise<UserSummary | undefined>;
  /** The owner: the first user (undefined before anyone signed up). */
  owner(): Promise<UserSummary | undefined>;
  /** Sets what limits signed-in users beyond their role. */
  useAccess(source: AccessSource): void;
  /** A user's department or grants changed (see `AuthService.privilegesChanged`). */
  privilegesChanged(userId: string): Promise<void>;
  /** Every user, in the order they were made. */
  all(): Promise<UserSummary[]>;
  /**
   * Uses up the session's fresh confirmation (a secret's view takes one): true when there was
   * one to use, false when it was used or lapsed already.
   */
  consumeConfirmation(sessionId: string): Promise<boolean>;
  /** When each user was last active (signed in, or used a session); absent when never. */
  lastActivity(userIds: readonly string[]): Promise<ReadonlyMap<string, number>>;
  /** The users among these who have turned on a second factor (an authenticator app, TOTP). */
  totpEnrolled(userIds: readonly string[]): Promise<ReadonlySet<string>>;
}

declare module "../platform/services.js" {
  interface ModuleServices {
    /** Users, for the modules that give them access (the team module). */
    users: UserDirectory;
  }
}

/** Session lifetimes and the confirmation window as configured. */
export function sessionPolicyOf(config: Config): SessionPolicy {
  return {
    idleMs: config.auth.sessionIdleMinutes * 60_000,
    maxMs: config.auth.sessionMaxHours * 60 * 60_000,
    confirmationMs: config.auth.confirmationMinutes * 60_000,
  };
}

/** The login freeze as configured. */
export function loginFreezeOf(config: Config): LoginFreezePolicy {
  return { maxFailures: config.auth.loginMaxFailures, freezeMs: config.auth.loginFreezeMinutes * 60_000 };
}

/**
 * The auth module and its service (which the HTTP edge also uses as its authenticator).
 * The login freeze and the sign-in limits come from the configuration, here and nowhere else.
 */
export function createAuth(
  context: ModuleContext,
  options: { scryptCost?: ScryptCost } = {},
): { module: DomainModule; service: AuthService } {
  const { config } = context;
  const repository = new AuthRepository(context.db);
  const factors = new SecondFactorRepository(context.db);
  const totp = new TotpFactor({
    repository: factors,
    secrets: context.secrets,
    clock: context.clock,
    logger: context.logger,
  });
  const sandbox = config.mode === "sandbox";
  const mailbox = sandbox ? new SandboxMailbox() : undefined;
  const secondFactor = new SecondFactor({
    repository: factors,
    totp,
    mail: codeMail({
      smtpUrl: config.auth.smtpUrl,
      from: config.auth.mailFrom,
      sandbox: mailbox,
      clock: context.clock,
      logger: context.logger,
    }),
    clock: context.clock,
    logger: context.logger,
    newDeviceVerification: config.auth.newDeviceVerification,
    codeMs: config.auth.secondFactorMinutes * 60_000,
    sandbox,
  });
  const service = new AuthService({
    repository,
    clock: context.clock,
    logger: context.logger,
    loginFreeze: loginFreezeOf(config),
    sessionPolicy: sessionPolicyOf(config),
    secondFactor: { gate: secondFactor, totp },
    bus: context.bus,
    ...options,
  });
  const summary = (row: Awaited<ReturnType<AuthRepository["findUser"]>>): UserSummary | undefined =>
    row && {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      role: row.role,
      disabled: row.disabled_at !== null,
      totpEnabled: row.totp_enabled_at !== null,
    };
  context.provide("users", {
    find: async (id) => summary(await repository.findUser(id)),
    findByUsername: async (username) =>
      summary(await repository.findUserByUsername(normalizeUsername(username))),
    owner: async () => summary((await repository.listUsers()).find((row) => row.role === "owner")),
    useAccess: (source) => service.useAccess(source),
    privilegesChanged: (userId) => service.privilegesChanged(userId),
    all: async () =>
      (await repository.listUsers()).flatMap((row) => {
        const user = summary(row);
        return user ? [user] : [];
      }),
    consumeConfirmation: (sessionId) =>
      repository.consumeConfirmation(
        sessionId,
        context.clock.now() - config.auth.confirmationMinutes * 60_000,
      ),
    lastActivity: (userIds) => repository.lastActivity(userIds),
    totpEnrolled: (userIds) => repository.totpEnrolled(userIds),
  });
  const module: DomainModule = {
    name: "auth",
    policies: [authPolicy],
    routes: [
      ...authRoutes(service, {
        secureCookie: config.publicUrl.startsWith("https:"),
        signInLimits: {
          perAddress: {
            max: config.auth.signInIpLimit,
            windowMs: config.auth.signInIpWindowMinutes * 60_000,
          },
          perUsername: {
            max: config.auth.signInUsernameLimit,
            windowMs: config.auth.signInUsernameWindowMinutes * 60_000,
          },
        },
        loginFreeze: {
          maxFailures: config.auth.loginMaxFailures,
          freezeMinutes: config.auth.loginFreezeMinutes,
        },
      }),
      ...sessionRoutes(service, { confirmationMinutes: config.auth.confirmationMinutes }),
      ...securityRoutes(service, {
        secureCookie: config.publicUrl.startsWith("https:"),
        secondFactor,
        totp,
        findUser: (id) => repository.findUser(id),
        setEmail: async (userId, email) => {
          await repository.updateUser(userId, { email }, context.clock.now());
          context.logger.info({ user: { id: userId } }, "the user changed their e-mail address");
        },
        perAddress: {
          max: config.auth.signInIpLimit,
          windowMs: config.auth.signInIpWindowMinutes * 60_000,
        },
      }),
      ...(mailbox ? sandboxMailRoutes(mailbox) : []),
    ],
    jobs: authJobs(service),
  };
  return { module, service };
}
