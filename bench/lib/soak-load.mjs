// The soak's load, in its own process (forked by bench/soak.bench.mjs, which sends the settings
// with a "start" message): two autocannon runs side by side for the same duration — token reads
// on one set of connections, encrypted pushes on another. Each push is sealed when its request
// is built, as WeChat seals it for an account authorized through a platform (the platform's
// Token and EncodingAESKey, the component appid inside the ciphertext), with its own MsgId and
// nonce. Every answer is reported to the parent in batches, with its time.
import { createRequire } from "node:module";
import { pushSealer } from "./soak-pushes.mjs";
import { Samples, wallMs } from "./stats.mjs";

const require = createRequire(import.meta.url);
const autocannon = require("autocannon");

/** Answers gathered since the last batch. */
const token = {
  at: new Samples(Float64Array),
  latency: new Samples(Float32Array),
  status: new Samples(Uint16Array),
};
const push = {
  seq: new Samples(Float64Array),
  at: new Samples(Float64Array),
  latency: new Samples(Float32Array),
  status: new Samples(Uint16Array),
};

function flush() {
  process.send({
    type: "batch",
    token: { at: token.at.take(), latency: token.latency.take(), status: token.status.take() },
    push: {
      seq: push.seq.take(),
      at: push.at.take(),
      latency: push.latency.take(),
      status: push.status.take(),
    },
  });
}

async function run(settings) {
  const seal = pushSealer(settings);
  const callbackPath = `/wechat/accounts/${settings.appId}/callback`;
  let nextSeq = 0;
  const startedAt = wallMs();
  process.send({ type: "started", at: startedAt });
  const flusher = setInterval(flush, 250);

  const tokens = autocannon({
    url: `${settings.url}/api/v1/accounts/${settings.appId}/access-token`,
    connections: settings.tokenConnections,
    duration: settings.seconds,
    headers: { authorization: `Bearer ${settings.readerKey}` },
  });
  tokens.on("response", (_client, status, _bytes, latency) => {
    token.at.push(wallMs());
    token.latency.push(latency);
    token.status.push(status);
  });

  const pushes = autocannon({
    url: settings.url,
    connections: settings.pushConnections,
    duration: settings.seconds,
    requests: [
      {
        method: "POST",
        // With one request per connection at a time, the context seen by onResponse is the one
        // this request was built with.
        setupRequest(request, context) {
          const seq = nextSeq++;
          const sealed = seal(seq);
          context.seq = seq;
          context.sentAt = wallMs();
          return {
            ...request,
            path: `${callbackPath}?${sealed.query}`,
            headers: { "content-type": "text/xml" },
            body: sealed.body,
          };
        },
        onResponse(status, _body, context) {
          const at = wallMs();
          push.seq.push(context.seq);
          push.at.push(at);
          push.latency.push(at - context.sentAt);
          push.status.push(status);
        },
      },
    ],
  });

  const [tokenResult, pushResult] = await Promise.all([tokens, pushes]);
  const endedAt = wallMs();
  clearInterval(flusher);
  flush();
  const summary = (result) => ({
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    duration: result.duration,
  });
  process.send({
    type: "done",
    startedAt,
    endedAt,
    pushesBuilt: nextSeq,
    token: summary(tokenResult),
    push: summary(pushResult),
  });
}

process.once("message", (message) => {
  if (message?.type !== "start") return;
  run(message.settings).then(
    () => process.disconnect(),
    (error) => {
      process.send({ type: "failed", error: String(error?.stack ?? error) });
      process.exitCode = 1;
      process.disconnect();
    },
  );
});
