import type { Kysely } from "kysely";

/**
 * A migration written once for both engines: only the portable types (text, integer,
 * bigint), no engine-specific SQL. Names sort in the order they must run.
 */
export interface PortableMigration {
  /** `NNNN_what`, e.g. `0002_accounts`. Never renamed once released. */
  name: string;
  up(db: Kysely<unknown>): Promise<void>;
  down?(db: Kysely<unknown>): Promise<void>;
}

/**
 * One owner's migrations: the platform's own, or a domain module's (from its `migrations/`
 * folder). Each creates and alters only the tables its owner owns.
 */
export interface MigrationSource {
  /** `platform`, or the module's name as `table-owners.ts` spells it. */
  owner: string;
  /** In name order, names unique within the source. */
  migrations: readonly PortableMigration[];
}

/**
 * The one ordered list the store runs, made of every owner's migrations. Owners may each
 * contribute a part to the same step (a migration of the same name): the step runs their parts
 * in the order the sources are given, and rolls back in the reverse order. That is how a step
 * released when one file created several modules' tables keeps its name — and, for a database
 * that already ran it, its record — while each module writes only its own part.
 */
export function assembleMigrations(sources: readonly MigrationSource[]): PortableMigration[] {
  const steps = new Map<string, { owner: string; migration: PortableMigration }[]>();
  for (const source of sources) {
    const names = source.migrations.map((m) => m.name);
    if (new Set(names).size !== names.length) {
      throw new Error(`two migrations of ${source.owner} share a name`);
    }
    if ([...names].sort().join() !== names.join()) {
      throw new Error(`the migrations of ${source.owner} must be listed in name order`);
    }
    for (const migration of source.migrations) {
      if (!/^\d{4}_[a-z0-9_]+$/.test(migration.name)) {
        throw new Error(`the migration ${migration.name} of ${source.owner} is not named NNNN_what`);
      }
      const parts = steps.get(migration.name) ?? [];
      parts.push({ owner: source.owner, migration });
      steps.set(migration.name, parts);
    }
  }
  return [...steps.keys()].sort().map((name) => {
    const parts = steps.get(name) ?? [];
    const [only] = parts;
    if (only && parts.length === 1) return only.migration;
    return {
      name,
      async up(db) {
        for (const part of parts) await part.migration.up(db);
      },
      ...(parts.every((part) => part.migration.down !== undefined)
        ? {
            async down(db: Kysely<unknown>) {
              for (const part of [...parts].reverse()) await part.migration.down?.(db);
            },
          }
        : {}),
    };
  });
}
