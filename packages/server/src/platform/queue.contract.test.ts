import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import { ManualClock } from "./clock.js";
import type { Job } from "./ports.js";
import { DEFAULT_CLAIM_MS, SqlQueue } from "./queue.js";
import { migrateToLatest } from "./store/migrate.js";
import { platformMigrations } from "./store/migrations/index.js";
import type { Store } from "./store/store.js";
import { testStoreFactories } from "./store/test-stores.js";

async function yieldTurns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

describe.each(testStoreFactories)("queue contract on $name", (factory) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function setup() {
    const handle = await factory.create();
    cleanups.push(handle.dispose);
    await migrateToLatest(handle.store.db, platformMigrations);
    const clock = new ManualClock(1_750_000_000_000);
    // Queue names and payloads, as the server's are declared in JobPayloads; any by default.
    const queueOn = <M extends object = Record<string, unknown>>(store: Store) =>
      new SqlQueue<M>({ db: store.db, clock, backoffBaseMs: 1000, lockMs: 60_000 });
    return { ...handle, clock, queueOn };
  }

  async function jobRow(store: Store, id: string) {
    return store.db.selectFrom("jobs").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  }

  it("runs due jobs in order and waits for delayed ones", async () => {
    const { store, clock, queueOn } = await setup();
    const queue = queueOn<{ send: { n: number } }>(store);
    const seen: unknown[] = [];
    queue.handle("send", async (job) => {
      seen.push(job.payload.n);
    });
    await queue.enqueue("send", { n: 1 });
    await queue.enqueue("send", { n: 2 });
    const later = await queue.enqueue("send", { n: 3 }, { delayMs: 10_000 });
    expect(await queue.runDue()).toBe(2);
    expect(seen).toEqual([1, 2]);
    clock.advance(9_999);
    expect(await queue.runDue()).toBe(0);
    clock.advance(1);
    expect(await queue.runDue()).toBe(1);
    expect(seen).toEqual([1, 2, 3]);
    expect((await jobRow(store, later)).status).toBe("done");
  });

  it("retries with exponential backoff, then fails for good at max attempts", async () => {
    const { store, clock, queueOn } = await setup();
    const queue = queueOn(store);
    const attempts: number[] = [];
    queue.handle("flaky", async (job: Job) => {
      attempts.push(job.attempt);
      throw new Error(`attempt ${job.attempt} failed`);
    });
    const id = await queue.enqueue("flaky", {}, { maxAttempts: 3 });
    await queue.runDue();
    expect(await jobRow(store, id)).toMatchObject({
      status: "pending",
      attempts: 1,
      last_error: "Error: attempt 1 failed",
    });
    clock.advance(999);
    expect(await queue.runDue()).toBe(0);
    clock.advance(1);
    await queue.runDue(); // attempt 2, next in 2000 ms
    clock.advance(1999);
    expect(await queue.runDue()).toBe(0);
    clock.advance(1);
    await queue.runDue();
    expect(attempts).toEqual([1, 2, 3]);
    expect(await jobRow(store, id)).toMatchObject({
      status: "failed",
      attempts: 3,
      last_error: "Error: attempt 3 failed",
    });
    clock.advance(10 * 60_000);
    expect(await queue.runDue()).toBe(0);
  });

  it("de-duplicates by key while a job is pending, not after it finished", async () => {
    const { store, queueOn } = await setup();
    const queue = queueOn(store);
    let runs = 0;
    queue.handle("refresh", async () => {
      runs++;
    });
    const first = await queue.enqueue("refresh", { appid: "wx1" }, { dedupeKey: "refresh:wx1" });
    const again = await queue.enqueue("refresh", { appid: "wx1" }, { dedupeKey: "refresh:wx1" });
    expect(again).toBe(first);
    await queue.runDue();
    expect(runs).toBe(1);
    const next = await queue.enqueue("refresh", { appid: "wx1" }, { dedupeKey: "refresh:wx1" });
    expect(next).not.toBe(first);
  });

  it("survives a restart: a job enqueued before stop runs in the next worker", async () => {
    const { store, reopen, queueOn } = await setup();
    const before = queueOn(store);
    before.handle("send", async () => {});
    before.start();
    await before.stop();
    const id = await before.enqueue("send", { to: "o1" });

    const after = queueOn(await reopen());
    const seen: unknown[] = [];
    after.handle("send", async (job) => {
      seen.push(job.payload);
    });
    await after.runDue();
    expect(seen).toEqual([{ to: "o1" }]);
    expect((await jobRow(store, id)).status).toBe("done");
  });

  it("takes over a job whose worker died mid-run once its reservation lapses", async () => {
    const { store, reopen, clock, queueOn } = await setup();
    const crashed = queueOn(store);
    let started = false;
    crashed.handle("send", () => {
      started = true;
      return new Promise<void>(() => {}); // never finishes: the process "dies" here
    });
    const id = await crashed.enqueue("send", { to: "o2" });
    void crashed.runDue();
    while (!started) await yieldTurns(1);
    expect((await jobRow(store, id)).status).toBe("running");

    const survivor = queueOn(await reopen());
    const seen: Job[] = [];
    survivor.handle("send", async (job) => {
      seen.push(job);
    });
    expect(await survivor.runDue()).toBe(0); // still reserved
    clock.advance(60_000);
    expect(await survivor.runDue()).toBe(1);
    expect(seen[0]).toMatchObject({ id, attempt: 2, payload: { to: "o2" } });
    expect((await jobRow(store, id)).status).toBe("done");
  });

  it("takes a crashed worker's job again once the configured claim timeout has passed, not before", async () => {
    const { store, reopen, clock } = await setup();
    const claimMs = (env: Record<string, string>) => loadConfig({ env }).jobs.claimTimeoutSeconds * 1000;
    expect(claimMs({})).toBe(DEFAULT_CLAIM_MS);
    // Built as the server builds it; a queue without the option falls back to the same default.
    const configured = (db: Store["db"]) =>
      new SqlQueue({ db, clock, lockMs: claimMs({ WXGATE_JOB_CLAIM_TIMEOUT_SECONDS: "25" }) });
    const crashed = configured(store.db);
    let started = false;
    crashed.handle("send", () => {
      started = true;
      return new Promise<void>(() => {}); // the worker dies while this runs
    });
    const id = await crashed.enqueue("send", { to: "o3" });
    void crashed.runDue();
    while (!started) await yieldTurns(1);
    expect(await jobRow(store, id)).toMatchObject({ status: "running", locked_until: clock.now() + 25_000 });

    const survivor = configured((await reopen()).db);
    const seen: Job[] = [];
    survivor.handle("send", async (job) => {
      seen.push(job);
    });
    clock.advance(24_999);
    expect(await survivor.runDue()).toBe(0);
    clock.advance(1);
    expect(await survivor.runDue()).toBe(1);
    expect(seen).toEqual([expect.objectContaining({ id, attempt: 2, payload: { to: "o3" } })]);
    expect((await jobRow(store, id)).status).toBe("done");

    const unconfigured = new SqlQueue({ db: store.db, clock });
    unconfigured.handle("send", () => new Promise<void>(() => {}));
    const next = await unconfigured.enqueue("send", { to: "o4" });
    void unconfigured.runDue();
    while ((await jobRow(store, next)).status !== "running") await yieldTurns(1);
    expect((await jobRow(store, next)).locked_until).toBe(clock.now() + DEFAULT_CLAIM_MS);
  });

  it("stop() waits for running jobs to finish", async () => {
    const { store, queueOn } = await setup();
    const queue = queueOn(store);
    let release: () => void = () => {};
    let started = false;
    queue.handle("slow", async () => {
      started = true;
      await new Promise<void>((resolve) => (release = resolve));
    });
    queue.start();
    const id = await queue.enqueue("slow", {});
    while (!started) await yieldTurns(1);
    let stopped = false;
    const stopping = queue.stop().then(() => {
      stopped = true;
    });
    await yieldTurns(5);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(stopped).toBe(true);
    expect((await jobRow(store, id)).status).toBe("done");
  });
});
