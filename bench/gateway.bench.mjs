// The callback gateway over HTTP on loopback: safe-mode (encrypted) text pushes in, encrypted
// text replies out, every push a distinct MsgId and recorded in SQLite — next to node-webot's
// `wechat` middleware on Express doing the same exchange (without recording). Each server runs
// in its own child process; autocannon drives both from this process, one after the other.
import { execFileSync, fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildXml, openReply, sealPush } from "@wxgate/wechat";
import { format } from "./lib/measure.mjs";
import { writeSection } from "./lib/section.mjs";

const require = createRequire(import.meta.url);
const token = "benchtoken";
const appId = "wx0123456789abcdef";
const encodingAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const CONNECTIONS = 10;
const WARMUP = 5_000;
const MEASURED = 40_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/**
 * Servers on core 0, the load generator on core 1 (when there are two cores and taskset):
 * otherwise the client, the server and the server's garbage-collector threads take turns on
 * both cores, and each run measures how the scheduler placed them as much as the servers.
 */
const PINNED = os.cpus().length >= 2 && tasksetWorks();

function tasksetWorks() {
  try {
    execFileSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

// ---- the servers (child processes)

async function serveWxgate() {
  const { createServer, createLogger, loadConfig } = await import("wxgate");
  // The callbacks module is not exported from the package root yet: load it from the build.
  const { callbacksModule } = await import("../packages/server/dist/callbacks/index.js");
  const dataDir = mkdtempSync(join(tmpdir(), "wxgate-bench-"));
  const config = loadConfig({ env: { WXGATE_DATA_DIR: dataDir, WXGATE_LOG_LEVEL: "silent" } });
  const credentials = { appId, enabled: true, token, encodingAESKey, cipherAppId: appId, mode: "safe" };
  // Auto-replies are not built yet: an in-process provider stands in for them (echo).
  const echo = {
    name: "echo",
    reply: async (request) =>
      request.message.kind === "message" && request.message.msgType === "text"
        ? { type: "text", content: request.message.content }
        : undefined,
  };
  const server = await createServer({
    config,
    logger: createLogger({ level: "silent" }),
    modules: [
      callbacksModule({
        accounts: { credentialsFor: async (id) => (id === appId ? credentials : undefined) },
        replyProviders: [echo],
      }),
    ],
  });
  await server.app.listen({ host: "127.0.0.1", port: 0 });
  const countEvents = async () => {
    const row = await server.store.db
      .selectFrom("events")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  process.on("message", async (message) => {
    if (message === "cpu") process.send({ cpu: process.cpuUsage() });
    if (message === "count") process.send({ events: await countEvents() });
    if (message === "stop") {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    }
  });
  process.send({ port: server.app.server.address().port, path: `/wechat/accounts/${appId}/callback` });
}

async function serveWebot() {
  const express = require("express");
  const wechat = require("wechat");
  const app = express();
  app.use(
    "/wechat",
    wechat({ token, appid: appId, encodingAESKey }, (req, res) => res.reply(req.weixin.Content)),
  );
  const listener = app.listen(0, "127.0.0.1", () => {
    process.send({ port: listener.address().port, path: "/wechat" });
  });
  process.on("message", (message) => {
    if (message === "cpu") process.send({ cpu: process.cpuUsage() });
    if (message === "stop") listener.close(() => process.exit(0));
  });
}

// ---- the load (this process)

function start(kind) {
  const execArgv = process.env.BENCH_PROFILE
    ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
    : [];
  const child = fork(fileURLToPath(import.meta.url), ["serve", kind], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    ...(PINNED
      ? { execPath: "taskset", execArgv: ["-c", "0", process.execPath, ...execArgv] }
      : { execArgv }),
  });
  return new Promise((resolve, reject) => {
    child.once("message", (info) => resolve({ child, ...info }));
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
}

function ask(child, message) {
  return new Promise((resolve) => {
    child.once("message", resolve);
    child.send(message);
  });
}

function stop(child) {
  return new Promise((resolve) => {
    child.removeAllListeners("exit");
    child.once("exit", resolve);
    child.send("stop");
  });
}

let nextMsgId = 30000000000000000n;
// Nonces are never reused within a server's life: the gateway refuses a (timestamp, nonce) pair
// seen with other content, as it must (a reused pair is how a push is forged).
let nextNonce = 1_000_000;
/** Distinct safe-mode pushes, sealed as WeChat seals them. */
function pushes(count) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return Array.from({ length: count }, (_, i) => {
    nextMsgId += 1n;
    const xml = buildXml({
      ToUserName: "gh_0123456789ab",
      FromUserName: `oUpF8uMuAJO_M2pxb1Q9zNjWe${String(i % 1000).padStart(4, "0")}`,
      CreateTime: Number(timestamp),
      MsgType: "text",
      Content: `你好，我想问一下订单 ${100000 + i} 的物流情况`,
      MsgId: String(nextMsgId),
    });
    const sealed = sealPush(xml, {
      token,
      appId,
      encodingAESKey,
      mode: "safe",
      timestamp,
      nonce: String(nextNonce++),
    });
    return {
      query: new URLSearchParams(sealed.query).toString(),
      body: sealed.body,
      content: `你好，我想问一下订单 ${100000 + i} 的物流情况`,
    };
  });
}

async function checkOne(server, push) {
  const response = await fetch(`http://127.0.0.1:${server.port}${server.path}?${push.query}`, {
    method: "POST",
    headers: { "content-type": "text/xml" },
    body: push.body,
  });
  const opened = openReply(await response.text(), { token, appId, encodingAESKey, requireEncrypted: true });
  if (opened.reply?.type !== "text" || opened.reply.content !== push.content)
    throw new Error("the reply did not round-trip");
}

async function load(server, pool) {
  const autocannon = require("autocannon");
  let next = 0;
  let wrong = 0;
  const startedAt = performance.now();
  let lastResponseAt = startedAt;
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}`,
    connections: CONNECTIONS,
    amount: pool.length,
    requests: [
      {
        method: "POST",
        setupRequest(request) {
          const push = pool[next++];
          return {
            ...request,
            path: `${server.path}?${push.query}`,
            headers: { "content-type": "text/xml" },
            body: push.body,
          };
        },
        onResponse(status, body) {
          lastResponseAt = performance.now();
          if (status !== 200 || !body.includes("<Encrypt>")) wrong++;
        },
      },
    ],
  });
  if (result.non2xx > 0 || result.errors > 0 || wrong > 0) {
    throw new Error(
      `failed requests: ${result.non2xx} non-2xx, ${result.errors} errors, ${wrong} without an encrypted reply`,
    );
  }
  return {
    // autocannon ends a run on its one-second tick: time it from the first request to the last answer.
    rps: result.requests.total / ((lastResponseAt - startedAt) / 1000),
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    duration: result.duration,
  };
}

async function prepare(kind) {
  const server = await start(kind);
  if (kind !== "floor") await checkOne(server, pushes(1)[0]);
  await load(server, pushes(WARMUP));
  return server;
}

/** The median round by throughput, with that round's latencies. */
function median(rounds) {
  return [...rounds].sort((a, b) => a.rps - b.rps)[Math.floor(rounds.length / 2)];
}

async function main() {
  // Every thread of this process (autocannon's included) on core 1.
  if (PINNED) execFileSync("taskset", ["-a", "-p", "-c", "1", String(process.pid)], { stdio: "ignore" });
  const loadBefore = os.loadavg()[0];
  const servers = {
    wxgate: await prepare("wxgate"),
    webot: await prepare("webot"),
    floor: await prepare("floor"),
  };
  const rounds = { wxgate: [], webot: [], floor: [] };
  let events = 0;
  try {
    // Rounds alternate, so a machine that gets busier or quieter affects both alike.
    for (let r = 0; r < ROUNDS; r++) {
      for (const kind of ["wxgate", "webot", "floor"]) {
        const pool = pushes(MEASURED);
        const before = (await ask(servers[kind].child, "cpu")).cpu;
        const result = await load(servers[kind], pool);
        const after = (await ask(servers[kind].child, "cpu")).cpu;
        // Server CPU per request: steadier than requests/s when other work shares the cores.
        result.cpuUs = (after.user - before.user + after.system - before.system) / result.total;
        rounds[kind].push(result);
        console.log(
          `${kind} round ${r + 1}: ${format(result.rps)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ${result.cpuUs.toFixed(0)} µs server CPU/request`,
        );
      }
    }
  } finally {
    events = (await ask(servers.wxgate.child, "count")).events;
    await stop(servers.wxgate.child);
    await stop(servers.webot.child);
    await stop(servers.floor.child);
  }
  const ours = { ...median(rounds.wxgate), events };
  const peer = median(rounds.webot);
  const floor = median(rounds.floor);
  const expectedEvents = 1 + WARMUP + ROUNDS * MEASURED;
  if (ours.events !== expectedEvents)
    throw new Error(`recorded ${ours.events} events, expected ${expectedEvents}`);
  const ratio = ours.rps / peer.rps;
  const cpuOf = (list) => [...list.map((r) => r.cpuUs)].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  const cpuRatio = cpuOf(rounds.webot) / cpuOf(rounds.wxgate);
  console.log(
    `wxgate / node-webot = ${ratio.toFixed(2)}× (server CPU per request: ${cpuRatio.toFixed(2)}× less)`,
  );
  const row = (label, r, all) =>
    `| ${label} | ${format(r.rps)} | ${r.p50} | ${r.p99} | ${cpuOf(all).toFixed(0)} |`;
  writeSection(
    "gateway",
    "Callback gateway over HTTP: encrypted text push in, encrypted text reply out",
    `
autocannon on loopback, ${CONNECTIONS} connections, no pipelining; each server in its own process${PINNED ? " on core 0, autocannon on core 1 (taskset)" : ""}. Every request is a
distinct safe-mode push (its own MsgId, nonce and content; ${format(MEASURED)} pre-sealed pushes per round, after
${format(WARMUP)} for warm-up); ${ROUNDS} rounds alternating between the servers, the median round shown
(all rounds: wxgate ${rounds.wxgate.map((r) => format(r.rps)).join(", ")}; node-webot ${rounds.webot.map((r) => format(r.rps)).join(", ")}; ceiling ${rounds.floor.map((r) => format(r.rps)).join(", ")} requests/s).
One-minute load average before the run: ${loadBefore.toFixed(1)} on ${os.cpus().length} cores${PINNED ? "" : " (autocannon runs on the same cores)"}. wxgate runs the full gateway — account lookup,
\`msg_signature\`, replay window and nonce memory, decryption, de-duplication, the reply-provider chain (an in-process echo
provider), sealing, and recording every event in SQLite (${format(ours.events)} rows written and counted) — node-webot's
\`wechat\` 2.1 middleware on Express 5 verifies, decrypts and replies, and records nothing.

| Server | requests/s | p50 ms | p99 ms | server CPU µs/request (median) |
| --- | ---: | ---: | ---: | ---: |
${row("wxgate gateway (recording on)", ours, rounds.wxgate)}
${row("node-webot `wechat` on Express", peer, rounds.webot)}
${row("ceiling: bare node:http, fixed answer, body not read", floor, rounds.floor)}

- wxgate / node-webot: **${ratio.toFixed(2)}×** in requests/s (target ≥ 2×); per request wxgate's server uses
  **${cpuRatio.toFixed(2)}×** less CPU than node-webot's (CPU time is less moved by other work on the machine)
- wxgate: target ≥ 5,000 requests/s and p99 < 20 ms on this machine
- wxgate / ceiling: **${(ours.rps / floor.rps).toFixed(2)}×** — what the same client drives against a server that does no
  work; 2× node-webot would need ${(((2 * peer.rps) / floor.rps) * 100).toFixed(0)}% of it
`,
  );
}

/** The ceiling: node:http answering a fixed envelope-sized body without reading it. */
async function serveFloor() {
  const { createServer: createHttpServer } = await import("node:http");
  const answer = `<xml><Encrypt><![CDATA[${"A".repeat(512)}]]></Encrypt></xml>`;
  const listener = createHttpServer((request, response) => {
    request.resume();
    request.on("end", () => {
      response.setHeader("content-type", "application/xml");
      response.end(answer);
    });
  });
  listener.listen(0, "127.0.0.1", () => process.send({ port: listener.address().port, path: "/floor" }));
  process.on("message", (message) => {
    if (message === "cpu") process.send({ cpu: process.cpuUsage() });
    if (message === "stop") listener.close(() => process.exit(0));
  });
}

if (process.argv[2] === "serve") {
  const kind = process.argv[3];
  await (kind === "wxgate" ? serveWxgate() : kind === "webot" ? serveWebot() : serveFloor());
} else {
  await main();
}
