import { AuthRepository, AuthService, loginFreezeOf } from "../auth/index.js";
import { systemClock } from "../platform/clock.js";
import { PlatformError } from "../platform/errors.js";
import { createLogger } from "../platform/logger.js";
import { migrateToLatest } from "../platform/store/migrate.js";
import { openStore } from "../platform/store/store.js";
import { migrations } from "../registry.js";
import { type ConfigOption, configOrExit, fail, readStdin } from "./shared.js";

/** `wxgate admin create`: adds an administrator; the password comes from stdin or is generated. */
export async function adminCreateCommand(
  options: ConfigOption & { username: string; passwordStdin?: boolean },
) {
  const config = configOrExit(options);
  const password = options.passwordStdin ? (await readStdin()).replace(/\r?\n$/, "") : undefined;
  const store = await openStore(config.databaseUrl);
  try {
    await migrateToLatest(store.db, migrations);
    const service = new AuthService({
      repository: new AuthRepository(store.db),
      clock: systemClock,
      logger: createLogger({ level: "warn" }),
      loginFreeze: loginFreezeOf(config),
    });
    const { user, generatedPassword } = await service.createAdmin({
      username: options.username,
      ...(password !== undefined ? { password } : {}),
    });
    process.stdout.write(`wxgate: created the administrator ${user.username}\n`);
    if (generatedPassword) process.stdout.write(`  password  ${generatedPassword}\n  (shown only now)\n`);
  } catch (error) {
    fail(error instanceof PlatformError || error instanceof Error ? error.message : String(error));
  } finally {
    await store.close();
  }
}
