import type { CompiledQuery } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateToLatest } from "../platform/store/migrate.js";
import type { Store } from "../platform/store/store.js";
import { testStoreFactories } from "../platform/store/test-stores.js";
import { migrations } from "../registry.js";
import { analyze, pageCostProblems, type QueryCost, queryCost } from "./query-plan.js";

/** One filtered page a list offers, and the index that must give it. */
export interface PageCase<F> {
  name: string;
  filter: F;
  index: string;
  /** The share of all rows the filter keeps, 1 in `oneIn`: a page reads at most that many pages' rows. */
  oneIn: number;
}

/** What a list's page-cost suite is made of (a filter type `F` with `limit` and `before`). */
export interface PageCostSuite<F extends { limit: number; before?: string | undefined }> {
  /** The list, for the titles ("event pages", …), and what its rows are called. */
  title: string;
  rows: string;
  /** Adds `count` rows from row number `from` on, in one statement. */
  fill(store: Store, from: number, count: number): Promise<void>;
  /** A page of rows and its query, from the list's own repository. */
  lister(store: Store): {
    list(filter: F): Promise<readonly { id: string }[]>;
    query(filter: F): { compile(): CompiledQuery };
  };
  pages: readonly PageCase<F>[];
}

/**
 * The proof that a keyset list's page costs the same at 1k and 200k rows, on every engine under
 * test: each page and the one after it are planned in a table of 1,000 rows and again at
 * 200,000, and {@link pageCostProblems} must find nothing.
 */
export function describePageCosts<F extends { limit: number; before?: string | undefined }>(
  suite: PageCostSuite<F>,
): void {
  describe.each(testStoreFactories)(`${suite.title} on $name`, (factory) => {
    let store: Store;
    let dispose: () => Promise<void>;
    const costs = new Map<string, QueryCost[]>();

    async function measure(): Promise<void> {
      await analyze(store);
      const lister = suite.lister(store);
      for (const page of suite.pages) {
        // Deep in the table too: the next page, as a cursor asks for it.
        const first = await lister.list(page.filter);
        expect(first).toHaveLength(page.filter.limit);
        const next = { ...page.filter, before: first.at(-1)!.id };
        const list = costs.get(page.name) ?? [];
        list.push(await queryCost(store, lister.query(page.filter).compile()));
        list.push(await queryCost(store, lister.query(next).compile()));
        costs.set(page.name, list);
      }
    }

    beforeAll(async () => {
      const handle = await factory.create();
      store = handle.store;
      dispose = handle.dispose;
      await migrateToLatest(store.db, migrations);
      await suite.fill(store, 0, 1_000);
      await measure();
      await suite.fill(store, 1_000, 199_000);
      await measure();
    }, 120_000);
    afterAll(async () => {
      await dispose();
    });

    for (const page of suite.pages) {
      it(`pages ${page.name} in index order, reading no more rows at 200k ${suite.rows} than at 1k`, () => {
        const [small, smallNext, large, largeNext] = costs.get(page.name)!;
        expect(
          pageCostProblems(
            store.dialect,
            { small: small!, smallNext: smallNext!, large: large!, largeNext: largeNext! },
            { index: page.index, maxRowsRead: page.filter.limit * page.oneIn },
          ),
        ).toEqual([]);
      });
    }
  });
}
