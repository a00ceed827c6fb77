import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { migrateToLatest } from "./migrate.js";
import { ReusableQuery } from "./reusable-query.js";
import { openStore, type Store } from "./store.js";
import { testTableMigrations, withTestTables } from "./test-tables.js";

describe("ReusableQuery", () => {
  let store: Store;

  beforeEach(async () => {
    store = await openStore("sqlite::memory:");
    await migrateToLatest(store.db, testTableMigrations);
    for (const [key, value] of [
      ["a", "1"],
      ["b", "2"],
      ["c", "3"],
    ] as const) {
      await withTestTables(store.db).insertInto("pairs").values({ key, value, updated_at: 5 }).execute();
    }
  });
  afterEach(async () => {
    await store.close();
  });

  const marks: [string, number] = ["\u0000mark:key", -9_000_000_000_001];

  it("compiles once and runs with each call's values where the marks were; other values stay", async () => {
    const query = new ReusableQuery(
      (key: string, since: number) =>
        withTestTables(store.db)
          .selectFrom("pairs")
          .select(["key", "value"])
          .where("key", "!=", key)
          .where("updated_at", ">=", since)
          .where("value", "!=", "2")
          .orderBy("key"),
      marks,
    );
    expect((await query.execute(store.db, "a", 5)).rows).toEqual([{ key: "c", value: "3" }]);
    expect((await query.execute(store.db, "c", 0)).rows).toEqual([{ key: "a", value: "1" }]);
    expect((await query.execute(store.db, "a", 6)).rows).toEqual([]);
    expect(query.compile("z", 1).parameters).toEqual(["z", 1, "2"]);
  });

  it("refuses marks the statement does not use, or that are not distinct", () => {
    expect(
      () =>
        new ReusableQuery(
          (key: string, _since: number) =>
            withTestTables(store.db).selectFrom("pairs").selectAll().where("key", "=", key),
          marks,
        ),
    ).toThrow("each mark");
    expect(
      () =>
        new ReusableQuery(
          (a: string, b: string) =>
            withTestTables(store.db)
              .selectFrom("pairs")
              .selectAll()
              .where("key", "=", a)
              .where("value", "=", b),
          ["\u0000same", "\u0000same"],
        ),
    ).toThrow("each mark");
  });
});
