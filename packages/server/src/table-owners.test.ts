import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Kysely, sql } from "kysely";
import { describe, expect, it } from "vitest";
import { migrateToLatest } from "./platform/store/migrate.js";
import { type MigrationSource, platformMigrations } from "./platform/store/migrations/index.js";
import type { Store } from "./platform/store/store.js";
import { testStoreFactories } from "./platform/store/test-stores.js";
import { migrationSources, migrations } from "./registry.js";
import { type OwnedTable, tableOwners } from "./table-owners.js";

const SRC = fileURLToPath(new URL(".", import.meta.url));
const tables = new Set<string>(Object.keys(tableOwners));

/** Source files of a folder, tests and migrations left out (a migration creates any table). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "migrations" ? [] : sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

/** Code without its comments, so prose naming a table does not count as touching it. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}

/**
 * The known tables a file reads or writes: through Kysely (`selectFrom`, `insertInto`,
 * `updateTable`, `deleteFrom`, joins), and in raw SQL (`from`, `into`, `update`, `join`).
 */
export function tablesTouched(text: string): Set<string> {
  const found = new Set<string>();
  const source = code(text);
  const builder =
    /\.(?:selectFrom|insertInto|updateTable|deleteFrom|(?:inner|left|right|full)?[jJ]oin)\(\s*"(\w+)/g;
  for (const match of source.matchAll(builder)) if (tables.has(match[1]!)) found.add(match[1]!);
  const raw = /\b(?:from|into|update|join)\s+"?(\w+)"?/gi;
  for (const match of source.matchAll(raw)) if (tables.has(match[1]!)) found.add(match[1]!);
  return found;
}

/** Folder under `src/` (a module or a layer) → the tables its code touches. */
function touchesByFolder(): Map<string, Set<string>> {
  const byFolder = new Map<string, Set<string>>();
  for (const entry of readdirSync(SRC, { withFileTypes: true })) {
    const files = entry.isDirectory() ? sourceFiles(join(SRC, entry.name)) : [];
    for (const file of files) {
      const folder = entry.name;
      const touched = byFolder.get(folder) ?? new Set<string>();
      for (const table of tablesTouched(readFileSync(file, "utf8"))) touched.add(table);
      byFolder.set(folder, touched);
    }
  }
  return byFolder;
}

describe("each table belongs to one module", () => {
  it("finds tables in Kysely calls and raw SQL, not in comments", () => {
    const sample = [
      'db.selectFrom("events as e").select("id")',
      'tx.deleteFrom("tokens")',
      "sql`insert into webhook_deliveries (id) values (1)`",
      "sql`select 1 from accounts join quota_resets on true`",
      '// selectFrom("users") in a comment, and the rows read from settings',
      "/* update jobs */",
    ].join("\n");
    expect([...tablesTouched(sample)].sort()).toEqual([
      "accounts",
      "events",
      "quota_resets",
      "tokens",
      "webhook_deliveries",
    ]);
  });

  it("is read and written only by the code of its owner", () => {
    const intruders: string[] = [];
    for (const [folder, touched] of touchesByFolder()) {
      for (const table of touched) {
        const owner = tableOwners[table as OwnedTable];
        if (owner !== folder) intruders.push(`${folder} touches ${table}, which belongs to ${owner}`);
      }
    }
    expect(intruders).toEqual([]);
    // And every owner does touch its tables: the map names no table nobody uses.
    const byFolder = touchesByFolder();
    for (const [table, owner] of Object.entries(tableOwners)) {
      expect(byFolder.get(owner)?.has(table), `${owner} touches ${table}`).toBe(true);
    }
  });

  it("lists every table the migrations create", async () => {
    const sqlite = testStoreFactories.find((f) => f.name === "sqlite")!;
    const { store, dispose } = await sqlite.create();
    try {
      await migrateToLatest(store.db, migrations);
      const created = (await store.db.introspection.getTables())
        .map((t) => t.name)
        .filter((name) => !name.startsWith("schema_migrations"));
      expect(created.sort()).toEqual([...tables].sort());
    } finally {
      await dispose();
    }
  });
});

/** The schema's objects (tables and indexes) by name: the table each is on, and its definition. */
async function schemaObjects(store: Store): Promise<Map<string, string>> {
  const rows = await sql<{ name: string; tbl_name: string; sql: string | null }>`
    select name, tbl_name, sql from sqlite_master where name not like 'schema_migrations%'`.execute(store.db);
  return new Map(rows.rows.map((r) => [r.name, `${r.tbl_name}\u0000${r.sql ?? ""}`]));
}

/**
 * Runs every owner's migrations step by step on a fresh SQLite database, each owner's part of a
 * step alone, and says where a part created, altered or dropped a table (or an index on one)
 * that its owner does not own.
 */
async function foreignSchemaChanges(sources: readonly MigrationSource[]): Promise<string[]> {
  const sqlite = testStoreFactories.find((f) => f.name === "sqlite")!;
  const { store, dispose } = await sqlite.create();
  const problems: string[] = [];
  try {
    const steps = [...new Set(sources.flatMap((s) => s.migrations.map((m) => m.name)))].sort();
    for (const step of steps) {
      for (const source of sources) {
        const part = source.migrations.find((m) => m.name === step);
        if (!part) continue;
        const before = await schemaObjects(store);
        await part.up(store.db as unknown as Kysely<unknown>);
        const after = await schemaObjects(store);
        const changed = new Set<string>();
        for (const name of new Set([...before.keys(), ...after.keys()])) {
          const was = before.get(name);
          const is = after.get(name);
          if (was !== is) changed.add((is ?? was)!.split("\u0000")[0]!);
        }
        for (const table of changed) {
          const owner = tableOwners[table as OwnedTable] as string | undefined;
          if (owner !== source.owner) {
            problems.push(
              `${step} of ${source.owner} changes ${table}, which belongs to ${owner ?? "no one"}`,
            );
          }
        }
      }
    }
  } finally {
    await dispose();
  }
  return problems;
}

describe("each table is made by its owner's migrations", () => {
  it("has every owner's migrations create and alter only the owner's tables", async () => {
    expect(await foreignSchemaChanges(migrationSources)).toEqual([]);
    const owners = new Set<string>(Object.values(tableOwners));
    expect(new Set(migrationSources.map((s) => s.owner))).toEqual(owners);
  });

  it("catches a part that creates another owner's table, or alters one", async () => {
    const intruder: MigrationSource = {
      owner: "auth",
      migrations: [
        {
          name: "0001_foundation",
          async up(db) {
            await db.schema.createTable("settings").addColumn("key", "text").execute();
          },
        },
        {
          name: "0002_reach",
          async up(db) {
            await db.schema.alterTable("jobs").addColumn("appid", "text").execute();
          },
        },
        {
          name: "0003_stray",
          async up(db) {
            await db.schema.createTable("stray").addColumn("id", "text").execute();
          },
        },
      ],
    };
    expect(
      await foreignSchemaChanges([{ owner: "platform", migrations: platformMigrations }, intruder]),
    ).toEqual([
      "0001_foundation of auth changes settings, which belongs to accounts",
      "0002_reach of auth changes jobs, which belongs to platform",
      "0003_stray of auth changes stray, which belongs to no one",
    ]);
  });
});
