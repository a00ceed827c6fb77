import { mkdtempSync, rmSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  api,
  countRows,
  type Gateway,
  push,
  type Receiver,
  seal,
  startGateway,
  startReceiver,
  textXml,
} from "./callbacks-helpers.js";

const CLAIM_SECONDS = 30;

interface Delivery {
  id: string;
  eventId: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
}

/**
 * A delivery in flight when the process dies: the delivery stays claimed and unfinished in the
 * store. A new server on the same data folder takes it again once the claim
 * (WXGATE_JOB_CLAIM_TIMEOUT_SECONDS) lapses, and decides then whether to send.
 */
describe("a webhook delivery cut short by a crash", () => {
  let dataDir: string;
  let receiver: Receiver;
  /** Resolves when the first request reaches the receiver, which never answers it. */
  let firstRequest: Promise<void>;
  const unanswered: ServerResponse[] = [];
  const gateways: Gateway[] = [];

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "wxgate-crash-"));
    let arrived: () => void = () => {};
    firstRequest = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    receiver = await startReceiver((_request, index, response) => {
      if (index === 0) {
        unanswered.push(response);
        arrived();
        return;
      }
      response.statusCode = 200;
      response.end("ok");
    });
  });

  afterEach(async () => {
    await receiver.close();
    unanswered.length = 0;
    while (gateways.length) await gateways.pop()!.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(): Promise<Gateway> {
    const gateway = await startGateway({
      env: { WXGATE_DATA_DIR: dataDir, WXGATE_JOB_CLAIM_TIMEOUT_SECONDS: String(CLAIM_SECONDS) },
    });
    gateways.push(gateway);
    return gateway;
  }

  async function deliveries(gateway: Gateway, webhookId: string, query = ""): Promise<Delivery[]> {
    const response = await api(gateway, "GET", `/webhooks/${webhookId}/deliveries${query}`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: Delivery[] }).items;
  }

  /**
   * Creates a webhook, pushes a follower's message and lets the worker send it; the process
   * dies while the receiver has the request. Returns the restarted server.
   */
  async function crashMidDelivery(): Promise<{ gateway: Gateway; webhookId: string }> {
    const first = await start();
    const created = await api(first, "POST", "/webhooks", { url: receiver.url, events: ["text"] });
    expect(created.status).toBe(201);
    const { id: webhookId } = (await created.json()) as { id: string };
    const seconds = Math.floor(first.server.clock.now() / 1000);
    expect(await (await push(first, seal(first, textXml("in flight", seconds), "safe"))).text()).toBe(
      "success",
    );

    // The worker's run never ends: its store is closed under it below, so it can write nothing.
    const running = first.server.queue.runDue();
    running.catch(() => {});
    await Promise.race([
      firstRequest,
      running.then(() => {
        throw new Error("the delivery ended without reaching the receiver");
      }),
    ]);
    const [delivery] = await deliveries(first, webhookId);
    expect(delivery).toMatchObject({ status: "pending", attempts: 1 });
    // The delivery row is the queue: it holds the claim, and no job stands for it.
    const [claim] = await first.server.store.db
      .selectFrom("webhook_deliveries")
      .select(["status", "locked_until"])
      .execute();
    expect(claim).toEqual({
      status: "pending",
      locked_until: first.server.clock.now() + CLAIM_SECONDS * 1000,
    });
    expect(await first.server.store.db.selectFrom("jobs").selectAll().execute()).toEqual([]);
    await first.close();

    const gateway = await start();
    // Still claimed by the dead worker: nothing runs before the claim lapses.
    expect(await gateway.server.queue.runDue()).toBe(0);
    return { gateway, webhookId };
  }

  /**
   * Moves the clock to the moment the dead worker's claim lapses and runs what is due: the one
   * delivery, unless it is gone.
   */
  async function claimLapses(gateway: Gateway, deliveriesLeft = 1): Promise<void> {
    gateway.server.clock.advance(CLAIM_SECONDS * 1000 - 1);
    expect(await gateway.server.queue.runDue()).toBe(0);
    gateway.server.clock.advance(1);
    expect(await gateway.server.queue.runDue()).toBe(deliveriesLeft);
  }

  it("sends nothing more to a webhook disabled meanwhile, and the log says why", async () => {
    const { gateway, webhookId } = await crashMidDelivery();
    const disabled = await api(gateway, "PATCH", `/webhooks/${webhookId}`, { enabled: false });
    expect(disabled.status).toBe(200);

    await claimLapses(gateway);
    expect(receiver.received).toHaveLength(1);
    const [delivery] = await deliveries(gateway, webhookId, "?status=skipped");
    expect(delivery).toMatchObject({
      status: "skipped",
      attempts: 1,
      lastStatusCode: null,
      lastError: "not sent: the webhook is disabled",
    });
    gateway.server.clock.advance(60 * 60_000);
    expect(await gateway.server.queue.runDue()).toBe(0);
    expect(receiver.received).toHaveLength(1);

    // Sending it again waits for the webhook to be enabled, and then keeps the event id.
    const refused = await api(gateway, "POST", `/webhooks/${webhookId}/deliveries/${delivery!.id}/retry`);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("conflict");
    await api(gateway, "PATCH", `/webhooks/${webhookId}`, { enabled: true });
    const retried = await api(gateway, "POST", `/webhooks/${webhookId}/deliveries/${delivery!.id}/retry`);
    expect(retried.status).toBe(202);
    expect(await gateway.server.queue.runDue()).toBe(1);
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]!.headers["x-wxgate-event-id"]).toBe(delivery!.eventId);
    expect(await deliveries(gateway, webhookId)).toEqual([
      expect.objectContaining({ status: "delivered", attempts: 2, lastStatusCode: 200, lastError: null }),
    ]);
  });

  it("sends it once more to a webhook still enabled, with the same event id", async () => {
    const { gateway, webhookId } = await crashMidDelivery();

    await claimLapses(gateway);
    expect(receiver.received).toHaveLength(2);
    const [cut, resent] = receiver.received;
    const [delivery] = await deliveries(gateway, webhookId);
    expect(resent!.headers["x-wxgate-event-id"]).toBe(cut!.headers["x-wxgate-event-id"]);
    expect(resent!.headers["x-wxgate-event-id"]).toBe(delivery!.eventId);
    expect(resent!.headers["x-wxgate-delivery-id"]).toBe(delivery!.id);
    expect(resent!.body).toBe(cut!.body);
    expect(delivery).toMatchObject({
      status: "delivered",
      attempts: 2,
      lastStatusCode: 200,
      lastError: null,
    });

    gateway.server.clock.advance(60 * 60_000);
    expect(await gateway.server.queue.runDue()).toBe(0);
    expect(receiver.received).toHaveLength(2);
  });

  it("drops the delivery of a webhook deleted meanwhile", async () => {
    const { gateway, webhookId } = await crashMidDelivery();
    expect((await api(gateway, "DELETE", `/webhooks/${webhookId}`)).status).toBe(204);

    await claimLapses(gateway, 0);
    expect(receiver.received).toHaveLength(1);
    expect(await countRows(gateway.server, "webhook_deliveries")).toBe(0);
    expect(await gateway.server.store.db.selectFrom("jobs").selectAll().execute()).toEqual([]);
  });
});
