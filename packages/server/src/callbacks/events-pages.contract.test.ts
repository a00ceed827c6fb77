import { CompiledQuery } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateToLatest } from "../platform/store/migrate.js";
import type { Store } from "../platform/store/store.js";
import { testStoreFactories } from "../platform/store/test-stores.js";
import { migrations } from "../registry.js";
import { adminActor } from "../testing/actors.js";
import { analyze, pageCostProblems, type QueryCost, queryCost } from "../testing/query-plan.js";
import { EventReader } from "./reading.js";
import { type EventFilter, EventsRepository } from "./repository.js";

const APPS = 10;
const TYPES = ["text", "image", "subscribe", "CLICK", "LOCATION"];
const LIMIT = 50;
const BASE_MS = 1_750_000_000_000;

/**
 * `count` events from row `from` on, spread over 10 accounts and 5 types, one a millisecond;
 * written by the engine itself (a recursive CTE, generate_series) so 200,000 take a second.
 */
async function fill(store: Store, from: number, count: number): Promise<void> {
  const columns =
    "id, appid, dedupe_key, kind, msg_type, event, push_type, from_openid, create_time, received_at, mode, " +
    "query, body, plaintext_xml, timestamp, nonce, signature, body_hash, reply_xml, response_body, status, fanout";
  const appsList = Array.from({ length: APPS }, (_, i) => `'wxapp${String(i).padStart(13, "0")}'`);
  const typesList = TYPES.map((t) => `'${t}'`);
  if (store.dialect === "sqlite") {
    const app = `(CASE i % ${APPS} ${appsList.map((a, k) => `WHEN ${k} THEN ${a}`).join(" ")} END)`;
    const type = `(CASE i % ${TYPES.length} ${typesList.map((t, k) => `WHEN ${k} THEN ${t}`).join(" ")} END)`;
    await store.db.executeQuery(
      CompiledQuery.raw(
        `INSERT INTO events (${columns})
         WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i < ?)
         SELECT printf('%08x-%04x-7000-8000-%012d', (${BASE_MS} + i) / 65536, (${BASE_MS} + i) % 65536, i),
           ${app}, 'k' || i, 'message', ${type}, NULL, ${type}, 'oUser', 1, ${BASE_MS} + i, 'safe',
           '', '', '<xml/>', '1', 'n' || i, 's', '', NULL, 'success', 'answered_success', 'none'
         FROM n`,
        [from, from + count - 1],
      ),
    );
    return;
  }
  const app = `(ARRAY[${appsList.join(",")}])[i % ${APPS} + 1]`;
  const type = `(ARRAY[${typesList.join(",")}])[i % ${TYPES.length} + 1]`;
  await store.db.executeQuery(
    CompiledQuery.raw(
      `INSERT INTO events (${columns})
       SELECT lpad(to_hex((${BASE_MS}::bigint + i) / 65536), 8, '0') || '-' || lpad(to_hex((${BASE_MS}::bigint + i) % 65536), 4, '0')
           || '-7000-8000-' || lpad(i::text, 12, '0'),
         ${app}, 'k' || i, 'message', ${type}, NULL, ${type}, 'oUser', 1, ${BASE_MS} + i, 'safe',
         '', '', '<xml/>', '1', 'n' || i, 's', '', NULL, 'success', 'answered_success', 'none'
       FROM generate_series($1::bigint, $2::bigint) AS i`,
      [from, from + count - 1],
    ),
  );
}

const pages: { name: string; filter: EventFilter; index: string }[] = [
  { name: "one account", filter: { appId: "wxapp0000000000002", limit: LIMIT }, index: "events_app_page" },
  { name: "one type", filter: { type: "subscribe", limit: LIMIT }, index: "events_type_page" },
  {
    name: "one account and one type",
    filter: { appId: "wxapp0000000000002", type: "subscribe", limit: LIMIT },
    index: "events_app_type_page",
  },
];

describe.each(testStoreFactories)("event pages on $name", (factory) => {
  let store: Store;
  let dispose: () => Promise<void>;
  let repository: EventsRepository;
  const costs = new Map<string, QueryCost[]>();

  async function measure(): Promise<void> {
    await analyze(store);
    for (const page of pages) {
      // Deep in the table too: the second page of an account, as a cursor asks for it.
      const first = await repository.list(page.filter);
      expect(first).toHaveLength(LIMIT);
      const second = { ...page.filter, before: first.at(-1)!.id };
      const list = costs.get(page.name) ?? [];
      list.push(await queryCost(store, repository.listQuery(page.filter).compile()));
      list.push(await queryCost(store, repository.listQuery(second).compile()));
      costs.set(page.name, list);
    }
  }

  beforeAll(async () => {
    const handle = await factory.create();
    store = handle.store;
    dispose = handle.dispose;
    await migrateToLatest(store.db, migrations);
    repository = new EventsRepository(store.db);
    await fill(store, 0, 1_000);
    await measure();
    await fill(store, 1_000, 199_000);
    await measure();
  }, 120_000);
  afterAll(async () => {
    await dispose();
  });

  for (const page of pages) {
    it(`pages ${page.name} in index order, reading no more rows at 200k events than at 1k`, () => {
      const [small, smallNext, large, largeNext] = costs.get(page.name)!;
      // The filters keep a tenth of the rows or more: a page reads at most ten pages' rows.
      expect(
        pageCostProblems(
          store.dialect,
          { small: small!, smallNext: smallNext!, large: large!, largeNext: largeNext! },
          { index: page.index, maxRowsRead: LIMIT * 10 },
        ),
      ).toEqual([]);
    });
  }

  it("bounds a page by time through the same index walk", async () => {
    const filter = {
      appId: "wxapp0000000000002",
      from: BASE_MS + 50_000,
      to: BASE_MS + 60_000,
      limit: LIMIT,
    };
    const rows = await repository.list(filter);
    expect(rows).toHaveLength(LIMIT);
    for (const row of rows) {
      expect(Number(row.received_at)).toBeGreaterThanOrEqual(filter.from);
      expect(Number(row.received_at)).toBeLessThanOrEqual(filter.to);
    }
    expect(Number(rows[0]!.received_at)).toBe(BASE_MS + 59_992);
    // The planner picks the account's walk or the time range's; either reads in page order.
    const cost = await queryCost(store, repository.listQuery(filter).compile());
    expect(cost.indexes.length, cost.text).toBeGreaterThan(0);
    expect(cost.sorts, cost.text).toBe(false);
    expect(cost.scansTable, cost.text).toBe(false);
  });

  it("pages the accounts of a limited reach newest first, each account's page read by its own walk", async () => {
    const reader = new EventReader(repository);
    const reach = adminActor(["wxapp0000000000003", "wxapp0000000000007"]);
    const expected = await store.db
      .selectFrom("events")
      .select("id")
      .where("appid", "in", ["wxapp0000000000003", "wxapp0000000000007"])
      .orderBy("id", "desc")
      .limit(2 * LIMIT)
      .execute();
    const first = await reader.list(reach, { limit: LIMIT });
    const second = await reader.list(reach, { limit: LIMIT, before: first.at(-1)!.id });
    expect([...first, ...second].map((row) => row.id)).toEqual(expected.map((row) => row.id));
    const typed = await reader.list(reach, { type: "CLICK", limit: LIMIT });
    expect(typed).toHaveLength(LIMIT);
    expect(typed.every((row) => row.appid === "wxapp0000000000003" && row.push_type === "CLICK")).toBe(true);
    expect(await reader.list(adminActor([]), { limit: LIMIT })).toEqual([]);
  });

  it("purges an account's 20,000 events in slices, and no other account's", async () => {
    const count = async (appId?: string) => {
      let query = store.db.selectFrom("events").select((eb) => eb.fn.countAll<number | string>().as("n"));
      if (appId !== undefined) query = query.where("appid", "=", appId);
      return Number((await query.executeTakeFirstOrThrow()).n);
    };
    expect(await count("wxapp0000000000005")).toBe(20_000);
    expect(await repository.purgeAccount("wxapp0000000000005")).toEqual({ events: 20_000 });
    expect(await count("wxapp0000000000005")).toBe(0);
    expect(await count()).toBe(180_000);
  });
});
