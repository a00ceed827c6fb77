import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { analyze, queryCost } from "../../testing/query-plan.js";
import { inJsonList, jsonElement, jsonRows } from "./json-list.js";
import { migrateToLatest } from "./migrate.js";
import { testStoreFactories } from "./test-stores.js";
import { testTableMigrations, withTestTables } from "./test-tables.js";

describe.each(testStoreFactories)("lists as one JSON parameter on $name", (factory) => {
  let handle: Awaited<ReturnType<typeof factory.create>>;

  beforeEach(async () => {
    handle = await factory.create();
    await migrateToLatest(handle.store.db, testTableMigrations);
  });
  afterEach(async () => {
    await handle.dispose();
  });

  it("inserts any number of rows and finds any number of keys with one statement text each", async () => {
    const { dialect } = handle.store;
    const db = withTestTables(handle.store.db);
    const insert = (rows: string[][]) =>
      sql`insert into pairs (key, value, updated_at)
        select ${jsonElement(0)}, ${jsonElement(1)}, cast(${7} as bigint) from ${jsonRows(dialect, rows)}`;
    const rows = Array.from({ length: 150 }, (_, i) => [`k${i}`, `it's "value" ${i} ✓`]);
    await insert(rows.slice(0, 1)).execute(db);
    await insert(rows.slice(1)).execute(db);
    expect(insert(rows.slice(0, 1)).compile(db).sql).toBe(insert(rows).compile(db).sql);

    const find = (keys: string[]) =>
      db
        .selectFrom("pairs")
        .select(["key", "value", "updated_at"])
        .where(inJsonList(dialect, "key", keys))
        .orderBy("key");
    expect(await find(["k7"]).execute()).toEqual([{ key: "k7", value: `it's "value" 7 ✓`, updated_at: 7 }]);
    const many = rows.map(([key]) => key as string);
    expect((await find([...many, "absent", "k3"]).execute()).map((row) => row.key)).toEqual([...many].sort());
    expect(find(["k1"]).compile().sql).toBe(find(many).compile().sql);
    expect(await find([]).execute()).toEqual([]);

    // The keys are looked up in the column's index, not by reading the table: checked on a
    // table large enough that PostgreSQL's planner would not read it whole anyway.
    for (let at = 150; at < 20_000; at += 1_000) {
      const more = Array.from({ length: 1_000 }, (_, i) => [`k${at + i}`, "v"]);
      await insert(more).execute(db);
    }
    await analyze(handle.store);
    const cost = await queryCost(handle.store, find(["k1", "k2"]).compile());
    expect(cost.scansTable, cost.text).toBe(false);
    expect(cost.indexes, cost.text).toEqual([expect.stringMatching(/pairs/)]);
  });
});
