import { type CompiledQuery, CompiledQuery as Query } from "kysely";
import type { Store } from "../platform/store/store.js";

/** How an engine ran (PostgreSQL) or would run (SQLite) one query. */
export interface QueryCost {
  /** The indexes the plan reads. */
  indexes: string[];
  /** True when the plan sorts rows itself (SQLite's temp B-tree, PostgreSQL's Sort node). */
  sorts: boolean;
  /** True when the plan reads a whole table without an index. */
  scansTable: boolean;
  /**
   * PostgreSQL: rows the scans produced plus rows they read and threw away, summed over the
   * plan (EXPLAIN ANALYZE). SQLite tells no such count; undefined there.
   */
  rowsRead: number | undefined;
  /** The plan as the engine printed it, for failure messages. */
  text: string;
}

interface PgPlanNode {
  "Node Type": string;
  "Index Name"?: string;
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  "Rows Removed by Filter"?: number;
  "Rows Removed by Index Recheck"?: number;
  Plans?: PgPlanNode[];
}

const PG_SCANS = new Set([
  "Seq Scan",
  "Index Scan",
  "Index Only Scan",
  "Bitmap Heap Scan",
  "Bitmap Index Scan",
]);

/**
 * Asks the store's engine for the plan of `query` (and, on PostgreSQL, runs it to count rows:
 * give a statement that changes rows a transaction as `db`, and roll it back).
 */
export async function queryCost(
  store: Pick<Store, "db" | "dialect">,
  query: CompiledQuery,
): Promise<QueryCost> {
  if (store.dialect === "sqlite") {
    const result = await store.db.executeQuery<{ detail: string }>(
      Query.raw(`EXPLAIN QUERY PLAN ${query.sql}`, [...query.parameters]),
    );
    const details = result.rows.map((row) => row.detail);
    const indexes = details.flatMap((d) => /USING (?:COVERING )?INDEX (\w+)/.exec(d)?.[1] ?? []);
    return {
      indexes,
      sorts: details.some((d) => d.includes("TEMP B-TREE")),
      // A scan of a materialized CTE reads its few rows, not a table.
      scansTable: details.some((d) => {
        const scanned = /^SCAN (\w+)$/.exec(d.trim())?.[1];
        return scanned !== undefined && !details.some((m) => m.trim() === `MATERIALIZE ${scanned}`);
      }),
      rowsRead: undefined,
      text: details.join("\n"),
    };
  }
  const result = await store.db.executeQuery<{ "QUERY PLAN": { Plan: PgPlanNode }[] }>(
    Query.raw(`EXPLAIN (ANALYZE, FORMAT JSON) ${query.sql}`, [...query.parameters]),
  );
  const root = result.rows[0]?.["QUERY PLAN"][0]?.Plan;
  if (!root) throw new Error("PostgreSQL returned no plan");
  const cost: QueryCost = { indexes: [], sorts: false, scansTable: false, rowsRead: 0, text: "" };
  const lines: string[] = [];
  const walk = (node: PgPlanNode, depth: number) => {
    const loops = node["Actual Loops"] ?? 1;
    lines.push(
      `${"  ".repeat(depth)}${node["Node Type"]}${node["Index Name"] ? ` on ${node["Index Name"]}` : ""} rows=${node["Actual Rows"]} loops=${loops}`,
    );
    if (node["Index Name"]) cost.indexes.push(node["Index Name"]);
    if (node["Node Type"] === "Sort" || node["Node Type"] === "Incremental Sort") cost.sorts = true;
    if (node["Node Type"] === "Seq Scan") cost.scansTable = true;
    // A bitmap index scan's rows are counted again by its heap scan: count the heap side only.
    if (PG_SCANS.has(node["Node Type"]) && node["Node Type"] !== "Bitmap Index Scan") {
      cost.rowsRead =
        (cost.rowsRead ?? 0) +
        loops *
          ((node["Actual Rows"] ?? 0) +
            (node["Rows Removed by Filter"] ?? 0) +
            (node["Rows Removed by Index Recheck"] ?? 0));
    }
    for (const child of node.Plans ?? []) walk(child, depth + 1);
  };
  walk(root, 0);
  cost.text = lines.join("\n");
  return cost;
}

/**
 * Fills the store's statistics after a bulk load, so the planner judges by what is there (as
 * a server's autovacuum or `ANALYZE` would), not by an empty table's defaults.
 */
export async function analyze(store: Store): Promise<void> {
  await store.db.executeQuery(Query.raw("ANALYZE", []));
}

/** The plans of a first page and of the next one, in a small table and in a large one. */
export interface PageCosts {
  small: QueryCost;
  smallNext: QueryCost;
  large: QueryCost;
  largeNext: QueryCost;
}

/**
 * What a keyset page must show for its cost not to grow with its table; empty when it holds.
 * In the large table no plan sorts or reads the table whole. SQLite plans by the schema: the
 * matching `index`, the very same plans at either size. PostgreSQL plans by its statistics —
 * a small table it may read whole or as a sorted bitmap, a large one it walks in page order
 * through the matching index or the primary key — so what holds there is a bound: no page
 * reads more than `maxRowsRead` (the page over the share of rows its filter keeps).
 */
export function pageCostProblems(
  dialect: Store["dialect"],
  costs: PageCosts,
  expected: { index: string; maxRowsRead: number },
): string[] {
  const problems: string[] = [];
  for (const [name, cost] of [
    ["large", costs.large],
    ["large, next page", costs.largeNext],
  ] as const) {
    if (cost.sorts) problems.push(`${name}: the plan sorts\n${cost.text}`);
    if (cost.scansTable) problems.push(`${name}: the plan reads the table whole\n${cost.text}`);
  }
  if (dialect === "sqlite") {
    if (!costs.large.indexes.includes(expected.index))
      problems.push(`large: ${expected.index} is not read\n${costs.large.text}`);
    if (costs.small.text !== costs.large.text)
      problems.push(`the plans differ:\n${costs.small.text}\n---\n${costs.large.text}`);
    if (costs.smallNext.text !== costs.largeNext.text)
      problems.push(`the next pages' plans differ:\n${costs.smallNext.text}\n---\n${costs.largeNext.text}`);
  } else {
    for (const [name, cost] of Object.entries(costs)) {
      if ((cost.rowsRead ?? 0) > expected.maxRowsRead)
        problems.push(`${name}: ${cost.rowsRead} rows read, more than ${expected.maxRowsRead}\n${cost.text}`);
    }
  }
  return problems;
}
