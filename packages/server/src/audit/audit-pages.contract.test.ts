import { CompiledQuery } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateToLatest } from "../platform/store/migrate.js";
import type { Store } from "../platform/store/store.js";
import { testStoreFactories } from "../platform/store/test-stores.js";
import { migrations } from "../registry.js";
import { analyze, pageCostProblems, type QueryCost, queryCost } from "../testing/query-plan.js";
import { type AuditFilter, AuditRepository } from "./repository.js";

const LIMIT = 50;
const ACTIONS = ["accounts.enable", "webhooks.manage", "auth.keys.manage", "public"];
const OUTCOMES = ["ok", "ok", "refused", "ok", "failed"];

/** `count` entries from row `from` on, over 10 people, 10 accounts, the actions and outcomes in turn. */
async function fill(store: Store, from: number, count: number): Promise<void> {
  const pick = (list: readonly string[], modulo: string) =>
    `(CASE ${modulo} ${list.map((v, k) => `WHEN ${k} THEN '${v}'`).join(" ")} END)`;
  const columns =
    "id, at, actor_kind, actor_id, actor_name, ip, user_agent, appid, action, method, route, target, outcome, status, error_code, summary, request_id";
  const sqlite = store.dialect === "sqlite";
  const person = sqlite ? `printf('user%d', i % 10)` : `'user' || (i % 10)`;
  const app = sqlite ? `printf('wxapp%d', (i / 10) % 10)` : `'wxapp' || ((i / 10) % 10)`;
  const id = sqlite ? `printf('entry-%012d', i)` : `'entry-' || lpad(i::text, 12, '0')`;
  const values = `${id}, i, 'session', ${person}, ${person}, '127.0.0.1', NULL, ${app}, ${pick(ACTIONS, `i % ${ACTIONS.length}`)}, 'POST', '/api/v1/x', '{}', ${pick(OUTCOMES, `i % ${OUTCOMES.length}`)}, 200, NULL, NULL, 'r'`;
  const sql = sqlite
    ? `INSERT INTO audit_entries (${columns})
       WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       SELECT ${values} FROM n`
    : `INSERT INTO audit_entries (${columns})
       SELECT ${values} FROM generate_series($1::bigint, $2::bigint) AS i`;
  await store.db.executeQuery(CompiledQuery.raw(sql, [from, from + count - 1]));
}

/** Each filter's page, its index, and the share of all entries it matches (1 in `oneIn`). */
const pages: { name: string; filter: AuditFilter; index: string; oneIn: number }[] = [
  { name: "one person", filter: { actorId: "user3", limit: LIMIT }, index: "audit_actor_id_page", oneIn: 10 },
  { name: "one account", filter: { appid: "wxapp4", limit: LIMIT }, index: "audit_appid_page", oneIn: 10 },
  {
    name: "one action",
    filter: { action: "webhooks.manage", limit: LIMIT },
    index: "audit_action_page",
    oneIn: 4,
  },
  {
    name: "one outcome",
    filter: { outcome: "refused", limit: LIMIT },
    index: "audit_outcome_page",
    oneIn: 5,
  },
];

describe.each(testStoreFactories)("the audit log's pages on $name", (factory) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let repository: AuditRepository;
  const costs = new Map<string, QueryCost[]>();

  async function measure(): Promise<void> {
    await analyze(store);
    for (const page of pages) {
      const first = await repository.list(page.filter);
      expect(first).toHaveLength(LIMIT);
      const next = { ...page.filter, before: first.at(-1)!.id };
      const list = costs.get(page.name) ?? [];
      list.push(await queryCost(store, repository.listQuery(page.filter).compile()));
      list.push(await queryCost(store, repository.listQuery(next).compile()));
      costs.set(page.name, list);
    }
  }

  beforeAll(async () => {
    const handle = await factory.create();
    store = handle.store;
    dispose = handle.dispose;
    await migrateToLatest(store.db, migrations);
    repository = new AuditRepository(store.db);
    await fill(store, 0, 1_000);
    await measure();
    await fill(store, 1_000, 199_000);
    await measure();
  }, 120_000);
  afterAll(async () => {
    await dispose();
  });

  for (const page of pages) {
    it(`pages ${page.name} in index order, reading no more rows at 200k entries than at 1k`, () => {
      const [small, smallNext, large, largeNext] = costs.get(page.name)!;
      expect(
        pageCostProblems(
          store.dialect,
          { small: small!, smallNext: smallNext!, large: large!, largeNext: largeNext! },
          { index: page.index, maxRowsRead: LIMIT * page.oneIn },
        ),
      ).toEqual([]);
    });
  }
});
