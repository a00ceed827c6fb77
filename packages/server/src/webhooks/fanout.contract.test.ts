import { randomBytes } from "node:crypto";
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type EventRow, EventsRepository } from "../callbacks/index.js";
import { ManualClock } from "../platform/clock.js";
import { createLogger } from "../platform/logger.js";
import { SecretBox } from "../platform/secrets.js";
import { migrateToLatest } from "../platform/store/migrate.js";
import { testStoreFactories } from "../platform/store/test-stores.js";
import { migrations } from "../registry.js";
import { queryCost } from "../testing/query-plan.js";
import { ActiveWebhooks, secretContext } from "./active.js";
import { WebhookFanout } from "./fanout.js";
import { type ClaimedDelivery, type FanoutDelivery, WebhooksRepository } from "./repository.js";

const START = Date.UTC(2025, 5, 1);
const logger = createLogger({ level: "silent" });

/** Counts the INSERT statements into webhook_deliveries that go through a Kysely instance. */
class InsertCounter implements KyselyPlugin {
  inserts = 0;
  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    const into =
      node.kind === "InsertQueryNode"
        ? node.into?.table.identifier.name
        : node.kind === "RawNode"
          ? /^\s*insert into "?(\w+)/i.exec(node.sqlFragments.join("?"))?.[1]
          : undefined;
    if (into === "webhook_deliveries") this.inserts++;
    return node;
  }
  async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return result;
  }
}

/** A repository whose insert of the fan-out's rows fails halfway, after writing the first half. */
class FailingHalfway extends WebhooksRepository {
  override async insertFanout(
    rows: readonly FanoutDelivery[],
    at: number,
    db?: Parameters<WebhooksRepository["insertFanout"]>[2],
  ): Promise<ClaimedDelivery[]> {
    await super.insertFanout(rows.slice(0, Math.ceil(rows.length / 2)), at, db);
    throw new Error("the store failed halfway through the batch");
  }
}

describe.each(testStoreFactories)("the webhook fan-out on $name", (factory) => {
  let handle: Awaited<ReturnType<typeof factory.create>>;
  let events: EventsRepository;
  let clock: ManualClock;
  let secrets: SecretBox;
  let counter: InsertCounter;
  let repository: WebhooksRepository;

  beforeEach(async () => {
    handle = await factory.create();
    await migrateToLatest(handle.store.db, migrations);
    const { store } = handle;
    clock = new ManualClock(START);
    secrets = new SecretBox(randomBytes(32));
    // The fan-out writes through the transaction the events side opens: both count.
    counter = new InsertCounter();
    const counted = store.db.withPlugin(counter);
    events = new EventsRepository(counted, store.dialect);
    repository = new WebhooksRepository(counted, store.dialect);
  });
  afterEach(async () => {
    await handle.dispose();
  });

  async function webhook(id: string, eventTypes: string[], enabled = true): Promise<void> {
    await handle.store.db
      .insertInto("webhooks")
      .values({
        id,
        name: id,
        url: "https://receiver.example/hook",
        events: JSON.stringify(eventTypes),
        accounts: '["*"]',
        secret: secrets.seal("whsec_test", secretContext(id)),
        forward_original: 0,
        reply: 0,
        enabled: enabled ? 1 : 0,
        max_attempts: 8,
        created_at: START,
        updated_at: START,
      })
      .execute();
  }

  /** `count` recorded events waiting for their fan-out, one a millisecond: text, then subscribe, in turn. */
  async function recorded(count: number, from = 0): Promise<string[]> {
    const rows: EventRow[] = Array.from({ length: count }, (_, k) => {
      const i = from + k;
      const subscribe = i % 2 === 1;
      return {
        id: `ev${String(i).padStart(6, "0")}`,
        appid: "wx1111111111111111",
        dedupe_key: `k${i}`,
        kind: subscribe ? "event" : "message",
        msg_type: subscribe ? "event" : "text",
        event: subscribe ? "subscribe" : null,
        push_type: subscribe ? "subscribe" : "text",
        from_openid: "oFollower",
        create_time: 1,
        received_at: START + i,
        mode: "safe",
        query: "",
        body: "<xml/>",
        plaintext_xml: "<xml/>",
        timestamp: "1",
        nonce: `n${i}`,
        signature: "s",
        body_hash: "",
        reply_xml: null,
        response_body: "success",
        status: "answered_success",
        fanout: "pending",
      };
    });
    for (let at = 0; at < rows.length; at += 500) await events.insertMany(rows.slice(at, at + 500));
    return rows.map((row) => row.id);
  }

  function fanout(options: { repository?: WebhooksRepository; backlogLimit?: number } = {}): WebhookFanout {
    const used = options.repository ?? repository;
    return new WebhookFanout({
      repository: used,
      events,
      webhooks: new ActiveWebhooks(used, secrets, clock),
      clock,
      logger,
      ...(options.backlogLimit !== undefined ? { backlogLimit: options.backlogLimit } : {}),
    });
  }

  /** A delivery of this event to this webhook, made already. */
  async function delivered(webhookId: string, eventId: string): Promise<void> {
    await handle.store.db
      .insertInto("webhook_deliveries")
      .values({
        id: "d-kept",
        webhook_id: webhookId,
        event_id: eventId,
        appid: "wx1111111111111111",
        kind: "fanout",
        status: "delivered",
        attempts: 1,
        last_status_code: 200,
        last_error: null,
        last_attempt_at: START,
        delivered_at: START,
        created_at: START,
        updated_at: START,
        next_attempt_at: null,
        locked_until: null,
        round_base: 0,
      })
      .execute();
  }

  async function fanoutStates(): Promise<Record<string, string>> {
    const rows = await handle.store.db.selectFrom("events").select(["id", "fanout"]).execute();
    return Object.fromEntries(rows.map((row) => [row.id, row.fanout]));
  }

  async function deliveries() {
    return handle.store.db
      .selectFrom("webhook_deliveries")
      .select(["webhook_id", "event_id", "status", "next_attempt_at"])
      .orderBy("event_id")
      .orderBy("webhook_id")
      .execute();
  }

  it("takes the oldest pending events a batch at a time, one insert for the batch's rows, marks them done", async () => {
    await webhook("all", ["*"]);
    await webhook("subscribes", ["subscribe"]);
    await webhook("off", ["*"], false);
    const ids = await recorded(450);
    const batches = fanout();

    expect(await batches.runBatch()).toEqual({ events: 200, deliveries: 300, paused: false, sendNow: [] });
    expect(counter.inserts).toBe(1);
    const states = await fanoutStates();
    expect(ids.filter((id) => states[id] === "done")).toEqual(ids.slice(0, 200));
    const rows = await deliveries();
    expect(rows.filter((row) => row.webhook_id === "all").map((row) => row.event_id)).toEqual(
      ids.slice(0, 200),
    );
    expect(rows.filter((row) => row.webhook_id === "subscribes").map((row) => row.event_id)).toEqual(
      ids.slice(0, 200).filter((_, i) => i % 2 === 1),
    );
    expect(rows.every((row) => row.status === "pending" && Number(row.next_attempt_at) === START)).toBe(true);

    expect((await batches.runBatch()).events).toBe(200);
    expect(await batches.runBatch()).toEqual({ events: 50, deliveries: 75, paused: false, sendNow: [] });
    expect(await batches.runBatch()).toEqual({ events: 0, deliveries: 0, paused: false, sendNow: [] });
    expect(counter.inserts).toBe(3);
    expect(Object.values(await fanoutStates()).every((state) => state === "done")).toBe(true);
    expect(await deliveries()).toHaveLength(675);
  });

  it("writes a batch whole or not at all: a failure halfway leaves neither rows nor marks", async () => {
    await webhook("all", ["*"]);
    const ids = await recorded(10);
    const failing = new FailingHalfway(handle.store.db, handle.store.dialect);
    await expect(fanout({ repository: failing }).runBatch()).rejects.toThrow("halfway");
    expect(await deliveries()).toEqual([]);
    expect(Object.values(await fanoutStates())).toEqual(ids.map(() => "pending"));

    // The same events, taken again, are fanned out once.
    expect(await fanout().runBatch()).toEqual({ events: 10, deliveries: 10, paused: false, sendNow: [] });
    expect((await deliveries()).map((row) => row.event_id)).toEqual(ids);
  });

  it("keeps a delivery that exists already for a webhook and an event", async () => {
    await webhook("all", ["*"]);
    const [first] = await recorded(2);
    await delivered("all", first!);
    expect(await fanout().runBatch()).toMatchObject({ events: 2 });
    const rows = await deliveries();
    expect(rows.map((row) => [row.event_id, row.status])).toEqual([
      [first, "delivered"],
      ["ev000001", "pending"],
    ]);
  });

  it("waits while the pending deliveries reach the limit, nothing lost, and resumes once they are below it", async () => {
    await webhook("all", ["*"]);
    await recorded(10);
    const batches = fanout({ backlogLimit: 5 });
    expect(await batches.runBatch()).toMatchObject({ events: 10, deliveries: 10 });
    const waiting = await recorded(10, 10);

    // 10 pending deliveries, the limit 5: the new events stay pending.
    expect(await batches.runBatch()).toEqual({ events: 0, deliveries: 0, paused: true, sendNow: [] });
    const states = await fanoutStates();
    expect(waiting.map((id) => states[id])).toEqual(waiting.map(() => "pending"));
    expect(await deliveries()).toHaveLength(10);

    // The receiver catches up: 8 delivered, 2 still pending.
    const claimed = await repository.claim("all", START, START + 60_000, 8);
    await repository.finish(
      claimed.map((delivery) => ({
        delivery,
        outcome: {
          status: "delivered",
          last_status_code: 200,
          last_error: null,
          delivered_at: START,
          next_attempt_at: null,
        },
        at: START,
      })),
    );
    // Counted again within a second at most, on the clock: until then it still waits.
    expect((await batches.runBatch()).paused).toBe(true);
    clock.advance(1000);
    expect(await batches.runBatch()).toEqual({ events: 10, deliveries: 10, paused: false, sendNow: [] });
    expect(Object.values(await fanoutStates()).every((state) => state === "done")).toBe(true);
  });

  it("creates claimed, to send at once, the deliveries its caller has slots for; the rest wait for a claim", async () => {
    await webhook("all", ["*"]);
    await webhook("subscribes", ["subscribe"]);
    const [, , third] = await recorded(4);
    // A delivery that exists already is neither created again nor sent.
    await delivered("all", third!);
    // "all" has three slots, "subscribes" none.
    let slots = 3;
    const batch = await fanout().runBatch({
      claimMs: 60_000,
      take: (webhookId) => webhookId === "all" && slots-- > 0,
    });
    expect(batch).toMatchObject({ events: 4, deliveries: 6 });
    // The third event's slot was taken, but its delivery existed: two to send.
    expect(batch.sendNow.map((s) => [s.webhook.row.id, s.event.id])).toEqual([
      ["all", "ev000000"],
      ["all", "ev000001"],
    ]);
    expect(batch.sendNow[0]!.delivery).toMatchObject({
      attempts: 1,
      round_base: 0,
      locked_until: START + 60_000,
    });
    expect(batch.sendNow[1]!.event).toMatchObject({ appId: "wx1111111111111111", plaintextXml: "<xml/>" });

    const rows = await handle.store.db
      .selectFrom("webhook_deliveries")
      .select(["webhook_id", "event_id", "status", "attempts", "locked_until", "next_attempt_at"])
      .orderBy("event_id")
      .orderBy("webhook_id")
      .execute();
    expect(
      rows.map((r) =>
        [r.webhook_id, r.event_id, r.status, r.attempts, r.locked_until, r.next_attempt_at].map(String),
      ),
    ).toEqual(
      [
        ["all", "ev000000", "pending", 1, START + 60_000, START + 60_000],
        ["all", "ev000001", "pending", 1, START + 60_000, START + 60_000],
        ["subscribes", "ev000001", "pending", 0, null, START],
        ["all", "ev000002", "delivered", 1, null, null],
        ["all", "ev000003", "pending", 0, null, START],
        ["subscribes", "ev000003", "pending", 0, null, START],
      ].map((r) => r.map(String)),
    );
    // A claim finds only the ones left pending; the claimed ones are due again when their claim lapses.
    expect((await repository.claim("all", START, START + 120_000, 10)).map((d) => d.event_id)).toEqual([
      "ev000003",
    ]);
    expect(
      (await repository.claim("all", START + 60_000, START + 61_000, 10)).map((d) => [
        d.event_id,
        d.attempts,
      ]),
    ).toEqual([
      ["ev000000", 2],
      ["ev000001", 2],
    ]);
  });

  it("finds the pending events through their partial index, oldest first", async () => {
    const cost = await queryCost(handle.store, events.pendingFanoutQuery(200).compile());
    expect(cost.indexes, cost.text).toEqual(["events_fanout_pending"]);
    expect(cost.sorts, cost.text).toBe(false);
  });
});
