import { type RawBuilder, type SqlBool, sql } from "kysely";
import type { Dialect } from "./store.js";

/**
 * `column IN (values)` with the values passed as one parameter (JSON on SQLite, an array on
 * PostgreSQL), so the statement's text is the same for one value or a thousand. A list of `?` per value makes a new statement for
 * every count: each is prepared, and SQLite's statement cache keeps hundreds of them (a
 * prepared multi-row statement holds memory of its own) — a server whose batches vary in size
 * grows for minutes before the cache is full. The engines read the list through their JSON
 * functions and look the values up in the column's index, as with a plain list.
 */
export function inJsonList(dialect: Dialect, column: string, values: readonly string[]): RawBuilder<SqlBool> {
  // PostgreSQL takes an array parameter as such, and walks the index for `= any(…)`.
  return dialect === "postgres"
    ? sql<SqlBool>`${sql.ref(column)} = any(${[...values]})`
    : sql<SqlBool>`${sql.ref(column)} in (select value from json_each(${JSON.stringify(values)}))`;
}

/**
 * The rows of a JSON array of arrays as a table `value` whose elements `jsonElement` reads:
 * what a multi-row insert selects from, one statement text whatever the number of rows.
 */
export function jsonRows(dialect: Dialect, rows: readonly (readonly unknown[])[]): RawBuilder<unknown> {
  const list = JSON.stringify(rows);
  return dialect === "postgres"
    ? sql`jsonb_array_elements(cast(${list} as jsonb)) as rows(value)`
    : sql`json_each(${list}) as rows`;
}

/** The `index`th element, as text, of a row of {@link jsonRows}. */
export function jsonElement(index: number): RawBuilder<string> {
  return sql<string>`rows.value ->> ${sql.lit(index)}`;
}
