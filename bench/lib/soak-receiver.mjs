// The soak's webhook receiver, in its own process (forked by bench/soak.bench.mjs): a company's
// endpoint that checks every delivery's `x-wxgate-signature` (HMAC-SHA256 of `<t>.<raw body>`
// with the webhook's secret, `t` within 5 minutes) before anything else, de-duplicates on
// `x-wxgate-event-id`, and notes when each delivery arrived. Deliveries of the load's pushes are
// recognised by their MsgId (the load numbers them from `msgIdBase`) and reported to the parent
// in batches as (sequence number, arrival time).
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import { Samples, wallMs } from "./stats.mjs";

let secret = "";
let base = 0n;
const seen = new Set(); // event ids
const seenMessages = new Set(); // sequence numbers
const counts = {
  deliveries: 0,
  badSignatures: 0,
  missingEventId: 0,
  duplicateEventIds: 0,
  duplicateMessages: 0,
  badBodies: 0,
  other: 0,
};
const arrived = { seq: new Samples(Float64Array), at: new Samples(Float64Array) };

function signatureHolds(header, body) {
  const parts = new Map(
    String(header ?? "")
      .split(",")
      .map((part) => [part.slice(0, part.indexOf("=")), part.slice(part.indexOf("=") + 1)]),
  );
  const t = parts.get("t") ?? "";
  const v1 = parts.get("v1") ?? "";
  if (!/^\d+$/.test(t) || !/^[0-9a-f]{64}$/.test(v1)) return false;
  if (Math.abs(Date.now() / 1000 - Number(t)) > 300) return false;
  const expected = createHmac("sha256", secret).update(`${t}.`).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(v1, "hex"));
}

function receive(headers, body, at) {
  counts.deliveries++;
  if (!signatureHolds(headers["x-wxgate-signature"], body)) {
    counts.badSignatures++;
    return 401;
  }
  const eventId = headers["x-wxgate-event-id"];
  if (typeof eventId !== "string" || eventId === "") {
    counts.missingEventId++;
    return 400;
  }
  // Answered 200 either way: the receiver has it, and a retry would only add noise.
  if (seen.has(eventId)) {
    counts.duplicateEventIds++;
    return 200;
  }
  seen.add(eventId);
  let payload;
  try {
    payload = JSON.parse(body.toString("utf8"));
  } catch {
    counts.badBodies++;
    return 200;
  }
  if (payload.id !== eventId) counts.badBodies++;
  const msgId = payload.message?.msgId;
  const seq = typeof msgId === "string" && /^\d+$/.test(msgId) ? Number(BigInt(msgId) - base) : -1;
  if (seq < 0) {
    counts.other++; // not one of the load's pushes (the setup's probe, a platform event)
    return 200;
  }
  if (seenMessages.has(seq)) {
    counts.duplicateMessages++; // the same message again, under another event id
    return 200;
  }
  seenMessages.add(seq);
  arrived.seq.push(seq);
  arrived.at.push(at);
  return 200;
}

const server = createServer((request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    const at = wallMs();
    response.statusCode = receive(request.headers, Buffer.concat(chunks), at);
    response.end();
  });
});
server.keepAliveTimeout = 30_000;

function flush() {
  process.send({ type: "batch", seq: arrived.seq.take(), at: arrived.at.take(), counts: { ...counts } });
}

process.on("message", (message) => {
  if (message?.type === "secret") {
    secret = message.secret;
    base = BigInt(message.msgIdBase);
    process.send({ type: "ready" });
  } else if (message?.type === "flush") {
    flush();
  } else if (message?.type === "stop") {
    flush();
    server.closeAllConnections();
    server.close(() => process.disconnect());
  }
});

setInterval(flush, 250).unref();
server.listen(0, "127.0.0.1", () => process.send({ type: "listening", port: server.address().port }));
