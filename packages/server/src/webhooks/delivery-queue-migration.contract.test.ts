import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { migrateToLatest } from "../platform/store/migrate.js";
import { testStoreFactories } from "../platform/store/test-stores.js";
import { migrations } from "../registry.js";
import { WebhooksRepository } from "./repository.js";

const T = 1_750_000_000_000;

/**
 * A store in the old design — one job per fan-out and per delivery — with work still queued,
 * migrated to the delivery queue: nothing queued is lost, and nothing is sent early.
 */
describe.each(testStoreFactories)("migrating queued deliveries on $name", (factory) => {
  let handle: Awaited<ReturnType<typeof factory.create>>;

  beforeEach(async () => {
    handle = await factory.create();
  });
  afterEach(async () => {
    await handle.dispose();
  });

  it("carries each pending delivery's due time, claim and round over from its job, and drops the old jobs", async () => {
    const { db } = handle.store;
    await migrateToLatest(
      db,
      migrations.filter((m) => m.name < "0009_delivery_queue"),
    );
    await sql`insert into webhooks (id, name, url, events, accounts, secret, forward_original, reply, enabled, max_attempts, created_at, updated_at)
      values ('wh', '', 'https://receiver.example/hook', '["*"]', '["*"]', 'sealed', 0, 0, 1, 8, ${T}, ${T})`.execute(
      db,
    );
    const delivery = (id: string, status: string, attempts: number) =>
      sql`insert into webhook_deliveries (id, webhook_id, event_id, app_id, kind, status, attempts, last_status_code, last_error, last_attempt_at, delivered_at, created_at, updated_at)
        values (${id}, 'wh', ${`ev-${id}`}, 'wxapp', 'fanout', ${status}, ${attempts}, null, null, null, null, ${T}, ${T})`.execute(
        db,
      );
    const job = (
      id: string,
      queue: string,
      key: string | null,
      status: string,
      attempts: number,
      runAt: number,
      lockedUntil: number | null,
    ) =>
      sql`insert into jobs (id, queue, payload, run_at, attempts, max_attempts, status, locked_until, last_error, dedupe_key, created_at, updated_at)
        values (${id}, ${queue}, '{}', ${runAt}, ${attempts}, 8, ${status}, ${lockedUntil}, null, ${key}, ${T}, ${T})`.execute(
        db,
      );
    const deliver = "callbacks.webhooks-deliver";
    // Retried once in this round, after a redelivery of two earlier attempts: due again at T+2s.
    await delivery("retrying", "pending", 3);
    await job("j1", deliver, `${deliver}:retrying`, "pending", 1, T + 2_000, null);
    // Out when the old server stopped: claimed until T+60s.
    await delivery("in-flight", "pending", 2);
    await job("j2", deliver, `${deliver}:in-flight`, "running", 2, T, T + 60_000);
    // Its job lost: due at once.
    await delivery("orphan", "pending", 0);
    await delivery("done", "delivered", 1);
    await job("j3", deliver, null, "done", 1, T, null);
    await job("j4", "callbacks.webhooks-fanout", "callbacks.webhooks-fanout:ev-x", "pending", 0, T, null);
    await job("j5", "auth.purge-sessions", "auth.purge-sessions", "pending", 0, T, null);

    const through = migrations.filter((m) => m.name <= "0009_delivery_queue");
    expect((await migrateToLatest(db, through)).applied).toEqual(["0009_delivery_queue"]);

    const rows = await db
      .selectFrom("webhook_deliveries")
      .select(["id", "status", "attempts", "next_attempt_at", "locked_until", "round_base"])
      .orderBy("id")
      .execute();
    expect(rows).toEqual([
      {
        id: "done",
        status: "delivered",
        attempts: 1,
        next_attempt_at: null,
        locked_until: null,
        round_base: 0,
      },
      {
        id: "in-flight",
        status: "pending",
        attempts: 2,
        next_attempt_at: T + 60_000,
        locked_until: T + 60_000,
        round_base: 0,
      },
      { id: "orphan", status: "pending", attempts: 0, next_attempt_at: 0, locked_until: null, round_base: 0 },
      {
        id: "retrying",
        status: "pending",
        attempts: 3,
        next_attempt_at: T + 2_000,
        locked_until: null,
        round_base: 2,
      },
    ]);
    const jobs = await db.selectFrom("jobs").select(["id", "status"]).orderBy("id").execute();
    expect(jobs).toEqual([
      { id: "j3", status: "done" },
      { id: "j5", status: "pending" },
    ]);

    // The queue takes them when they are due: the one the old worker held, once its claim lapses
    // (on the schema as it is now, the later steps applied: the queue's code is today's).
    await migrateToLatest(db, migrations);
    const repository = new WebhooksRepository(db, handle.store.dialect);
    expect((await repository.claim("wh", T + 1_999, T + 99_000, 10)).map((d) => d.id)).toEqual(["orphan"]);
    expect((await repository.claim("wh", T + 2_000, T + 99_000, 10)).map((d) => d.id)).toEqual(["retrying"]);
    expect((await repository.claim("wh", T + 59_999, T + 99_000, 10)).map((d) => d.id)).toEqual([]);
    expect(await repository.claim("wh", T + 60_000, T + 99_000, 10)).toEqual([
      expect.objectContaining({ id: "in-flight", attempts: 3 }),
    ]);
  });
});
