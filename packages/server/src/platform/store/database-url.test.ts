import { sql } from "kysely";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { randomToken } from "../secrets.js";
import { migrateToLatest } from "./migrate.js";
import { platformMigrations } from "./migrations/index.js";
import { openStore, postgresTarget, type Store } from "./store.js";
import { pgTestsOff, testPgUrl } from "./test-stores.js";

describe("a PostgreSQL URL's schema parameter", () => {
  it("is taken out of the connection string, the rest of the URL left as it was", () => {
    expect(
      postgresTarget("postgres://app:p%40ss@db.internal:6432/wxgate?schema=tenant_a&sslmode=require"),
    ).toEqual({
      connectionString: "postgres://app:p%40ss@db.internal:6432/wxgate?sslmode=require",
      schema: "tenant_a",
    });
    expect(postgresTarget("postgresql://db/wxgate?schema=s1")).toEqual({
      connectionString: "postgresql://db/wxgate",
      schema: "s1",
    });
    expect(postgresTarget("postgres://db/wxgate?sslmode=disable")).toEqual({
      connectionString: "postgres://db/wxgate?sslmode=disable",
    });
  });

  it("is refused when it is not a plain lower-case name (it reaches SQL as an identifier)", async () => {
    await expect(openStore("postgres://127.0.0.1:1/test?schema=x;drop%20table%20jobs")).rejects.toThrow(
      "a PostgreSQL schema name must be lower-case letters, digits and underscores",
    );
  });
});

describe.skipIf(pgTestsOff)("a PostgreSQL URL's schema parameter, on a real server", () => {
  const schemas: string[] = [];
  const stores: Store[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    const client = new pg.Client({ connectionString: testPgUrl });
    await client.connect();
    try {
      for (const schema of schemas.splice(0)) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await client.end();
    }
  });

  function freshSchemaName(): string {
    const schema = `wxgate_url_${randomToken(6)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, "")}`;
    schemas.push(schema);
    return schema;
  }

  async function tablesIn(schema: string): Promise<string[]> {
    const client = new pg.Client({ connectionString: testPgUrl });
    await client.connect();
    try {
      const result = await client.query<{ table_name: string }>(
        "select table_name from information_schema.tables where table_schema = $1 order by table_name",
        [schema],
      );
      return result.rows.map((row) => row.table_name);
    } finally {
      await client.end();
    }
  }

  it("opens the store in that schema (created when missing): the migrations' tables land there", async () => {
    const schema = freshSchemaName();
    const separator = testPgUrl.includes("?") ? "&" : "?";
    const store = await openStore(`${testPgUrl}${separator}schema=${schema}`);
    stores.push(store);
    const current = await sql<{ name: string }>`select current_schema() as name`.execute(store.db);
    expect(current.rows[0]?.name).toBe(schema);
    await migrateToLatest(store.db, platformMigrations);
    expect(await tablesIn(schema)).toEqual(expect.arrayContaining(["jobs", "schema_migrations"]));
  });

  it("gives way to the schema option", async () => {
    const fromUrl = freshSchemaName();
    const fromOption = freshSchemaName();
    const separator = testPgUrl.includes("?") ? "&" : "?";
    const store = await openStore(`${testPgUrl}${separator}schema=${fromUrl}`, { schema: fromOption });
    stores.push(store);
    const current = await sql<{ name: string }>`select current_schema() as name`.execute(store.db);
    expect(current.rows[0]?.name).toBe(fromOption);
    expect(await tablesIn(fromUrl)).toEqual([]);
  });

  it("introspects its own schema only, so another schema's tables are not its own and another's drop cannot fail a start", async () => {
    const mine = freshSchemaName();
    const other = freshSchemaName();
    const separator = testPgUrl.includes("?") ? "&" : "?";
    const otherStore = await openStore(`${testPgUrl}${separator}schema=${other}`);
    stores.push(otherStore);
    await migrateToLatest(otherStore.db, platformMigrations);
    const store = await openStore(`${testPgUrl}${separator}schema=${mine}`);
    stores.push(store);
    expect(await store.db.introspection.getTables()).toEqual([]);
    expect(await store.db.introspection.getSchemas()).toEqual([{ name: mine }]);

    // Schemas come and go beside it (other tests, other tools) while it migrates: Kysely's own
    // introspector fails with "schema does not exist" when one vanishes under its query.
    const churn = new pg.Client({ connectionString: testPgUrl });
    await churn.connect();
    let stop = false;
    let churned = 0;
    const churning = (async () => {
      while (!stop) {
        const name = `wxgate_churn_${randomToken(6)
          .toLowerCase()
          .replace(/[^a-z0-9]/g, "")}`;
        await churn.query(`CREATE SCHEMA ${name}`);
        await churn.query(`CREATE TABLE ${name}.t (id serial primary key)`);
        await churn.query(`DROP SCHEMA ${name} CASCADE`);
        churned++;
      }
    })();
    try {
      for (let i = 0; i < 5; i++) await migrateToLatest(store.db, platformMigrations);
    } finally {
      stop = true;
      await churning;
      await churn.end();
    }
    expect(churned).toBeGreaterThan(0);
    const tables = await store.db.introspection.getTables();
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(["jobs", "schema_migrations"]));
    expect(tables.every((t) => t.schema === mine)).toBe(true);
    const jobs = tables.find((t) => t.name === "jobs");
    expect(jobs?.columns.find((c) => c.name === "id")).toMatchObject({ isNullable: false });
  });
});
