import type { Kysely } from "kysely";
import { platformMigrations } from "./migrations/index.js";
import type { PortableMigration } from "./migrations/portable.js";
import type { Database } from "./schema.js";

/**
 * Tables of the store's own tests. The platform's migrations create only the job queue's table;
 * these tests need tables of other shapes too — a key-value table, a unique column, a foreign
 * key that cascades — and take none of a module's (the platform knows no module).
 */
export type TestTables = {
  pairs: { key: string; value: string; updated_at: number };
  parents: { id: string; name: string; created_at: number };
  children: { id: string; parent_id: string };
};

/** The platform's migrations, then the test tables'. */
export const testTableMigrations: readonly PortableMigration[] = [
  ...platformMigrations,
  {
    name: "9000_test_tables",
    async up(db) {
      await db.schema
        .createTable("pairs")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("value", "text", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("parents")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull().unique())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("children")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("parent_id", "text", (c) => c.notNull().references("parents.id").onDelete("cascade"))
        .execute();
    },
    async down(db) {
      for (const table of ["children", "parents", "pairs"]) await db.schema.dropTable(table).execute();
    },
  },
];

/** The store's query builder, seeing the test tables too. */
export function withTestTables(db: Kysely<Database>): Kysely<Database & TestTables> {
  return db.withTables<TestTables>();
}
