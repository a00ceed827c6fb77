import { type Kysely, sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { migrateToLatest } from "./platform/store/migrate.js";
import type { PortableMigration } from "./platform/store/migrations/index.js";
import type { Database } from "./platform/store/schema.js";
import type { Store } from "./platform/store/store.js";
import { testStoreFactories } from "./platform/store/test-stores.js";
import { migrations } from "./registry.js";
import { tableOwners } from "./table-owners.js";
import { releasedCombinedSteps } from "./testing/released-migrations.js";

/** The last step of the previous release, and the last step before the modules wrote their own parts. */
const PREVIOUS_RELEASE = "0010_api_call_pages";
const BEFORE_THE_SPLIT = "0011_account_column";
/** Tables created by steps after the split, by the step that creates each: absent before it. */
const CREATED_SINCE_THE_SPLIT: Record<string, string> = {
  audit_entries: "0012_audit",
  team_members: "0013_team",
  team_departments: "0013_team",
  team_department_accounts: "0013_team",
  team_department_admins: "0013_team",
  notifications: "0015_risk",
  risk_settings: "0015_risk",
  risk_signals: "0015_risk",
  sign_in_ranges: "0015_risk",
  known_devices: "0016_second_factor",
  sign_in_challenges: "0016_second_factor",
  materials: "0021_materials",
  kf_routing_rules: "0022_customer_service",
  menu_drafts: "0019_menus",
  menu_publications: "0019_menus",
  menu_clicks: "0019_menus",
  qrcodes: "0020_qrcodes",
  qrcode_scans: "0020_qrcodes",
  qrcode_followers: "0020_qrcodes",
  qrcode_batches: "0020_qrcodes",
  qrcode_batch_items: "0020_qrcodes",
  qrcode_creations: "0020_qrcodes",
  automation_rules: "0018_automation",
  automation_hits: "0018_automation",
  followers: "0017_followers",
  follower_tags: "0017_followers",
  follower_tag_members: "0017_followers",
  follower_syncs: "0017_followers",
  campaigns: "0023_campaigns",
  campaign_recipients: "0023_campaigns",
  campaign_lists: "0023_campaigns",
  campaign_list_members: "0023_campaigns",
  campaign_settings: "0023_campaigns",
  campaign_mass_batches: "0024_campaign_mass_batches",
  campaign_counts: "0025_campaign_counts",
  campaign_consents: "0026_campaign_consents",
};

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
  "team_department_accounts.department_id": "team_departments",
  "team_department_admins.department_id": "team_departments",
};

type Row = Record<string, string | number>;

/** The steps as an earlier version ran them, through `last`: the combined steps frozen as released. */
function releasedThrough(last: string): PortableMigration[] {
  const frozen = new Map(releasedCombinedSteps.map((m) => [m.name, m]));
  return migrations.filter((m) => m.name <= last).map((m) => frozen.get(m.name) ?? m);
}

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

/**
 * The schema as the engine keeps it — tables, columns, indexes and constraints, each with its
 * definition — in one sorted list, so two databases made by different paths can be compared.
 */
async function schemaOf(store: Store): Promise<string[]> {
  const { db } = store;
  if (store.dialect === "sqlite") {
    const objects = await sql<{ type: string; name: string; tbl_name: string; sql: string | null }>`
      select type, name, tbl_name, sql from sqlite_master
      where name not like 'schema_migrations%'`.execute(db);
    return objects.rows
      .map((o) => `${o.type} ${o.name} on ${o.tbl_name}: ${(o.sql ?? "").replace(/\s+/g, " ")}`)
      .sort();
  }
  const schema = (await sql<{ name: string }>`select current_schema() as name`.execute(db)).rows[0]!.name;
  const unqualified = (text: string) => text.split(`${schema}.`).join("");
  const columns = await sql<Record<string, unknown>>`
    select table_name, ordinal_position, column_name, data_type, is_nullable, column_default
    from information_schema.columns
    where table_schema = ${schema} and table_name not like 'schema_migrations%'`.execute(db);
  const indexes = await sql<{ indexdef: string }>`
    select indexdef from pg_indexes
    where schemaname = ${schema} and tablename not like 'schema_migrations%'`.execute(db);
  const constraints = await sql<{ relation: string; name: string; definition: string }>`
    select c.conrelid::regclass::text as relation, c.conname as name, pg_get_constraintdef(c.oid) as definition
    from pg_constraint c join pg_namespace n on n.oid = c.connamespace
    where n.nspname = ${schema}`.execute(db);
  return [
    ...columns.rows.map((c) => `column ${Object.values(c).join(" ")}`),
    ...indexes.rows.map((i) => `index ${unqualified(i.indexdef)}`),
    ...constraints.rows
      .filter((c) => !c.relation.startsWith("schema_migrations"))
      .map((c) => `constraint ${unqualified(c.relation)} ${c.name} ${unqualified(c.definition)}`),
  ].sort();
}

/** Every table but Kysely's own, the referenced ones first. */
async function tablesOf(db: Kysely<Database>) {
  const referenced = new Set(Object.values(REFERENCES));
  return (await db.introspection.getTables())
    .filter((t) => !t.name.startsWith("schema_migrations"))
    .sort((a, b) => Number(!referenced.has(a.name)) - Number(!referenced.has(b.name)));
}

describe.each(testStoreFactories)("the migrations on $name", (factory) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function freshStore() {
    const handle = await factory.create();
    cleanups.push(handle.dispose);
    return handle.store;
  }

  it("migrate an empty database, and a second run applies nothing", async () => {
    const store = await freshStore();
    expect((await migrateToLatest(store.db, migrations)).applied).toEqual(migrations.map((m) => m.name));
    expect((await migrateToLatest(store.db, migrations)).applied).toEqual([]);
  });

  it("migrate a store beside another one already migrated in the same database", async () => {
    const first = await freshStore();
    const second = await freshStore();
    await migrateToLatest(first.db, migrations);
    expect((await migrateToLatest(second.db, migrations)).applied).toEqual(migrations.map((m) => m.name));
  });

  it("keep the released steps' names", () => {
    const names = new Set(migrations.map((m) => m.name));
    for (const step of releasedCombinedSteps) expect(names.has(step.name), step.name).toBe(true);
  });

  it.each([PREVIOUS_RELEASE, BEFORE_THE_SPLIT])(
    "upgrade a database an earlier version migrated through %s: every row of every table kept, the schema a fresh database's",
    async (last) => {
      const store = await freshStore();
      const { db } = store;
      await migrateToLatest(db, releasedThrough(last));

      const inserted = new Map<string, Row>();
      for (const table of await tablesOf(db)) {
        const row = rowFor(table.name, table.columns);
        await db
          .insertInto(table.name as never)
          .values(row as never)
          .execute();
        inserted.set(table.name, row);
      }
      expect([...inserted.keys()].sort()).toEqual(
        Object.keys(tableOwners)
          .filter((table) => (CREATED_SINCE_THE_SPLIT[table] ?? "") <= last)
          .sort(),
      );

      // Only the steps it had not run: none of those it ran is run again.
      const applied = (await migrateToLatest(db, migrations)).applied;
      expect(applied).toEqual(migrations.filter((m) => m.name > last).map((m) => m.name));

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

      const fresh = await freshStore();
      await migrateToLatest(fresh.db, migrations);
      expect(await schemaOf(store)).toEqual(await schemaOf(fresh));
    },
  );

  it("roll back step by step: the last step's down leaves the schema of the step before, all of them none", async () => {
    const store = await freshStore();
    await migrateToLatest(store.db, migrations);
    const [last, ...earlier] = [...migrations].reverse();
    await last!.down!(store.db as Kysely<unknown>);
    const before = await freshStore();
    await migrateToLatest(before.db, migrations.slice(0, -1));
    expect(await schemaOf(store)).toEqual(await schemaOf(before));

    for (const step of earlier) await step.down!(store.db as Kysely<unknown>);
    expect(await tablesOf(store.db)).toEqual([]);
  });
});
