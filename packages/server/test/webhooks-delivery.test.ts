import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type TestDatabase, testEngines } from "../src/testing/engines.js";
import { verifyWebhookSignature } from "../src/webhooks/index.js";
import {
  APP_ID,
  api,
  countRows,
  type Gateway,
  push,
  type Receiver,
  seal,
  startGateway,
  startReceiver,
  subscribeXml,
  textXml,
} from "./callbacks-helpers.js";

const seconds = (gateway: Gateway) => Math.floor(gateway.server.clock.now() / 1000);

interface Delivery {
  id: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  eventId: string;
  kind: string;
}

describe.each(testEngines)("webhook fan-out on $name", (engine) => {
  let gateway: Gateway;
  let receiver: Receiver;
  let database: TestDatabase;
  /** Status codes the receiver answers, in turn; 200 once they run out. */
  let script: number[];

  beforeEach(async () => {
    database = await engine.database();
    gateway = await startGateway({ env: database.env });
    expect(gateway.server.store.dialect).toBe(engine.name);
    script = [];
    receiver = await startReceiver((_request, _index, response) => {
      response.statusCode = script.shift() ?? 200;
      response.end("ok");
    });
  });

  afterEach(async () => {
    await receiver.close();
    await gateway.close();
    await database.dispose();
  });

  async function create(body: Record<string, unknown>) {
    const response = await api(gateway, "POST", "/webhooks", { url: receiver.url, ...body });
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string; secret: string };
  }

  async function deliveries(id: string): Promise<Delivery[]> {
    const response = await api(gateway, "GET", `/webhooks/${id}/deliveries`);
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: Delivery[] }).items;
  }

  it("delivers a signed JSON event, retries after a 500 with backoff, and logs the delivery", async () => {
    const hook = await create({ events: ["text"] });
    script = [500];
    const sealed = seal(gateway, textXml("to the webhook", seconds(gateway)), "safe");
    expect(await (await push(gateway, sealed)).text()).toBe("success");

    await gateway.server.queue.runDue();
    expect(receiver.received).toHaveLength(1);
    let [delivery] = await deliveries(hook.id);
    expect(delivery).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 500, kind: "fanout" });

    // Not due yet: nothing is sent before the backoff has passed.
    await gateway.server.queue.runDue();
    expect(receiver.received).toHaveLength(1);
    gateway.server.clock.advance(1000);
    await gateway.server.queue.runDue();
    expect(receiver.received).toHaveLength(2);
    [delivery] = await deliveries(hook.id);
    expect(delivery).toMatchObject({ status: "delivered", attempts: 2, lastStatusCode: 200 });

    const [first, second] = receiver.received;
    expect(second!.body).toBe(first!.body);
    expect(second!.headers["x-wxgate-event-id"]).toBe(first!.headers["x-wxgate-event-id"]);
    expect(second!.headers["x-wxgate-event-id"]).toBe(delivery!.eventId);
    const signature = second!.headers["x-wxgate-signature"] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(
      verifyWebhookSignature(hook.secret, signature, second!.body, { nowSeconds: seconds(gateway) }),
    ).toBe(true);
    expect(
      verifyWebhookSignature(hook.secret, signature, `${second!.body} `, { nowSeconds: seconds(gateway) }),
    ).toBe(false);
    expect(
      verifyWebhookSignature("whsec_wrong", signature, second!.body, { nowSeconds: seconds(gateway) }),
    ).toBe(false);
    const event = JSON.parse(second!.body) as {
      appId: string;
      msgType: string;
      message: { content: string };
      replyExpected: boolean;
    };
    expect(event).toMatchObject({
      appId: APP_ID,
      msgType: "text",
      replyExpected: false,
      message: { content: "to the webhook" },
    });

    // Done for good: running the queue again sends nothing.
    gateway.server.clock.advance(60 * 60_000);
    await gateway.server.queue.runDue();
    expect(receiver.received).toHaveLength(2);
  });

  it("gives up after maxAttempts and redelivers on request", async () => {
    const hook = await create({ maxAttempts: 2 });
    script = [503, 503];
    await push(gateway, seal(gateway, subscribeXml(seconds(gateway)), "plaintext"));
    await gateway.server.queue.runDue();
    gateway.server.clock.advance(1000);
    await gateway.server.queue.runDue();
    let [delivery] = await deliveries(hook.id);
    expect(delivery).toMatchObject({ status: "failed", attempts: 2, lastStatusCode: 503 });
    gateway.server.clock.advance(10 * 60_000);
    await gateway.server.queue.runDue();
    expect(receiver.received).toHaveLength(2);

    const retried = await api(gateway, "POST", `/webhooks/${hook.id}/deliveries/${delivery!.id}/retry`);
    expect(retried.status).toBe(202);
    await gateway.server.queue.runDue();
    [delivery] = await deliveries(hook.id);
    expect(delivery).toMatchObject({ status: "delivered", attempts: 3 });
    expect(receiver.received).toHaveLength(3);
    const again = await api(gateway, "POST", `/webhooks/${hook.id}/deliveries/unknown/retry`);
    expect(again.status).toBe(404);
  });

  it("skips, without sending, a retry whose webhook was disabled while it waited", async () => {
    const hook = await create({});
    script = [500];
    await push(gateway, seal(gateway, textXml("retry later", seconds(gateway)), "safe"));
    await gateway.server.queue.runDue();
    expect(receiver.received).toHaveLength(1);
    expect((await api(gateway, "PATCH", `/webhooks/${hook.id}`, { enabled: false })).status).toBe(200);

    gateway.server.clock.advance(1000);
    expect(await gateway.server.queue.runDue()).toBe(1);
    expect(receiver.received).toHaveLength(1);
    expect(await deliveries(hook.id)).toEqual([
      expect.objectContaining({
        status: "skipped",
        attempts: 1,
        lastStatusCode: 500,
        lastError: "not sent: the webhook is disabled",
      }),
    ]);
  });

  it("forwards WeChat's original body byte for byte with its original query", async () => {
    await create({ forwardOriginal: true });
    const sealed = seal(gateway, textXml("原样转发 <&> ✓", seconds(gateway)), "compatible");
    await push(gateway, sealed);
    await gateway.server.queue.runDue();
    expect(receiver.received).toHaveLength(1);
    const forwarded = receiver.received[0]!;
    expect(forwarded.body).toBe(sealed.body);
    expect(Buffer.from(forwarded.body)).toEqual(Buffer.from(sealed.body));
    const query = new URLSearchParams(forwarded.url.slice(forwarded.url.indexOf("?") + 1));
    for (const [name, value] of Object.entries(sealed.query)) expect(query.get(name)).toBe(value);
    expect(forwarded.headers["content-type"]).toContain("text/xml");
  });

  it("delivers a retried push once", async () => {
    const hook = await create({});
    const sealed = seal(gateway, textXml("thrice", seconds(gateway)), "safe");
    for (let i = 0; i < 3; i++) await push(gateway, sealed);
    await gateway.server.queue.runDue();
    expect(receiver.received).toHaveLength(1);
    expect(await deliveries(hook.id)).toHaveLength(1);
    expect(await countRows(gateway.server, "events")).toBe(1);
  });

  it("filters by event name and by account, and skips disabled webhooks", async () => {
    const clicks = await create({ events: ["CLICK"] });
    const other = await create({ accounts: ["wx9999999999999999"] });
    const disabled = await create({ enabled: false });
    const subscribes = await create({ events: ["subscribe"], accounts: [APP_ID] });
    await push(gateway, seal(gateway, subscribeXml(seconds(gateway)), "safe"));
    await gateway.server.queue.runDue();
    expect(await deliveries(clicks.id)).toHaveLength(0);
    expect(await deliveries(other.id)).toHaveLength(0);
    expect(await deliveries(disabled.id)).toHaveLength(0);
    expect(await deliveries(subscribes.id)).toHaveLength(1);
    expect(receiver.received).toHaveLength(1);
  });

  it("manages webhooks: the secret shown once and stored sealed; change; delete", async () => {
    const hook = await create({ name: "crm", events: ["text", "subscribe"] });
    expect(hook.secret).toMatch(/^whsec_[\w-]{32}$/);
    const listed = await api(gateway, "GET", "/webhooks");
    const listText = await listed.text();
    expect(listText).not.toContain(hook.secret);
    expect(JSON.parse(listText).items).toEqual([
      expect.objectContaining({ id: hook.id, name: "crm", enabled: true, maxAttempts: 8 }),
    ]);
    const stored = await gateway.server.store.db.selectFrom("webhooks").selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(hook.secret);

    const patched = await api(gateway, "PATCH", `/webhooks/${hook.id}`, { enabled: false, events: ["*"] });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ enabled: false, events: ["*"] });
    expect(await (await api(gateway, "GET", `/webhooks/${hook.id}`)).json()).toMatchObject({
      enabled: false,
    });
    expect((await api(gateway, "DELETE", `/webhooks/${hook.id}`)).status).toBe(204);
    expect((await api(gateway, "GET", `/webhooks/${hook.id}`)).status).toBe(404);
    expect((await api(gateway, "DELETE", `/webhooks/${hook.id}`)).status).toBe(404);
    expect(gateway.server.logLines.join("")).not.toContain(hook.secret);
  });

  it("needs the webhooks:write scope", async () => {
    const reader = await gateway.server.auth.createApiKey(
      { userId: null, name: "t" },
      { name: "reader", scopes: ["events:read"] },
    );
    const response = await fetch(`${gateway.url}/api/v1/webhooks`, {
      headers: { authorization: `Bearer ${reader.key}` },
    });
    expect(response.status).toBe(403);
    const events = await fetch(`${gateway.url}/api/v1/events`, {
      headers: { authorization: `Bearer ${reader.key}` },
    });
    expect(events.status).toBe(200);
  });

  it("schedules after a restart the fan-out of an event recorded just before a crash", async () => {
    await create({});
    await push(gateway, seal(gateway, subscribeXml(seconds(gateway)), "safe"));
    // The crash: the fan-out job is lost, the event stays pending.
    await gateway.server.store.db.deleteFrom("jobs").execute();
    expect(
      (await gateway.server.store.db.selectFrom("events").select("fanout").executeTakeFirstOrThrow()).fanout,
    ).toBe("pending");
    // A fresh gateway on the same store recovers on its first push.
    const { createCallbacks } = await import("../src/callbacks/index.js");
    const { TestAccounts } = await import("./callbacks-helpers.js");
    const fresh = createCallbacks(gateway.server.context, {
      accounts: new TestAccounts(),
      replies: gateway.server.context.use("replies"),
      fanout: gateway.server.context.use("eventFanout"),
    });
    const sealed = seal(gateway, textXml("after restart", seconds(gateway)), "plaintext");
    await fresh.gateway.receive(sealed.appId, new URLSearchParams(sealed.query).toString(), sealed.body);
    await gateway.server.queue.runDue();
    expect(receiver.received).toHaveLength(2);
  });
});
