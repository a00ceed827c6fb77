import { CompiledQuery } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { analyze, queryCost } from "../testing/query-plan.js";
import { ManualClock } from "./clock.js";
import { SqlQueue } from "./queue.js";
import { migrateToLatest } from "./store/migrate.js";
import { platformMigrations } from "./store/migrations/index.js";
import type { Store } from "./store/store.js";
import { testStoreFactories } from "./store/test-stores.js";

const NOW = 1_750_000_000_000;
const HOUR = 60 * 60_000;

/**
 * `count` jobs of queue `work` from row `from` on, written by the engine itself: pending and
 * due (run_at spread over the last hour), every fifth one running with a live claim, and as
 * many finished ones beside them as the table of a busy server keeps.
 */
async function fill(store: Store, from: number, count: number): Promise<void> {
  const status = "(CASE i % 5 WHEN 0 THEN 'running' WHEN 1 THEN 'done' ELSE 'pending' END)";
  const lockedUntil = `(CASE i % 5 WHEN 0 THEN ${NOW + HOUR} ELSE NULL END)`;
  const values = `'work', '{}', ${NOW} - (i % 3600) * 1000, 0, 5, ${status}, ${lockedUntil}, NULL, NULL, ${NOW - HOUR}, ${NOW - HOUR}`;
  const columns =
    "id, queue, payload, run_at, attempts, max_attempts, status, locked_until, last_error, dedupe_key, created_at, updated_at";
  const sql =
    store.dialect === "sqlite"
      ? `INSERT INTO jobs (${columns})
         WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i < ?)
         SELECT printf('job-%012d', i), ${values} FROM n`
      : `INSERT INTO jobs (${columns})
         SELECT 'job-' || lpad(i::text, 12, '0'), ${values} FROM generate_series($1::bigint, $2::bigint) AS i`;
  await store.db.executeQuery(CompiledQuery.raw(sql, [from, from + count - 1]));
}

describe.each(testStoreFactories)("queue claims on $name", (factory) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function setup(options: { retentionMs?: number } = {}) {
    const handle = await factory.create();
    cleanups.push(handle.dispose);
    await migrateToLatest(handle.store.db, platformMigrations);
    const clock = new ManualClock(NOW);
    const queue = new SqlQueue({ db: handle.store.db, clock, dialect: handle.store.dialect, ...options });
    queue.handle("work", async () => {});
    return { store: handle.store, clock, queue };
  }

  it("claims a batch through its index, reading no more rows with 200k jobs than with 1k", async () => {
    const { store, queue } = await setup();
    const costs = [];
    await fill(store, 0, 1_000);
    await analyze(store);
    costs.push(await queryCost(store, queue.claimQuery(["work"], "pending", NOW, 4).compile()));
    costs.push(await queryCost(store, queue.claimQuery(["work"], "running", NOW + 2 * HOUR, 4).compile()));
    await fill(store, 1_000, 199_000);
    await analyze(store);
    costs.push(await queryCost(store, queue.claimQuery(["work"], "pending", NOW, 4).compile()));
    costs.push(await queryCost(store, queue.claimQuery(["work"], "running", NOW + 2 * HOUR, 4).compile()));
    const [pendingSmall, runningSmall, pendingLarge, runningLarge] = costs;
    // With 200,000 jobs the claim walks its index and stops after the batch. (PostgreSQL may
    // read a table of a thousand whole: that is what its statistics say is cheapest there.)
    for (const cost of factory.name === "sqlite" ? costs : [pendingLarge!, runningLarge!]) {
      expect(cost.sorts, cost.text).toBe(false);
      expect(cost.scansTable, cost.text).toBe(false);
    }
    expect(pendingLarge!.indexes, pendingLarge!.text).toContain("jobs_pending");
    expect(runningLarge!.indexes, runningLarge!.text).toContain("jobs_claimed");
    if (factory.name === "sqlite") {
      expect(pendingSmall!.text).toBe(pendingLarge!.text);
      expect(runningSmall!.text).toBe(runningLarge!.text);
    } else {
      // EXPLAIN ANALYZE ran the claims: the batch read through the index, then each row
      // taken by its key — no more rows at 200k jobs than at 1k.
      expect(pendingLarge!.rowsRead, pendingLarge!.text).toBeLessThanOrEqual(8);
      expect(runningLarge!.rowsRead, runningLarge!.text).toBeLessThanOrEqual(8);
      expect(pendingLarge!.rowsRead).toBeLessThanOrEqual(pendingSmall!.rowsRead!);
      expect(runningLarge!.rowsRead).toBeLessThanOrEqual(runningSmall!.rowsRead!);
    }
    // The oldest due jobs come first, exactly as many as asked for: no more rows change.
    const running = async () =>
      Number(
        (
          await store.db
            .selectFrom("jobs")
            .select((eb) => eb.fn.countAll<number | string>().as("n"))
            .where("status", "=", "running")
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await running();
    const taken = await queue.claimQuery(["work"], "pending", NOW, 4).execute();
    expect(taken).toHaveLength(4);
    expect(await running()).toBe(before + 4);
    const oldest = NOW - 3599 * 1000;
    for (const row of taken) expect(Number(row.run_at)).toBe(oldest);
  }, 120_000);

  it("deletes finished jobs once they are older than the retention, and nothing else", async () => {
    const { store, clock, queue } = await setup({ retentionMs: 24 * HOUR });
    const done = await queue.enqueue("work", { n: 1 });
    expect(await queue.runDue()).toBe(1);
    const failing = new SqlQueue({ db: store.db, clock, dialect: store.dialect, retentionMs: 24 * HOUR });
    failing.handle("broken", async () => {
      throw new Error("always");
    });
    const failed = await failing.enqueue("broken", {}, { maxAttempts: 1 });
    await failing.runDue();
    const waiting = await queue.enqueue("work", { n: 2 }, { delayMs: 48 * HOUR });
    const ids = async () =>
      (await store.db.selectFrom("jobs").select(["id", "status"]).orderBy("id").execute()).map(
        (row) =>
          `${row.id === done ? "done" : row.id === failed ? "failed" : row.id === waiting ? "waiting" : "?"}:${row.status}`,
      );
    expect(await ids()).toEqual(["done:done", "failed:failed", "waiting:pending"]);

    clock.advance(24 * HOUR - 1);
    expect(await queue.prune()).toBe(0);
    clock.advance(1);
    expect(await queue.prune()).toBe(0); // strictly older than the retention
    clock.advance(1);
    expect(await queue.prune()).toBe(2);
    expect(await ids()).toEqual(["waiting:pending"]);

    // The worker prunes by itself as it claims, at most once a minute.
    clock.advance(24 * HOUR);
    await queue.runDue();
    await queue.enqueue("work", { n: 3 });
    await queue.runDue();
    clock.advance(24 * HOUR + 60_000);
    await queue.runDue();
    expect(await ids()).toEqual([]);
  });

  it("keeps nothing finished with a retention of zero, and prunes in batches", async () => {
    const { store, clock, queue } = await setup({ retentionMs: 0 });
    await fill(store, 0, 6_000);
    clock.advance(1);
    const finished = async () =>
      Number(
        (
          await store.db
            .selectFrom("jobs")
            .select((eb) => eb.fn.countAll<number | string>().as("n"))
            .where("status", "=", "done")
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect(await finished()).toBe(1_200);
    expect(await queue.prune()).toBe(1_200);
    expect(await finished()).toBe(0);
  });
});
