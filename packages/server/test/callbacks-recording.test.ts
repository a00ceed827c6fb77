import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CallbackGateway, EventsRepository, ReplyChain } from "../src/callbacks/index.js";
import {
  APP_ID,
  api,
  countRows,
  DISABLED_APP_ID,
  type Gateway,
  push,
  type Receiver,
  seal,
  startGateway,
  startReceiver,
  subscribeXml,
  TestAccounts,
  textXml,
} from "./callbacks-helpers.js";

const seconds = (gateway: Gateway) => Math.floor(gateway.server.clock.now() / 1000);
const queryOf = (sealed: { query: Record<string, string> }) => new URLSearchParams(sealed.query).toString();

/**
 * A second gateway on the test server's store (another process, or this one after a restart),
 * whose one reply provider counts how often it is asked.
 */
function secondGateway(gateway: Gateway, options: { memoryMs?: number } = {}) {
  const context = gateway.server.context;
  const replies = new ReplyChain({ deadlineMs: 1000, logger: context.logger });
  const counter = { asked: 0 };
  replies.register({
    name: "counting",
    reply: async () => {
      counter.asked++;
      return { type: "text", content: `answer ${counter.asked}` };
    },
  });
  const other = new CallbackGateway({
    accounts: new TestAccounts(),
    events: new EventsRepository(context.db),
    replies,
    fanout: undefined,
    clock: context.clock,
    logger: context.logger,
    maxBodyBytes: 1024 * 1024,
    ...options,
  });
  return { gateway: other, counter };
}

describe("event recording", () => {
  let gateway: Gateway;
  let receiver: Receiver;

  beforeEach(async () => {
    gateway = await startGateway();
    receiver = await startReceiver((_request, _index, response) => response.end("ok"));
  });
  afterEach(async () => {
    await receiver.close();
    await gateway.close();
  });

  it("records pushes arriving together, each once, and answers a retry another process recorded with the stored answer", async () => {
    const sealed = Array.from({ length: 20 }, (_, i) =>
      seal(gateway, textXml(`burst ${i}`, seconds(gateway)), "safe"),
    );
    const answers = await Promise.all(sealed.map((s) => push(gateway, s)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(await countRows(gateway.server, "events")).toBe(20);

    // A second gateway on the same store (another process, or this one after a restart
    // within the retry window) gets the stored answer from the table.
    // memoryMs 0: it remembers nothing, so only the table's unique key can tell.
    const other = secondGateway(gateway, { memoryMs: 0 });
    const again = await other.gateway.receive(APP_ID, queryOf(sealed[3]!), sealed[3]!.body);
    expect(again.body).toBe("success");
    expect(other.counter.asked).toBe(1);
    expect(await countRows(gateway.server, "events")).toBe(20);
  });

  it("answers a later retry, and one after a restart, from the events table without asking the providers again", async () => {
    const { gateway: first, counter } = secondGateway(gateway);
    const sealed = seal(gateway, textXml("late retry", seconds(gateway)), "safe");
    const answer = await first.receive(APP_ID, queryOf(sealed), sealed.body);
    expect(counter.asked).toBe(1);

    // Two minutes on, within the replay window: memory knows it was answered, the table has
    // the answer.
    gateway.server.clock.advance(2 * 60_000);
    expect((await first.receive(APP_ID, queryOf(sealed), sealed.body)).body).toBe(answer.body);
    // After a restart: memory is rebuilt from the table.
    const restarted = secondGateway(gateway);
    expect((await restarted.gateway.receive(APP_ID, queryOf(sealed), sealed.body)).body).toBe(answer.body);
    expect(counter.asked).toBe(1);
    expect(restarted.counter.asked).toBe(0);
    expect(await countRows(gateway.server, "events")).toBe(1);
  });

  it("purges every row of an account: events and their deliveries, and nothing of the others", async () => {
    await api(gateway, "POST", "/webhooks", { url: receiver.url });
    await push(gateway, seal(gateway, subscribeXml(seconds(gateway)), "safe"));
    await push(
      gateway,
      seal(gateway, textXml("kept", seconds(gateway)), "safe", { appId: DISABLED_APP_ID }),
      DISABLED_APP_ID,
    );
    await gateway.server.queue.runDue();
    expect(await countRows(gateway.server, "webhook_deliveries")).toBe(1);
    await gateway.server.context.bus.request("accounts.purge", APP_ID);
    expect(await countRows(gateway.server, "events")).toBe(1);
    expect(await countRows(gateway.server, "webhook_deliveries")).toBe(0);
    expect(await countRows(gateway.server, "webhooks")).toBe(1);
  });
});
