import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { outboundDispatcher } from "../platform/outbound.js";
import { sendWebhook, type WebhookRequest } from "./sender.js";
import { verifyWebhookSignature } from "./signature.js";

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

/** A receiver on loopback answering `status` (with a location for a redirect), counting its connections. */
async function receiver(status: number) {
  const seen = { connections: 0, bodies: [] as string[], signatures: [] as string[] };
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      seen.bodies.push(Buffer.concat(chunks).toString("utf8"));
      seen.signatures.push(String(request.headers["x-wxgate-signature"]));
      if (status >= 300 && status < 400) response.setHeader("location", "http://127.0.0.1:1/elsewhere");
      response.statusCode = status;
      response.end("thanks");
    });
  });
  server.on("connection", () => {
    seen.connections++;
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { ...seen, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, seen };
}

const request = (url: string, body = '{"n":1}'): WebhookRequest => ({
  url,
  body,
  contentType: "application/json",
  secret: "whsec_test",
  eventId: "ev1",
  deliveryId: "d1",
  timestampSeconds: 1_750_000_000,
  timeoutMs: 5_000,
});

describe("sendWebhook", () => {
  it("signs each request and keeps connections open for the next ones (sandbox)", async () => {
    const { url, seen } = await receiver(200);
    const dispatcher = outboundDispatcher({ production: false });
    for (let i = 0; i < 20; i++) {
      expect(await sendWebhook(request(url, `{"n":${i}}`), dispatcher)).toEqual({
        ok: true,
        status: 200,
        body: "thanks",
      });
    }
    expect(seen.bodies).toHaveLength(20);
    expect(seen.bodies[2]).toBe('{"n":2}');
    expect(
      verifyWebhookSignature("whsec_test", seen.signatures[2]!, '{"n":2}', { nowSeconds: 1_750_000_000 }),
    ).toBe(true);
    // Not a connection per request: an answered connection goes back to the pool (a request
    // sent while the last answer is still being read may open a second one).
    expect(seen.connections).toBeLessThanOrEqual(2);
  });

  it("does not follow a redirect: a 3xx is an answer that failed", async () => {
    const { url } = await receiver(302);
    expect(await sendWebhook(request(url), outboundDispatcher({ production: false }))).toEqual({
      ok: false,
      status: 302,
      error: "answered 302",
    });
  });

  it("in production connects to no private address, and says so", async () => {
    const { url, seen } = await receiver(200);
    const sent = await sendWebhook(request(url), outboundDispatcher({ production: true }));
    expect(sent).toMatchObject({ ok: false, status: null });
    expect(sent.ok ? "" : sent.error).toContain("127.0.0.1");
    expect(seen.connections).toBe(0);
  });

  it("gives up on a receiver that does not answer in time, and on its caller's signal", async () => {
    server = createServer(() => {
      // Never answers.
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const dispatcher = outboundDispatcher({ production: false });
    expect(await sendWebhook({ ...request(url), timeoutMs: 50 }, dispatcher)).toEqual({
      ok: false,
      status: null,
      error: "timed out",
    });
    const budget = new AbortController();
    const sent = sendWebhook({ ...request(url), timeoutMs: undefined, signal: budget.signal }, dispatcher);
    budget.abort();
    expect(await sent).toEqual({ ok: false, status: null, error: "timed out" });
    const already = AbortSignal.abort();
    expect(await sendWebhook({ ...request(url), signal: already }, dispatcher)).toMatchObject({
      error: "timed out",
    });
  });

  it("reads at most 64 KiB of an answer and keeps its status", async () => {
    server = createServer((_request, response) => {
      response.statusCode = 200;
      response.write("a".repeat(60 * 1024));
      response.write("b".repeat(60 * 1024));
      // Never ends: the sender must not wait for the rest.
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const sent = await sendWebhook(request(url), outboundDispatcher({ production: false }));
    expect(sent.ok).toBe(true);
    if (!sent.ok) return;
    expect(sent.status).toBe(200);
    expect(sent.body.length).toBeLessThanOrEqual(64 * 1024);
    expect(sent.body.startsWith("aaa")).toBe(true);
  });

  it("says a receiver could not be reached, without its address, when nothing listens", async () => {
    const probe = createServer();
    probe.listen(0, "127.0.0.1");
    await once(probe, "listening");
    const port = (probe.address() as AddressInfo).port;
    probe.close();
    await once(probe, "close");
    expect(
      await sendWebhook(request(`http://127.0.0.1:${port}/hook`), outboundDispatcher({ production: false })),
    ).toEqual({ ok: false, status: null, error: "could not be reached" });
    expect(await sendWebhook(request("not a url"), outboundDispatcher({ production: false }))).toEqual({
      ok: false,
      status: null,
      error: "could not be reached",
    });
  });
});
