import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { migrateToLatest } from "../migrate.js";
import { testStoreFactories } from "../test-stores.js";
import { migrations } from "./index.js";

/** The last migration of the previous release: a database as that version left it. */
const PREVIOUS = "0010_api_call_pages";

/** Columns the migrations since renamed: `table.old` → new name. */
const RENAMED: Record<string, string> = {
  "events.app_id": "appid",
  "webhook_deliveries.app_id": "appid",
};

/** Foreign keys, so the referenced row goes in first and the reference names it. */
const REFERENCES: Record<string, string> = {
  "sessions.user_id": "users",
  "api_keys.created_by": "users",
  "webhook_deliveries.webhook_id": "webhooks",
};

type Row = Record<string, string | number>;

/** One row for `table`: every column filled, text with a value naming the cell, numbers 7. */
function rowFor(table: string, columns: readonly { name: string; dataType: string }[]): Row {
  const row: Row = {};
  for (const column of columns) {
    const referenced = REFERENCES[`${table}.${column.name}`];
    if (referenced) row[column.name] = `id-${referenced}`;
    else if (column.name === "id") row[column.name] = `id-${table}`;
    else if (/char|text/i.test(column.dataType)) row[column.name] = `${table}.${column.name}`;
    else row[column.name] = 7;
  }
  return row;
}

describe.each(testStoreFactories)("upgrading a database of the previous version on $name", (factory) => {
  let handle: Awaited<ReturnType<typeof factory.create>>;
  beforeEach(async () => {
    handle = await factory.create();
  });
  afterEach(async () => {
    await handle.dispose();
  });

  it("keeps every row of every table, under the columns' new names", async () => {
    const { db } = handle.store;
    const previous = migrations.filter((m) => m.name <= PREVIOUS);
    expect(previous.at(-1)?.name).toBe(PREVIOUS);
    await migrateToLatest(db, previous);

    const referenced = new Set(Object.values(REFERENCES));
    const tables = (await db.introspection.getTables())
      .filter((t) => !t.name.startsWith("schema_migrations"))
      .sort((a, b) => Number(!referenced.has(a.name)) - Number(!referenced.has(b.name)));
    const inserted = new Map<string, Row>();
    for (const table of tables) {
      const row = rowFor(table.name, table.columns);
      await db
        .insertInto(table.name as never)
        .values(row as never)
        .execute();
      inserted.set(table.name, row);
    }
    expect(inserted.size).toBeGreaterThanOrEqual(16);

    const applied = (await migrateToLatest(db)).applied;
    expect(applied).toEqual(migrations.filter((m) => m.name > PREVIOUS).map((m) => m.name));

    for (const [table, row] of inserted) {
      const expected: Record<string, string> = {};
      for (const [column, value] of Object.entries(row)) {
        expected[RENAMED[`${table}.${column}`] ?? column] = String(value);
      }
      const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
      expect(rows.rows, table).toHaveLength(1);
      const kept = Object.fromEntries(
        Object.entries(rows.rows[0]!)
          .filter(([column]) => column in expected)
          .map(([column, value]) => [column, String(value)]),
      );
      expect(kept, table).toEqual(expected);
    }
  });
});
