import type { ApiCallRecord } from "@wxgate/wechat";
import { CompiledQuery } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../platform/clock.js";
import { idFloor, idTimestamp } from "../platform/ids.js";
import { createLogger } from "../platform/logger.js";
import { migrateToLatest } from "../platform/store/migrate.js";
import type { Store } from "../platform/store/store.js";
import { testStoreFactories } from "../platform/store/test-stores.js";
import { migrations } from "../registry.js";
import { analyze, type QueryCost, queryCost } from "../testing/query-plan.js";
import { ApiCallLog } from "./call-log.js";
import { ApiCallRetention, CALL_PURGE_SLICE } from "./call-log-retention.js";

const DAY = 24 * 60 * 60 * 1000;
const logger = createLogger({ level: "silent" });

const call: ApiCallRecord = {
  api: "/cgi-bin/message/custom/send",
  method: "POST",
  errcode: 0,
  ok: true,
  attempt: 1,
  latencyMs: 12,
};

/**
 * Where each test's clock starts: after the previous test's, and ahead of the real time, so the
 * ids the call log makes carry the manual clock's time (ids never go backwards in a process).
 */
let start = Date.UTC(2040, 0, 1);

/** `count` calls written by the engine, ids `call-<12 digits>` from row `from` on. */
async function fill(store: Store, from: number, count: number): Promise<void> {
  const columns = "id, appid, api, method, errcode, ok, error, rid, attempt, latency_ms, at";
  const sql =
    store.dialect === "sqlite"
      ? `INSERT INTO api_calls (${columns})
         WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i < ?)
         SELECT printf('call-%012d', i), printf('wxcaller%d', i % 10), 'cgi-bin/user/get', 'GET', 0, 1, NULL, NULL, 1, 3, i FROM n`
      : `INSERT INTO api_calls (${columns})
         SELECT 'call-' || lpad(i::text, 12, '0'), 'wxcaller' || (i % 10), 'cgi-bin/user/get', 'GET', 0, 1, NULL, NULL, 1, 3, i
         FROM generate_series($1::bigint, $2::bigint) AS i`;
  await store.db.executeQuery(CompiledQuery.raw(sql, [from, from + count - 1]));
}

/** The plan of a statement that changes rows, in a transaction rolled back after (PostgreSQL runs it). */
async function costRolledBack(store: Store, query: CompiledQuery): Promise<QueryCost> {
  let cost: QueryCost | undefined;
  const rollback = new Error("rolled back");
  await store.db
    .transaction()
    .execute(async (trx) => {
      cost = await queryCost({ db: trx, dialect: store.dialect }, query);
      throw rollback;
    })
    .catch((error: unknown) => {
      if (error !== rollback) throw error;
    });
  if (!cost) throw new Error("no plan");
  return cost;
}

describe.each(testStoreFactories)("the WeChat call log's retention on $name", (factory) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function setup(options: { retentionDays: number; slice?: number }) {
    const handle = await factory.create();
    cleanups.push(handle.dispose);
    await migrateToLatest(handle.store.db, migrations);
    start += 200 * DAY;
    const clock = new ManualClock(start);
    const db = handle.store.db;
    const log = new ApiCallLog(db, clock, logger);
    const retention = new ApiCallRetention({ db, clock, logger, ...options });
    /** The stored records' times, oldest first, in ms since the start. */
    const times = async () =>
      (await db.selectFrom("api_calls").select(["id", "at"]).orderBy("id").execute()).map((row) => {
        expect(idTimestamp(row.id)).toBe(Number(row.at));
        return Number(row.at) - start;
      });
    /** Records `count` calls now, a millisecond apart, to the account or to none. */
    const record = async (count: number, appId: string | null = "wx00000000000000c1") => {
      for (let n = 0; n < count; n++) {
        log.record(appId, call);
        clock.advance(1);
      }
      await log.flush();
    };
    return { store: handle.store, clock, retention, times, record };
  }

  it("purges the records older than the retention, of every account and of none, keeping the newer ones", async () => {
    const { clock, retention, times, record } = await setup({ retentionDays: 30 });
    await record(2);
    await record(1, null);
    clock.set(start + 10 * DAY);
    await record(1, "wx00000000000000c2");
    await record(1);
    clock.set(start + 29 * DAY);
    await record(1);
    const t = (day: number, ms: number) => day * DAY + ms;
    expect(await times()).toEqual([t(0, 0), t(0, 1), t(0, 2), t(10, 0), t(10, 1), t(29, 0)]);

    // Exactly 30 days after the first: nothing is older yet.
    clock.set(start + 30 * DAY);
    expect(await retention.runDue()).toBe(0);
    clock.set(start + 30 * DAY + 2);
    expect(await retention.runDue()).toBe(2);
    expect(await times()).toEqual([t(0, 2), t(10, 0), t(10, 1), t(29, 0)]);
    clock.set(start + 40 * DAY + 1);
    expect(await retention.purgeExpired()).toBe(2);
    expect(await times()).toEqual([t(10, 1), t(29, 0)]);
    clock.set(start + 100 * DAY);
    expect(await retention.runDue()).toBe(2);
    expect(await times()).toEqual([]);
    expect(await retention.runDue()).toBe(0);
  });

  it("deletes at most a slice per statement, the oldest first, and the whole backlog in turns", async () => {
    expect(CALL_PURGE_SLICE).toBe(5_000);
    const { clock, retention, times, record } = await setup({ retentionDays: 1, slice: 100 });
    await record(250);
    clock.set(start + 2 * DAY);
    await record(5);
    const before = idFloor(clock.now() - DAY);

    expect(await retention.purgeSlice(before)).toBe(100);
    const left = await times();
    expect(left).toHaveLength(155);
    expect(left[0]).toBe(100);
    expect(await retention.purgeSlice(before)).toBe(100);
    expect(await retention.purgeSlice(before)).toBe(50);
    expect(await retention.purgeSlice(before)).toBe(0);
    expect(await times()).toHaveLength(5);

    await record(250);
    clock.set(start + 4 * DAY);
    expect(await retention.purgeExpired()).toBe(255);
    expect(await times()).toEqual([]);
  });

  it("ends a purge after the statement under way when stopped; the next start goes on", async () => {
    const { clock, retention, times, record } = await setup({ retentionDays: 1, slice: 100 });
    await record(250);
    clock.set(start + 2 * DAY);
    retention.start();
    await retention.stop();
    expect(await times()).toHaveLength(150);
    retention.start();
    await retention.stop();
    expect(await times()).toHaveLength(50);
    expect(await retention.runDue()).toBe(50);
  });

  it("walks the primary key: a slice reads its own records only, with 200k in the table", async () => {
    const { store, clock } = await setup({ retentionDays: 30 });
    await fill(store, 0, 200_000);
    await analyze(store);
    const retention = new ApiCallRetention({ db: store.db, clock, logger, retentionDays: 30 });
    // 150k records are older than the cutoff; the slice is the 5,000 oldest.
    const before = "call-000000150000";
    const end = await retention.sliceEndQuery(before).executeTakeFirstOrThrow();
    expect(end.id).toBe("call-000000004999");
    const costs = [
      await queryCost(store, retention.sliceEndQuery(before).compile()),
      await costRolledBack(store, retention.deleteQuery(before, end.id).compile()),
    ];
    const pk = store.dialect === "sqlite" ? "sqlite_autoindex_api_calls_1" : "api_calls_pkey";
    for (const cost of costs) {
      expect(cost.indexes, cost.text).toContain(pk);
      expect(cost.scansTable, cost.text).toBe(false);
      expect(cost.sorts, cost.text).toBe(false);
      if (store.dialect === "postgres")
        expect(cost.rowsRead, cost.text).toBeLessThanOrEqual(CALL_PURGE_SLICE);
    }
    // Rolled back: every record is still there.
    const { n } = await store.db
      .selectFrom("api_calls")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(n)).toBe(200_000);
  });
});
