import { randomBytes } from "node:crypto";
import { EventEmitter, once } from "node:events";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { buildXml } from "@wxgate/wechat";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type EventRow, EventsRepository } from "../callbacks/index.js";
import { ManualClock } from "../platform/clock.js";
import { createLogger } from "../platform/logger.js";
import { SecretBox } from "../platform/secrets.js";
import { migrateToLatest } from "../platform/store/migrate.js";
import { testStoreFactories } from "../platform/store/test-stores.js";
import { migrations } from "../registry.js";
import { adminActor } from "../testing/actors.js";
import { createWebhooks, type Webhooks } from "./index.js";
import { DELIVERY_ID_HEADER } from "./signature.js";

const START = Date.UTC(2025, 5, 1);
const logger = createLogger({ level: "silent" });

/** A receiver that holds every request until the test answers it. */
class HoldingReceiver extends EventEmitter {
  readonly held: { webhook: string; deliveryId: string; response: ServerResponse }[] = [];
  readonly deliveryIds: string[] = [];
  /** Requests held at once, at most, overall and per webhook path. */
  maxHeld = 0;
  readonly maxHeldPer = new Map<string, number>();
  url = "";
  private readonly server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      const webhook = request.url ?? "";
      const deliveryId = String(request.headers[DELIVERY_ID_HEADER]);
      this.deliveryIds.push(deliveryId);
      this.held.push({ webhook, deliveryId, response });
      this.maxHeld = Math.max(this.maxHeld, this.held.length);
      const per = this.held.filter((h) => h.webhook === webhook).length;
      this.maxHeldPer.set(webhook, Math.max(this.maxHeldPer.get(webhook) ?? 0, per));
      this.emit("request");
    });
  });

  async start(): Promise<void> {
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Resolves once `count` requests are held. */
  async holding(count: number): Promise<void> {
    while (this.held.length < count) await once(this, "request");
  }

  /** Answers every request held, 200 unless told. */
  releaseAll(status = 200): void {
    for (const { response } of this.held.splice(0)) {
      response.statusCode = status;
      response.end("ok");
    }
  }

  heldBy(webhook: string): number {
    return this.held.filter((h) => h.webhook === webhook).length;
  }

  async close(): Promise<void> {
    this.releaseAll();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe.each(testStoreFactories)("the delivery worker on $name", (factory) => {
  let handle: Awaited<ReturnType<typeof factory.create>>;
  let events: EventsRepository;
  let clock: ManualClock;
  let receiver: HoldingReceiver;
  let webhooks: Webhooks;
  /** The events read for each claim's deliveries (the fan-out's own read aside). */
  let envelopeReads: string[][] = [];

  beforeEach(async () => {
    handle = await factory.create();
    await migrateToLatest(handle.store.db, migrations);
    events = new EventsRepository(handle.store.db, handle.store.dialect);
    clock = new ManualClock(START);
    receiver = new HoldingReceiver();
    await receiver.start();
    envelopeReads = [];
    webhooks = createWebhooks({
      db: handle.store.db,
      dialect: handle.store.dialect,
      events: {
        envelopes: (ids) => {
          envelopeReads.push([...ids].sort());
          return events.envelopes(ids);
        },
        fanOutPending: (limit, fanOut) => events.fanOutPending(limit, fanOut),
      },
      secrets: new SecretBox(randomBytes(32)),
      clock,
      logger,
      mode: "sandbox",
      claimMs: 60_000,
      concurrency: 4,
      concurrencyPerWebhook: 2,
      deliveryTimeoutMs: 10_000,
    });
  });
  afterEach(async () => {
    await webhooks.worker.stop();
    await receiver.close();
    await handle.dispose();
  });

  async function record(count: number, from = 0): Promise<void> {
    const rows: EventRow[] = Array.from({ length: count }, (_, k) => {
      const i = from + k;
      const xml = buildXml({
        ToUserName: "gh_0123456789ab",
        FromUserName: "oFollower",
        CreateTime: 1,
        MsgType: "text",
        Content: `message ${i}`,
        MsgId: String(1000 + i),
      });
      return {
        id: `ev${String(i).padStart(4, "0")}`,
        appid: "wx1111111111111111",
        dedupe_key: `k${i}`,
        kind: "message",
        msg_type: "text",
        event: null,
        push_type: "text",
        from_openid: "oFollower",
        create_time: 1,
        received_at: START + i,
        mode: "plaintext",
        query: "",
        body: xml,
        plaintext_xml: xml,
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
    await events.insertMany(rows);
  }

  async function claimedRows(): Promise<number> {
    const rows = await handle.store.db
      .selectFrom("webhook_deliveries")
      .select("id")
      .where("status", "=", "pending")
      .where("locked_until", "is not", null)
      .execute();
    return rows.length;
  }

  it("has no more requests out than its slots, overall and per webhook, and claims no more than it sends", async () => {
    for (const name of ["a", "b", "c"])
      await webhooks.service.create(adminActor(), { name, url: `${receiver.url}/${name}` });
    await record(10);
    const { worker } = webhooks;

    // One turn: the 10 events fanned out (30 deliveries), 4 claimed and sent — 2 per webhook.
    expect(await worker.run()).toEqual({ fannedOut: 10, handled: 4, finished: 0 });
    await receiver.holding(4);
    expect(worker.sending).toBe(4);
    expect(await claimedRows()).toBe(4);
    expect(receiver.maxHeldPer.size).toBe(2);
    // No free slot: a turn takes nothing more, and reads nothing more.
    expect(await worker.run()).toMatchObject({ handled: 0 });
    expect(await claimedRows()).toBe(4);

    // Until every delivery is made: answer what is held, let a turn write the outcomes and refill.
    for (;;) {
      receiver.releaseAll();
      await worker.settled();
      const turn = await worker.run();
      if (turn.handled === 0) break;
      await receiver.holding(turn.handled);
      expect(await claimedRows()).toBe(worker.sending);
    }
    expect(receiver.maxHeld).toBe(4);
    expect([...receiver.maxHeldPer.values()]).toEqual([2, 2, 2]);
    expect(receiver.deliveryIds).toHaveLength(30);
    expect(new Set(receiver.deliveryIds).size).toBe(30);
    const statuses = await handle.store.db.selectFrom("webhook_deliveries").select("status").execute();
    expect(statuses.every((row) => row.status === "delivered")).toBe(true);
  });

  it("started, delivers what is recorded when told, and stops only once the outcomes are written", async () => {
    await webhooks.service.create(adminActor(), { url: `${receiver.url}/a` });
    await record(3);
    const { worker } = webhooks;
    worker.start(60_000);
    webhooks.routing.recorded();
    await receiver.holding(2);
    expect(receiver.heldBy("/a")).toBe(2);
    receiver.releaseAll();
    await receiver.holding(1);
    const stopping = worker.stop();
    receiver.releaseAll();
    await stopping;
    expect(worker.sending).toBe(0);
    const rows = await handle.store.db
      .selectFrom("webhook_deliveries")
      .select(["status", "locked_until"])
      .execute();
    expect(rows).toEqual([
      { status: "delivered", locked_until: null },
      { status: "delivered", locked_until: null },
      { status: "delivered", locked_until: null },
    ]);
  });

  it("started, takes a retry when it falls due, and a redelivery at once", async () => {
    const hook = await webhooks.service.create(adminActor(), { url: `${receiver.url}/a` });
    await record(1);
    const { worker } = webhooks;
    // Ticks every 10 ms; what is due is read on the manual clock.
    worker.start(10);
    webhooks.routing.recorded();
    await receiver.holding(1);
    receiver.releaseAll(500);
    await worker.settled();
    await worker.run();
    const row = () => handle.store.db.selectFrom("webhook_deliveries").selectAll().executeTakeFirstOrThrow();
    expect(await row()).toMatchObject({ status: "pending", attempts: 1, last_status_code: 500 });

    // Due a second later (the backoff): the ticks find it once the clock gets there.
    clock.advance(1000);
    await receiver.holding(1);
    receiver.releaseAll(200);
    await worker.settled();
    await worker.run();
    expect(await row()).toMatchObject({ status: "delivered", attempts: 2 });

    // Sent again on request, without waiting for the clock.
    await webhooks.service.redeliver(adminActor(), hook.id, (await row()).id);
    await receiver.holding(1);
    receiver.releaseAll(200);
    await worker.stop();
    expect(await row()).toMatchObject({ status: "delivered", attempts: 3 });
    expect(receiver.deliveryIds).toHaveLength(3);
  });

  it("sends the new deliveries of a webhook that keeps up straight from the fan-out, and queues them behind a backlog", async () => {
    await webhooks.service.create(adminActor(), { url: `${receiver.url}/a` });
    const { worker } = webhooks;
    const held = () => receiver.held.map((h) => h.deliveryId);
    const eventOf = async (deliveryIds: string[]) => {
      const rows = await handle.store.db
        .selectFrom("webhook_deliveries")
        .select(["id", "event_id"])
        .where("id", "in", deliveryIds)
        .execute();
      return deliveryIds.map((id) => rows.find((row) => row.id === id)?.event_id);
    };
    const answerAll = async () => {
      receiver.releaseAll();
      await worker.settled();
      await worker.run();
    };

    // The first delivery goes through a claim, which finds nothing more: the webhook keeps up.
    await record(1);
    webhooks.routing.recorded();
    expect(await worker.run()).toMatchObject({ fannedOut: 1, handled: 1 });
    await receiver.holding(1);
    expect(envelopeReads).toEqual([["ev0000"]]);
    await answerAll();

    // The next ones are created claimed and sent at once: no claim, no second read of the events.
    await record(2, 1);
    webhooks.routing.recorded();
    expect(await worker.run()).toMatchObject({ fannedOut: 2, handled: 2 });
    await receiver.holding(2);
    expect((await eventOf(held())).sort()).toEqual(["ev0001", "ev0002"]);
    expect(envelopeReads).toHaveLength(1);
    expect(await claimedRows()).toBe(2);
    await answerAll();

    // Three at once with two slots: two sent at once, the third waits for a claim...
    await record(3, 3);
    webhooks.routing.recorded();
    expect(await worker.run()).toMatchObject({ fannedOut: 3, handled: 2 });
    await receiver.holding(2);
    expect((await eventOf(held())).sort()).toEqual(["ev0003", "ev0004"]);
    // ...and one recorded meanwhile queues behind it, not ahead.
    await record(1, 6);
    webhooks.routing.recorded();
    receiver.releaseAll();
    await worker.settled();
    expect(await worker.run()).toMatchObject({ fannedOut: 1, handled: 2 });
    await receiver.holding(2);
    expect((await eventOf(held())).sort()).toEqual(["ev0005", "ev0006"]);
    // Both taken by one claim, in their order.
    expect(envelopeReads.at(-1)).toEqual(["ev0005", "ev0006"]);
    expect(envelopeReads).toHaveLength(2);
    await answerAll();

    expect(receiver.deliveryIds).toHaveLength(7);
    const rows = await handle.store.db
      .selectFrom("webhook_deliveries")
      .select(["status", "attempts"])
      .execute();
    expect(rows.every((row) => row.status === "delivered" && row.attempts === 1)).toBe(true);
  });
});
