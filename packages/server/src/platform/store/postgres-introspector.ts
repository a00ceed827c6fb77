import {
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type DatabaseMetadataOptions,
  type Kysely,
  PostgresDialect,
  type SchemaMetadata,
  sql,
  type TableMetadata,
} from "kysely";

/** Kysely's own migration tables, left out unless asked for (as Kysely's introspector does). */
const KYSELY_TABLES = new Set(["kysely_migration", "kysely_migration_lock"]);

interface ColumnRow {
  table: string;
  kind: string;
  column: string;
  not_null: boolean;
  type: string;
  type_schema: string;
  default_expr: string | null;
  identity: string;
}

/**
 * Sees the connection's own schema only (`current_schema()`, which the store sets per
 * database URL). Kysely's PostgreSQL introspector reads every schema of the database and
 * calls name-based catalog functions (`has_schema_privilege`, `pg_get_serial_sequence`) on
 * each: a schema dropped by anyone else while that query runs makes it fail with "schema does
 * not exist" — and the migrator asks it at every start. Here every lookup goes by oid and is
 * confined to the one schema, so another schema's life cannot fail a start, and another
 * schema's tables (a second wxgate in the same database) are never taken for ours.
 */
export class CurrentSchemaIntrospector implements DatabaseIntrospector {
  readonly #db: Kysely<unknown>;

  constructor(db: Kysely<unknown>) {
    this.#db = db;
  }

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`select current_schema() as name`.execute(this.#db);
    return rows.filter((r) => r.name !== null).map((r) => ({ name: r.name }));
  }

  async getTables(
    options: DatabaseMetadataOptions = { withInternalKyselyTables: false },
  ): Promise<TableMetadata[]> {
    const { rows } = await sql<ColumnRow>`
      select c.relname as "table", c.relkind as kind, a.attname as "column", a.attnotnull as not_null,
             t.typname as type, tn.nspname as type_schema,
             pg_get_expr(d.adbin, d.adrelid) as default_expr, a.attidentity as identity
        from pg_catalog.pg_class c
        join pg_catalog.pg_attribute a on a.attrelid = c.oid
        join pg_catalog.pg_type t on t.oid = a.atttypid
        join pg_catalog.pg_namespace tn on tn.oid = t.typnamespace
        left join pg_catalog.pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
       where c.relnamespace = (select oid from pg_catalog.pg_namespace where nspname = current_schema())
         and c.relkind in ('r', 'v', 'p')
         and a.attnum > 0
         and not a.attisdropped
       order by c.relname, a.attnum`.execute(this.#db);
    const schema = (await this.getSchemas())[0]?.name;
    const tables = new Map<string, TableMetadata>();
    for (const row of rows) {
      if (!options.withInternalKyselyTables && KYSELY_TABLES.has(row.table)) continue;
      let table = tables.get(row.table);
      if (!table) {
        table = { name: row.table, isView: row.kind === "v", ...(schema ? { schema } : {}), columns: [] };
        tables.set(row.table, table);
      }
      const serial = row.default_expr?.startsWith("nextval(") ?? false;
      (table.columns as TableMetadata["columns"][number][]).push({
        name: row.column,
        dataType: row.type,
        dataTypeSchema: row.type_schema,
        isNullable: !row.not_null,
        isAutoIncrementing: serial || row.identity !== "",
        hasDefaultValue: row.default_expr !== null || row.identity !== "",
      });
    }
    return [...tables.values()];
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) };
  }
}

/** PostgreSQL as Kysely speaks it, with introspection confined to the connection's schema. */
export class SchemaScopedPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}
