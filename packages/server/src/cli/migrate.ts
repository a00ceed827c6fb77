import { migrateToLatest } from "../platform/store/migrate.js";
import { openStore } from "../platform/store/store.js";
import { migrations } from "../registry.js";
import { type ConfigOption, configOrExit, fail } from "./shared.js";

/** `wxgate migrate`: brings the database schema up to date and says what it applied. */
export async function migrateCommand(options: ConfigOption): Promise<void> {
  const config = configOrExit(options);
  const store = await openStore(config.databaseUrl);
  try {
    const { applied } = await migrateToLatest(store.db, migrations);
    process.stdout.write(
      applied.length === 0
        ? "wxgate: the database is up to date\n"
        : `wxgate: applied ${applied.join(", ")}\n`,
    );
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  } finally {
    await store.close();
  }
}
