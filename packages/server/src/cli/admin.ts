import { AuthRepository, AuthService, loginFreezeOf, normalizeUsername } from "../auth/index.js";
import { systemClock } from "../platform/clock.js";
import { PlatformError } from "../platform/errors.js";
import { createLogger } from "../platform/logger.js";
import type { Actor } from "../platform/policy.js";
import { migrateToLatest } from "../platform/store/migrate.js";
import { openStore } from "../platform/store/store.js";
import { migrations } from "../registry.js";
import { type ConfigOption, configOrExit, fail, readStdin } from "./shared.js";

/**
 * Whoever runs the CLI on the server's host: they hold the data folder and the master key
 * already, so they act as an administrator, but never as a console session (the rules that
 * guard a session from itself — resetting its own password — do not apply).
 */
const CLI_ACTOR: Actor = {
  via: "cli",
  id: "cli",
  userId: null,
  name: "cli",
  role: "admin",
  actions: new Set(),
  reach: { all: true },
  grants: null,
};

/** Runs `work` with the auth service on the configured store (migrated first), then closes it. */
async function withAuth(options: ConfigOption, work: (service: AuthService) => Promise<void>): Promise<void> {
  const config = configOrExit(options);
  const store = await openStore(config.databaseUrl);
  try {
    await migrateToLatest(store.db, migrations);
    await work(
      new AuthService({
        repository: new AuthRepository(store.db),
        clock: systemClock,
        logger: createLogger({ level: "warn" }),
        loginFreeze: loginFreezeOf(config),
      }),
    );
  } catch (error) {
    fail(error instanceof PlatformError || error instanceof Error ? error.message : String(error));
  } finally {
    await store.close();
  }
}

async function passwordFromStdin(passwordStdin: boolean | undefined): Promise<string | undefined> {
  return passwordStdin ? (await readStdin()).replace(/\r?\n$/, "") : undefined;
}

/** `wxgate admin create`: adds an administrator; the password comes from stdin or is generated. */
export async function adminCreateCommand(
  options: ConfigOption & { username: string; passwordStdin?: boolean },
) {
  const password = await passwordFromStdin(options.passwordStdin);
  await withAuth(options, async (service) => {
    const { user, generatedPassword } = await service.createAdmin({
      username: options.username,
      ...(password !== undefined ? { password } : {}),
    });
    process.stdout.write(`wxgate: created the administrator ${user.username}\n`);
    if (generatedPassword) process.stdout.write(`  password  ${generatedPassword}\n  (shown only now)\n`);
  });
}

/** `wxgate admin list`: every user, with their role, when made, last signed in, a freeze, and whether disabled. */
export async function adminListCommand(options: ConfigOption) {
  await withAuth(options, async (service) => {
    const admins = await service.admins.list(CLI_ACTOR);
    const time = (ms: number | null) =>
      ms === null ? "—" : new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
    const rows = [
      ["USERNAME", "ROLE", "CREATED", "LAST SIGN-IN", "FROZEN UNTIL", "DISABLED"],
      ...admins.map((a) => [
        a.username,
        a.role,
        time(a.createdAt),
        time(a.lastLoginAt),
        time(a.frozenUntil),
        time(a.disabledAt),
      ]),
    ];
    const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
    for (const row of rows)
      process.stdout.write(
        `${row
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join("  ")
          .trimEnd()}\n`,
      );
    process.stdout.write(`${admins.length} administrator${admins.length === 1 ? "" : "s"}\n`);
  });
}

/**
 * `wxgate admin reset-password`: a new password for an administrator (from stdin, or generated
 * and printed once); their sessions end and a login freeze is lifted.
 */
export async function adminResetPasswordCommand(
  options: ConfigOption & { username: string; passwordStdin?: boolean },
) {
  const password = await passwordFromStdin(options.passwordStdin);
  await withAuth(options, async (service) => {
    const username = normalizeUsername(options.username);
    const admin = (await service.admins.list(CLI_ACTOR)).find((a) => a.username === username);
    if (!admin) throw new Error(`no administrator is called ${username}`);
    const { generatedPassword, sessionsEnded } = await service.admins.resetPassword(CLI_ACTOR, admin.id, {
      password,
    });
    process.stdout.write(
      `wxgate: a new password for ${username}; ${sessionsEnded} session${sessionsEnded === 1 ? "" : "s"} ended\n`,
    );
    if (generatedPassword) process.stdout.write(`  password  ${generatedPassword}\n  (shown only now)\n`);
  });
}

/** `wxgate admin disable`: disables a user (their sessions end), or with `--enable` lets them in again. */
export async function adminDisableCommand(options: ConfigOption & { username: string; enable?: boolean }) {
  await withAuth(options, async (service) => {
    const username = normalizeUsername(options.username);
    const user = (await service.admins.list(CLI_ACTOR)).find((a) => a.username === username);
    if (!user) throw new Error(`no user is called ${username}`);
    const { sessionsEnded } = await service.admins.update(CLI_ACTOR, user.id, { disabled: !options.enable });
    process.stdout.write(
      options.enable
        ? `wxgate: ${username} may sign in again\n`
        : `wxgate: disabled ${username}; ${sessionsEnded} session${sessionsEnded === 1 ? "" : "s"} ended\n`,
    );
  });
}
