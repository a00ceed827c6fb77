import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { newId } from "../ids.js";
import { migrateToLatest } from "./migrate.js";
import { testStoreFactories } from "./test-stores.js";
import { testTableMigrations as migrations, withTestTables } from "./test-tables.js";

/** The driver's code for a broken constraint, by engine (better-sqlite3's name, PostgreSQL's SQLSTATE). */
const UNIQUE_VIOLATION = { sqlite: "SQLITE_CONSTRAINT_UNIQUE", postgres: "23505" } as const;
const FOREIGN_KEY_VIOLATION = { sqlite: "SQLITE_CONSTRAINT_FOREIGNKEY", postgres: "23503" } as const;

describe.each(testStoreFactories)("store contract on $name", (factory) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function freshStore() {
    const handle = await factory.create();
    cleanups.push(handle.dispose);
    return handle;
  }

  it("migrates an empty database, and a second run applies nothing", async () => {
    const { store } = await freshStore();
    const first = await migrateToLatest(store.db, migrations);
    expect(first.applied).toEqual(migrations.map((m) => m.name));
    const second = await migrateToLatest(store.db, migrations);
    expect(second.applied).toEqual([]);
  });

  it("migrates a store beside another one already migrated in the same database", async () => {
    const first = await freshStore();
    const second = await freshStore();
    await migrateToLatest(first.store.db, migrations);
    expect((await migrateToLatest(second.store.db, migrations)).applied).toEqual(
      migrations.map((m) => m.name),
    );
  });

  it("round-trips portable types: epoch-ms bigints as numbers, JSON as text", async () => {
    const { store } = await freshStore();
    await migrateToLatest(store.db, migrations);
    const farFuture = 8_640_000_000_000; // beyond 2^32, within 2^53
    await store.db
      .insertInto("jobs")
      .values({
        id: newId(),
        queue: "q",
        payload: JSON.stringify({ n: 1, text: "中文" }),
        run_at: farFuture,
        max_attempts: 3,
        status: "pending",
        locked_until: null,
        last_error: null,
        dedupe_key: null,
        created_at: 1_700_000_000_123,
        updated_at: 1_700_000_000_123,
      })
      .execute();
    const row = await store.db.selectFrom("jobs").selectAll().executeTakeFirstOrThrow();
    expect(row.run_at).toBe(farFuture);
    expect(typeof row.created_at).toBe("number");
    expect(row.attempts).toBe(0);
    expect(JSON.parse(row.payload)).toEqual({ n: 1, text: "中文" });
  });

  it("orders by UUIDv7 id as creation order and enforces uniqueness", async () => {
    const { store } = await freshStore();
    await migrateToLatest(store.db, migrations);
    const db = withTestTables(store.db);
    const now = 1_700_000_000_000;
    const ids = [newId(now), newId(now), newId(now + 1)];
    for (const [i, id] of [...ids].reverse().entries()) {
      await db
        .insertInto("parents")
        .values({ id, name: `parent${i}`, created_at: now })
        .execute();
    }
    const listed = await db.selectFrom("parents").select("id").orderBy("id").execute();
    expect(listed.map((r) => r.id)).toEqual(ids);
    await expect(
      db.insertInto("parents").values({ id: newId(), name: "parent0", created_at: now }).execute(),
    ).rejects.toMatchObject({ code: UNIQUE_VIOLATION[factory.name] });
  });

  it("enforces foreign keys with cascading deletes", async () => {
    const { store } = await freshStore();
    await migrateToLatest(store.db, migrations);
    const db = withTestTables(store.db);
    await expect(
      db.insertInto("children").values({ id: "c0", parent_id: "nobody" }).execute(),
    ).rejects.toMatchObject({ code: FOREIGN_KEY_VIOLATION[factory.name] });
    const parentId = newId();
    await db.insertInto("parents").values({ id: parentId, name: "p", created_at: 1 }).execute();
    await db.insertInto("children").values({ id: "c1", parent_id: parentId }).execute();
    await db.deleteFrom("parents").where("id", "=", parentId).execute();
    const left = await db
      .selectFrom("children")
      .select(sql<number>`count(*)`.as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(left.n)).toBe(0);
  });

  it("allows many NULL dedupe keys but only one of each value, and upserts a key's value", async () => {
    const { store } = await freshStore();
    await migrateToLatest(store.db, migrations);
    const base = {
      queue: "q",
      payload: "{}",
      run_at: 1,
      max_attempts: 1,
      status: "pending" as const,
      locked_until: null,
      last_error: null,
      created_at: 1,
      updated_at: 1,
    };
    await store.db
      .insertInto("jobs")
      .values({ ...base, id: newId(), dedupe_key: null })
      .execute();
    await store.db
      .insertInto("jobs")
      .values({ ...base, id: newId(), dedupe_key: null })
      .execute();
    await store.db
      .insertInto("jobs")
      .values({ ...base, id: newId(), dedupe_key: "k" })
      .execute();
    await expect(
      store.db
        .insertInto("jobs")
        .values({ ...base, id: newId(), dedupe_key: "k" })
        .execute(),
    ).rejects.toMatchObject({ code: UNIQUE_VIOLATION[factory.name] });

    const db = withTestTables(store.db);
    for (const value of ["1", "2"]) {
      await db
        .insertInto("pairs")
        .values({ key: "login.freeze_minutes", value, updated_at: 1 })
        .onConflict((oc) => oc.column("key").doUpdateSet({ value, updated_at: 2 }))
        .execute();
    }
    const pair = await db.selectFrom("pairs").selectAll().executeTakeFirstOrThrow();
    expect(pair).toEqual({ key: "login.freeze_minutes", value: "2", updated_at: 2 });
  });

  it("rolls back a failed transaction", async () => {
    const { store } = await freshStore();
    await migrateToLatest(store.db, migrations);
    const db = withTestTables(store.db);
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto("pairs").values({ key: "a", value: "1", updated_at: 1 }).execute();
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect(await db.selectFrom("pairs").selectAll().execute()).toEqual([]);
  });
});
