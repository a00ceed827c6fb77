import { type Kysely, type Migration, type MigrationResult, Migrator, PostgresAdapter, sql } from "kysely";
import type { PortableMigration } from "./migrations/index.js";
import type { Database } from "./schema.js";

/** What a migration run did. */
export interface MigrationReport {
  /** Names of the migrations applied by this run, in order. */
  applied: string[];
}

/** A migration failed; the ones before it stay applied. */
export class MigrationError extends Error {
  readonly migration: string | undefined;
  constructor(migration: string | undefined, cause: unknown) {
    super(
      `migration ${migration ?? "(unknown)"} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
    this.name = "MigrationError";
    this.migration = migration;
  }
}

/**
 * Brings the schema up to date with `migrations`: the one ordered list of every owner's
 * (`assembleMigrations`; the server's is `migrations` in `src/registry.ts` — the platform knows
 * no module, so whoever opens the store passes it). Idempotent; safe to run at every start
 * (Kysely's migrator takes a lock so two processes starting together do not both migrate).
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  migrations: readonly PortableMigration[],
): Promise<MigrationReport> {
  const names = migrations.map((m) => m.name);
  if (new Set(names).size !== names.length) throw new Error("two migrations share a name");
  if ([...names].sort().join() !== names.join()) throw new Error("migrations must be listed in name order");
  // Kysely looks for its tables in every schema unless told one: a `schema_migrations` table in
  // another schema of the same database (another wxgate, another tool) would pass for ours.
  const schema =
    db.getExecutor().adapter instanceof PostgresAdapter
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db,
    ...(schema ? { migrationTableSchema: schema } : {}),
    provider: {
      async getMigrations() {
        return Object.fromEntries(
          migrations.map((m): [string, Migration] => [m.name, { up: m.up, down: m.down }]),
        );
      },
    },
    migrationTableName: "schema_migrations",
    migrationLockTableName: "schema_migrations_lock",
  });
  const { error, results } = await migrator.migrateToLatest();
  const applied = (results ?? [])
    .filter((r: MigrationResult) => r.status === "Success")
    .map((r) => r.migrationName);
  if (error) {
    const failed = (results ?? []).find((r) => r.status === "Error");
    throw new MigrationError(failed?.migrationName, error);
  }
  return { applied };
}
