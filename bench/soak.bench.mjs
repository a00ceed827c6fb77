// Soak: the server as `wxgate start` runs it (built CLI, sandbox mode, a fresh SQLite data
// folder), under a mixed load held for a fixed time — token reads and encrypted pushes side by
// side — in two phases: A without a webhook, B with one webhook for every push, delivered to a
// receiver that checks each signature. Per window (a minute by default): token reads/s, pushes
// acknowledged/s, deliveries/s and their lag, server RSS and CPU, /healthz latency; after the
// load, how long the delivery backlog takes to empty. SOAK_SECONDS sets each phase's length
// (default 300), SOAK_WINDOW_SECONDS the window (60, or a fifth of a shorter phase),
// SOAK_DRAIN_CAP_SECONDS how long to wait for the backlog (120).
import { execFileSync, fork } from "node:child_process";
import { Agent, get } from "node:http";
import os from "node:os";
import { dirname, join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { coreSpeeds } from "./lib/core-speed.mjs";
import { format } from "./lib/measure.mjs";
import { writeSection } from "./lib/section.mjs";
import { pushSealer } from "./lib/soak-pushes.mjs";
import { ByIndex, percentiles, Samples, wallMs } from "./lib/stats.mjs";
import {
  connectDemoAccount,
  coreSecondsOf,
  cpuSecondsOf,
  rssOf,
  startWxgate,
} from "./lib/wxgate-process.mjs";

const libDir = join(dirname(fileURLToPath(import.meta.url)), "lib");
const SECONDS = Number(process.env.SOAK_SECONDS || 300);
const WINDOW_SECONDS = Number(process.env.SOAK_WINDOW_SECONDS || (SECONDS >= 300 ? 60 : SECONDS / 5));
const DRAIN_CAP_SECONDS = Number(process.env.SOAK_DRAIN_CAP_SECONDS || 120);
const TOKEN_CONNECTIONS = 30;
const PUSH_CONNECTIONS = 10;
const HEALTH_EVERY_MS = 100;
const LOOP_DELAY_RESOLUTION_MS = 10;
const BACKLOG_CHECK_SECONDS = 10;
const MSG_ID_BASE = "24000000000000000";
const WINDOWS = Math.round(SECONDS / WINDOW_SECONDS);
if (
  !(SECONDS > 0 && WINDOW_SECONDS > 0 && WINDOWS >= 3 && Math.abs(WINDOWS * WINDOW_SECONDS - SECONDS) < 1e-9)
) {
  console.error(
    `SOAK_SECONDS (${SECONDS}) must be a whole number (3 or more) of SOAK_WINDOW_SECONDS (${WINDOW_SECONDS})`,
  );
  process.exit(2);
}
const windowLabel = WINDOW_SECONDS === 60 ? "minute" : `${WINDOW_SECONDS} s window`;

/** The server on core 0; this process, the load and the receiver on core 1 (two cores and taskset). */
const PINNED = os.cpus().length >= 2 && tasksetWorks();
function tasksetWorks() {
  try {
    execFileSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Forks one of the soak's children (lib/<file>), on core 1 when pinned; messages may carry typed arrays. */
function forkChild(file) {
  return fork(join(libDir, file), [], {
    serialization: "advanced",
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    ...(PINNED ? { execPath: "taskset", execArgv: ["-c", "1", process.execPath] } : {}),
  });
}

/** The next message of `type` from a child, or a rejection if it exits first or `ms` pass. */
function nextMessage(child, type, ms = 30_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(reject, new Error(`no "${type}" from a child in ${ms} ms`)), ms);
    const onMessage = (message) => message?.type === type && finish(resolve, message);
    const onExit = (code) => finish(reject, new Error(`a child exited (${code}) before "${type}"`));
    const finish = (settle, value) => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
      settle(value);
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

/** GET /healthz on the prober's own keep-alive connection: status, or 0 when it failed. */
function probeHealth(url, agent) {
  return new Promise((resolve) => {
    const request = get(`${url}/healthz`, { agent, timeout: 5_000 }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode ?? 0));
      response.on("error", () => resolve(0));
    });
    request.on("timeout", () => request.destroy(new Error("timed out")));
    request.on("error", () => resolve(0));
  });
}

/**
 * Everything one phase measured, with each sample's time; windows are counted from `startedAt`
 * (the load's start) and the last one ends at `endedAt` (the load's end).
 */
function newPhase(name, webhook) {
  return {
    name,
    webhook,
    broken: [],
    startedAt: Number.NaN,
    endedAt: Number.NaN,
    token: { at: new Samples(), latency: new Samples(Float32Array), status: new Samples(Uint16Array) },
    push: { at: new Samples(), latency: new Samples(Float32Array), status: new Samples(Uint16Array) },
    /** seq → when its 200 came back (NaN: no 200). */
    ackAt: new ByIndex(),
    ackedSeqs: new Samples(Int32Array),
    /** seq → when the receiver got its delivery (NaN: not yet). */
    arrivedAt: new ByIndex(),
    arrivals: new Samples(),
    health: { at: new Samples(), latency: new Samples(Float32Array), failed: 0 },
    /** Each second: the server's RSS and CPU time, and its core's busy and I/O-wait time (all processes). */
    server: {
      at: new Samples(),
      rss: new Samples(),
      cpu: new Samples(),
      coreBusy: new Samples(),
      coreIowait: new Samples(),
    },
    receiverCounts: undefined,
    loadSummary: undefined,
    drain: undefined,
    log: undefined,
    exit: undefined,
    /** Windows already printed by the live report. */
    printed: 0,
    proberDelayP99: Number.NaN,
    crashed: false,
  };
}

/** One reading's times, e.g. "147 ms on core 0, 151 ms on core 1". */
function coreTimes(reading, separator) {
  return reading.ms.map((ms, core) => `${ms.toFixed(0)} ms on core ${core}`).join(separator);
}

/**
 * The fixed loop's times on each core, with nothing else running: a core that ran slower
 * between two readings slowed every figure of the phase it served.
 */
function coreSpeedText(speeds) {
  if (speeds.length === 0) return "";
  return `
Core speed: one fixed CPU loop (10⁸ iterations, median of five, in a node pinned to the core), timed on each core with
nothing else running — a phase served by a slower core shows lower throughput and longer latencies with no change in the
server: ${speeds.map((s) => `${s.label} ${coreTimes(s, " and ")}`).join("; ")}.
`;
}

async function runPhase(phase) {
  const server = await startWxgate(PINNED ? { cpu: 0 } : {});
  let receiver;
  let load;
  let crashed;
  let stopping = false;
  server.exited.then((exit) => {
    if (!stopping) crashed = exit;
  });
  try {
    const demo = await connectDemoAccount(server);
    const seal = pushSealer({ ...demo, msgIdBase: MSG_ID_BASE });
    const probePush = async () => {
      // seq -1: outside the load's numbering, so no figure counts it.
      const sealed = seal(-1);
      const response = await fetch(`${server.url}/wechat/accounts/${demo.appId}/callback?${sealed.query}`, {
        method: "POST",
        headers: { "content-type": "text/xml" },
        body: sealed.body,
        signal: AbortSignal.timeout(30_000),
      });
      if (response.status !== 200) throw new Error(`a probe push was answered ${response.status}`);
      await response.text();
    };

    if (phase.webhook) {
      receiver = forkChild("soak-receiver.mjs");
      receiver.once("exit", (code, signal) => {
        if (!stopping) phase.broken.push(`the webhook receiver exited (${code ?? signal})`);
      });
      const { port } = await nextMessage(receiver, "listening");
      const hook = await demo.call("POST", "/api/v1/webhooks", {
        bearer: demo.adminKey,
        body: { url: `http://127.0.0.1:${port}/wxgate-events`, events: ["*"] },
      });
      const ready = nextMessage(receiver, "ready");
      receiver.send({ type: "secret", secret: hook.body.secret, msgIdBase: MSG_ID_BASE });
      await ready;
      receiver.on("message", (message) => {
        if (message?.type !== "batch") return;
        phase.receiverCounts = message.counts;
        for (let i = 0; i < message.seq.length; i++) {
          phase.arrivedAt.set(message.seq[i], message.at[i]);
          phase.arrivals.push(message.at[i]);
        }
      });
      // The pipeline works end to end before the load: one push, delivered and verified.
      await probePush();
      const deadline = Date.now() + 15_000;
      while (!(phase.receiverCounts?.other >= 1)) {
        if (Date.now() > deadline)
          throw new Error("the probe push was not delivered to the webhook within 15 s");
        if (phase.receiverCounts?.badSignatures > 0)
          throw new Error("the probe delivery's signature did not verify");
        await sleep(100);
      }
    } else {
      await probePush();
    }

    // The load, and beside it the samplers.
    load = forkChild("soak-load.mjs");
    let loadError = "";
    load.on("message", (message) => {
      if (message?.type === "failed") loadError = message.error;
      if (message?.type !== "batch") return;
      const { token, push } = message;
      for (let i = 0; i < token.at.length; i++) {
        phase.token.at.push(token.at[i]);
        phase.token.latency.push(token.latency[i]);
        phase.token.status.push(token.status[i]);
      }
      for (let i = 0; i < push.at.length; i++) {
        phase.push.at.push(push.at[i]);
        phase.push.latency.push(push.latency[i]);
        phase.push.status.push(push.status[i]);
        if (push.status[i] === 200) {
          phase.ackAt.set(push.seq[i], push.at[i]);
          phase.ackedSeqs.push(push.seq[i]);
        }
      }
    });
    const started = nextMessage(load, "started");
    const done = nextMessage(load, "done", (SECONDS + 120) * 1000).catch((error) => {
      throw new Error(`the load did not finish: ${loadError || error.message}`);
    });
    done.catch(() => {}); // awaited below; handled even if the start fails first
    load.send({
      type: "start",
      settings: {
        ...demo,
        call: undefined,
        url: server.url,
        msgIdBase: MSG_ID_BASE,
        seconds: SECONDS,
        tokenConnections: TOKEN_CONNECTIONS,
        pushConnections: PUSH_CONNECTIONS,
      },
    });
    phase.startedAt = (await started).at;

    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const rss = rssOf(server.pid);
        const cpu = cpuSecondsOf(server.pid);
        const core = coreSecondsOf(PINNED ? 0 : undefined);
        if (rss !== undefined && cpu !== undefined) {
          phase.server.at.push(wallMs());
          phase.server.rss.push(rss);
          phase.server.cpu.push(cpu);
          phase.server.coreBusy.push(core?.busy ?? Number.NaN);
          phase.server.coreIowait.push(core?.iowait ?? Number.NaN);
        }
        await sleep(1000);
      }
    })();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    // How late this process itself could be to read an answer: part of any probe's latency.
    const ownDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
    ownDelay.enable();
    const prober = (async () => {
      let next = wallMs();
      while (sampling) {
        const at = wallMs();
        const status = await probeHealth(server.url, agent);
        if (status === 200) {
          phase.health.at.push(at);
          phase.health.latency.push(wallMs() - at);
        } else {
          phase.health.failed++;
        }
        next += HEALTH_EVERY_MS;
        const wait = next - wallMs();
        if (wait > 0) await sleep(wait);
        else next = wallMs(); // a slow probe: the missed ticks are skipped, not sent in a burst
      }
    })();
    const reporter = setInterval(() => reportLive(phase), 1000);

    const finished = await Promise.race([
      done,
      server.exited.then((exit) =>
        Promise.reject(new Error(`the server exited during the load (${exit.code ?? exit.signal})`)),
      ),
    ]).finally(async () => {
      sampling = false;
      clearInterval(reporter);
      await Promise.all([sampler, prober]);
      agent.destroy();
      ownDelay.disable();
      // The histogram holds the time between its timer's ticks: the delay is what exceeds the interval.
      phase.proberDelayP99 = Math.max(0, ownDelay.percentile(99) / 1e6 - LOOP_DELAY_RESOLUTION_MS);
    });
    phase.endedAt = finished.endedAt;
    phase.loadSummary = finished;
    reportLive(phase, true);

    if (receiver) phase.drain = await drain(phase, receiver, server);
  } catch (error) {
    phase.broken.push(error instanceof Error ? error.message : String(error));
    // A load cut short ends here: its windows stop where it stopped.
    if (!Number.isNaN(phase.startedAt) && Number.isNaN(phase.endedAt)) phase.endedAt = wallMs();
    if (load && load.exitCode === null) load.kill("SIGKILL");
  } finally {
    phase.log = server.log;
    stopping = true;
    if (crashed) {
      phase.crashed = true;
      const reason = `the server exited on its own (${crashed.code ?? crashed.signal})`;
      // Said once: the load's end may have reported it already.
      if (!phase.broken.some((m) => m.startsWith("the server exited"))) phase.broken.push(reason);
    }
    phase.exit = await server.stop();
    if (receiver && receiver.exitCode === null) {
      const gone = new Promise((resolve) => receiver.once("exit", resolve));
      receiver.send({ type: "stop" });
      await Promise.race([gone, sleep(5_000)]);
      if (receiver.exitCode === null) receiver.kill("SIGKILL");
    }
  }
}

/**
 * After the load: waits until every acknowledged push has been delivered, or the cap. The figures
 * come from the arrival times, not from when this loop looked: when the last one arrived, and how
 * many were still missing 10 s after the load's end.
 */
async function drain(phase, receiver, server) {
  const capAt = phase.endedAt + DRAIN_CAP_SECONDS * 1000;
  const missing = () => {
    let count = 0;
    const acked = phase.ackedSeqs.values();
    for (let i = 0; i < acked.length; i++) if (Number.isNaN(phase.arrivedAt.get(acked[i]))) count++;
    return count;
  };
  for (;;) {
    receiver.send({ type: "flush" });
    await sleep(250);
    if (missing() === 0 || wallMs() > capAt || !server.alive()) break;
  }
  // A moment more, for late duplicates; then the last counts.
  await sleep(1000);
  const final = nextMessage(receiver, "batch", 5_000).catch(() => undefined);
  receiver.send({ type: "flush" });
  await final;
  const rssAfter = rssOf(server.pid);
  const acked = phase.ackedSeqs.values();
  let last = phase.endedAt;
  let lateAtCheck = 0;
  const checkAt = phase.endedAt + BACKLOG_CHECK_SECONDS * 1000;
  for (let i = 0; i < acked.length; i++) {
    const at = phase.arrivedAt.get(acked[i]);
    if (Number.isNaN(at) || at > checkAt) lateAtCheck++;
    if (!Number.isNaN(at) && at > last) last = at;
  }
  const undelivered = missing();
  const afterLoad = phase.arrivals.values().filter((at) => at > phase.endedAt);
  const lastArrival = afterLoad.reduce((a, b) => Math.max(a, b), phase.endedAt);
  return {
    /** Deliveries that arrived after the load, and their rate from its end to the last of them. */
    deliveredAfter: afterLoad.length,
    drainPerSecond:
      afterLoad.length > 0 ? afterLoad.length / ((lastArrival - phase.endedAt) / 1000) : Number.NaN,
    undelivered,
    backlogAtCheck: lateAtCheck,
    /** Seconds from the load's end until the last acknowledged push was delivered (undefined: never, within the cap). */
    emptyAfter: undelivered === 0 ? (last - phase.endedAt) / 1000 : undefined,
    rssAfter,
  };
}

// ---- figures

const rate = (count, ms) => (ms > 0 ? count / (ms / 1000) : Number.NaN);

function windowOf(phase, at) {
  const w = Math.floor((at - phase.startedAt) / (WINDOW_SECONDS * 1000));
  return Math.min(WINDOWS - 1, Math.max(0, w));
}

/** Groups the indexes of `times` by window (times after `until` left out). */
function byWindow(phase, times, until = Number.POSITIVE_INFINITY) {
  const groups = Array.from({ length: WINDOWS }, () => []);
  for (let i = 0; i < times.length; i++) if (times[i] <= until) groups[windowOf(phase, times[i])].push(i);
  return groups;
}

function figures(phase) {
  const end = Number.isNaN(phase.endedAt) ? wallMs() : phase.endedAt;
  const windows = [];
  const tokenAt = phase.token.at.values();
  const pushAt = phase.push.at.values();
  const tokenGroups = byWindow(phase, tokenAt);
  const pushGroups = byWindow(phase, pushAt);
  const healthGroups = byWindow(phase, phase.health.at.values());
  const serverGroups = byWindow(phase, phase.server.at.values(), end);
  const arrivalGroups = byWindow(phase, phase.arrivals.values(), end);
  const ackGroups = Array.from({ length: WINDOWS }, () => []);
  const acked = phase.ackedSeqs.values();
  for (let i = 0; i < acked.length; i++) {
    const ackAt = phase.ackAt.get(acked[i]);
    const arrivedAt = phase.arrivedAt.get(acked[i]);
    ackGroups[windowOf(phase, ackAt)].push(
      Number.isNaN(arrivedAt) ? Number.POSITIVE_INFINITY : arrivedAt - ackAt,
    );
  }
  const pick = (values, indexes) => indexes.map((i) => values[i]);
  for (let w = 0; w < WINDOWS; w++) {
    // The last window ends with the load.
    const from = phase.startedAt + w * WINDOW_SECONDS * 1000;
    const span = (w === WINDOWS - 1 ? end : from + WINDOW_SECONDS * 1000) - from;
    const tokenStatus = pick(phase.token.status.values(), tokenGroups[w]);
    const pushStatus = pick(phase.push.status.values(), pushGroups[w]);
    const [tokenP50, tokenP99] = percentiles(pick(phase.token.latency.values(), tokenGroups[w]), [0.5, 0.99]);
    const [pushP50, pushP99] = percentiles(pick(phase.push.latency.values(), pushGroups[w]), [0.5, 0.99]);
    const [healthP50, healthP99] = percentiles(
      pick(phase.health.latency.values(), healthGroups[w]),
      [0.5, 0.99],
    );
    const [lagP50, lagP99] = percentiles(ackGroups[w], [0.5, 0.99]);
    const rssValues = pick(phase.server.rss.values(), serverGroups[w]);
    // CPU over the window: from the last sample before it (or its first) to its last.
    const serverIdx = serverGroups[w];
    const firstIdx = serverIdx.length > 0 ? Math.max(0, serverIdx[0] - 1) : -1;
    const lastIdx = serverIdx.length > 0 ? serverIdx[serverIdx.length - 1] : -1;
    const share = (samples) =>
      lastIdx > firstIdx
        ? (samples.values()[lastIdx] - samples.values()[firstIdx]) /
          ((phase.server.at.values()[lastIdx] - phase.server.at.values()[firstIdx]) / 1000)
        : Number.NaN;
    const cpuShare = share(phase.server.cpu);
    const coreBusy = share(phase.server.coreBusy);
    windows.push({
      tokenPerSecond: rate(tokenStatus.filter((s) => s >= 200 && s < 300).length, span),
      tokenErrors: tokenStatus.filter((s) => s < 200 || s >= 300).length,
      tokenP50,
      tokenP99,
      pushPerSecond: rate(pushStatus.filter((s) => s === 200).length, span),
      pushErrors: pushStatus.filter((s) => s !== 200).length,
      pushP50,
      pushP99,
      deliveriesPerSecond: rate(arrivalGroups[w].length, span),
      lagP50,
      lagP99,
      undelivered: ackGroups[w].filter((lag) => lag === Number.POSITIVE_INFINITY).length,
      healthP50,
      healthP99,
      rss: rssValues.length > 0 ? rssValues.reduce((a, b) => a + b, 0) / rssValues.length : Number.NaN,
      cpuShare,
      /** The rest of the server's core's busy time: other processes (and the kernel's work for them). */
      othersShare: Math.max(0, coreBusy - cpuShare),
      iowaitShare: share(phase.server.coreIowait),
    });
  }
  const loadMs = end - phase.startedAt;
  const statuses = (list) => {
    let ok = 0;
    let bad = 0;
    for (const s of list) s >= 200 && s < 300 ? ok++ : bad++;
    return { ok, bad };
  };
  const token = statuses(phase.token.status.values());
  const push = statuses(phase.push.status.values());
  const allLags = ackGroups.flat();
  const [lagP50, lagP99] = percentiles(allLags, [0.5, 0.99]);
  const [healthP50, healthP99] = percentiles(phase.health.latency.values(), [0.5, 0.99]);
  const counts = phase.receiverCounts ?? {};
  // Deliveries of pushes whose answer never came back (in flight when the load stopped).
  let unanswered = 0;
  for (let seq = 0; seq < phase.arrivedAt.size; seq++)
    if (!Number.isNaN(phase.arrivedAt.get(seq)) && Number.isNaN(phase.ackAt.get(seq))) unanswered++;
  const summary = phase.loadSummary ?? {};
  const errors = {
    tokenNon2xx: token.bad,
    tokenFailed: (summary.token?.errors ?? 0) + (summary.token?.timeouts ?? 0),
    pushNon2xx: push.bad,
    pushFailed: (summary.push?.errors ?? 0) + (summary.push?.timeouts ?? 0),
    healthFailed: phase.health.failed,
    badSignatures: counts.badSignatures ?? 0,
    missingEventId: counts.missingEventId ?? 0,
    badBodies: counts.badBodies ?? 0,
    duplicateEventIds: counts.duplicateEventIds ?? 0,
    duplicateMessages: counts.duplicateMessages ?? 0,
  };
  return {
    windows,
    loadSeconds: loadMs / 1000,
    tokens: token.ok,
    tokenPerSecond: rate(token.ok, loadMs),
    pushes: push.ok,
    pushPerSecond: rate(push.ok, loadMs),
    deliveries: phase.arrivals.length,
    deliveriesDuringLoad: phase.arrivals.values().filter((at) => at <= end).length,
    lagP50,
    lagP99,
    undelivered: allLags.filter((lag) => lag === Number.POSITIVE_INFINITY).length,
    unanswered,
    other: counts.other ?? 0,
    healthP50,
    healthP99,
    healthProbes: phase.health.latency.length + phase.health.failed,
    errors,
    errorCount: Object.values(errors).reduce((a, b) => a + b, 0),
    /** Errors that mean the run itself broke: failed answers, failed probes, forged-looking deliveries. */
    brokenAnswers:
      errors.tokenNon2xx +
      errors.tokenFailed +
      errors.pushNon2xx +
      errors.pushFailed +
      errors.healthFailed +
      errors.badSignatures,
  };
}

// ---- printing

const fixed = (value, digits = 1) =>
  Number.isFinite(value) ? value.toFixed(digits) : value === Number.POSITIVE_INFINITY ? "∞" : "—";
const ms = (value) =>
  Number.isFinite(value) ? (Math.abs(value) >= 100 ? format(value) : value.toFixed(1)) : fixed(value);
const lagText = (value) =>
  value === Number.POSITIVE_INFINITY
    ? "not delivered"
    : Number.isFinite(value)
      ? value >= 10_000
        ? `${(value / 1000).toFixed(1)} s`
        : `${ms(value)} ms`
      : "—";
const mib = (bytes) => (Number.isFinite(bytes) ? `${(bytes / 2 ** 20).toFixed(0)}` : "—");
const perSecond = (value) => (Number.isFinite(value) ? format(value) : "—");

/**
 * Prints each finished window's throughputs while the load runs (lags wait for the drain);
 * `final` prints the windows still unprinted, the last one ending with the load.
 */
function reportLive(phase, final = false) {
  if (Number.isNaN(phase.startedAt)) return;
  const windowMs = WINDOW_SECONDS * 1000;
  for (;;) {
    const w = phase.printed;
    if (w >= WINDOWS) return;
    const from = phase.startedAt + w * windowMs;
    const last = w === WINDOWS - 1;
    // A second's grace: answers reach this process in batches, a quarter of a second apart.
    if (!final && (last || wallMs() < from + windowMs + 1000)) return;
    const to = last ? phase.endedAt : from + windowMs;
    const inWindow = (at) => at >= from && (last ? at <= to : at < to);
    const okIn = (samples, statuses) => {
      let n = 0;
      const times = samples.values();
      for (let i = 0; i < times.length; i++) if (inWindow(times[i]) && statuses[i] === 200) n++;
      return rate(n, to - from);
    };
    const arrivals = phase.arrivals.values().filter(inWindow).length;
    const healthAt = phase.health.at.values();
    const health = phase.health.latency.values().filter((_, i) => inWindow(healthAt[i]));
    const rssAt = phase.server.at.values();
    const rss = phase.server.rss.values().filter((_, i) => inWindow(rssAt[i]));
    console.log(
      `  ${phase.name} ${windowLabel} ${w + 1}: ` +
        `token ${perSecond(okIn(phase.token.at, phase.token.status.values()))}/s, ` +
        `pushes ${perSecond(okIn(phase.push.at, phase.push.status.values()))}/s, ` +
        (phase.webhook ? `deliveries ${perSecond(rate(arrivals, to - from))}/s, ` : "") +
        `RSS ${mib(rss.length ? rss[rss.length - 1] : Number.NaN)} MiB, ` +
        `/healthz p99 ${ms(percentiles(health, [0.99])[0])} ms`,
    );
    phase.printed++;
  }
}

// ---- verdicts

const within = (first, last, share) =>
  Number.isFinite(first) && Number.isFinite(last) && first > 0 && Math.abs(last - first) / first <= share;
const change = (first, last) =>
  Number.isFinite(first) && first > 0 && Number.isFinite(last)
    ? `${last >= first ? "+" : "−"}${(Math.abs(last / first - 1) * 100).toFixed(1)} %`
    : "—";
const verdict = (pass) => (pass ? "PASS" : "FAIL");

function targets(a, b) {
  const none = { text: "—" };
  const A = [a.phase, a.figures];
  const B = [b.phase, b.figures];
  const intact = (...phases) => phases.every((phase) => phase.broken.length === 0);
  const stable = ([phase, f], key) => {
    if (!f) return none;
    const first = f.windows[0][key];
    const last = f.windows[WINDOWS - 1][key];
    return {
      text: `${perSecond(first)} → ${perSecond(last)} (${change(first, last)})`,
      pass: within(first, last, 0.1) && intact(phase),
    };
  };
  const ratio = a.figures && b.figures ? b.figures.pushPerSecond / a.figures.pushPerSecond : Number.NaN;
  const drain = b.phase.drain;
  const rssCell = ([phase, f]) => {
    if (!f) return none;
    const second = f.windows[1].rss;
    const last = f.windows[WINDOWS - 1].rss;
    return {
      text: `${mib(second)} → ${mib(last)} MiB (${change(second, last)})`,
      pass: within(second, last, 0.1) && intact(phase),
    };
  };
  const healthCell = ([phase, f]) =>
    f
      ? {
          text: `${ms(f.healthP99)} ms (p50 ${ms(f.healthP50)} ms)`,
          pass: f.healthP99 < 20 && f.errors.healthFailed === 0 && intact(phase),
        }
      : none;
  const errorCell = ([phase, f]) =>
    f
      ? {
          text: `${format(f.errorCount)}${phase.broken.length ? " (the phase broke)" : ""}`,
          pass: f.errorCount === 0 && intact(phase),
        }
      : none;
  return [
    {
      label: `token reads/s: last ${windowLabel} within 10 % of the first`,
      cells: [stable(A, "tokenPerSecond"), stable(B, "tokenPerSecond")],
    },
    {
      label: `pushes acknowledged/s: last ${windowLabel} within 10 % of the first`,
      cells: [stable(A, "pushPerSecond"), stable(B, "pushPerSecond")],
    },
    {
      label: `webhook deliveries/s: last ${windowLabel} within 10 % of the first`,
      cells: [none, stable(B, "deliveriesPerSecond")],
    },
    {
      label: "pushes acknowledged/s with the webhook ≥ 70 % of without (whole phase)",
      cells: [
        none,
        {
          text: `${perSecond(b.figures?.pushPerSecond)} / ${perSecond(a.figures?.pushPerSecond)} = ${fixed(ratio * 100, 0)} %`,
          pass: ratio >= 0.7 && intact(a.phase, b.phase),
        },
      ],
    },
    {
      label: "delivery lag p99 < 5 s during the load (a push never delivered counts as late)",
      cells: [
        none,
        b.figures
          ? { text: lagText(b.figures.lagP99), pass: b.figures.lagP99 < 5_000 && intact(b.phase) }
          : none,
      ],
    },
    {
      label: `backlog ${BACKLOG_CHECK_SECONDS} s after the load = 0 (deliveries received = pushes acknowledged)`,
      cells: [
        none,
        drain
          ? {
              text:
                `${format(drain.backlogAtCheck)} left; ` +
                (drain.emptyAfter === undefined
                  ? `${format(drain.undelivered)} still undelivered after ${DRAIN_CAP_SECONDS} s`
                  : `empty ${drain.emptyAfter.toFixed(1)} s after the load`),
              pass: drain.backlogAtCheck === 0 && intact(b.phase),
            }
          : { text: "not measured (the phase broke)", pass: false },
      ],
    },
    { label: `server RSS: last ${windowLabel} within 10 % of the second`, cells: [rssCell(A), rssCell(B)] },
    { label: "/healthz p99 < 20 ms during the load", cells: [healthCell(A), healthCell(B)] },
    {
      label: "errors: non-2xx, failed requests, bad signatures, duplicates",
      cells: [errorCell(A), errorCell(B)],
    },
  ];
}

const cellText = (cell) => (cell.pass === undefined ? cell.text : `${cell.text} **${verdict(cell.pass)}**`);

function windowTable({ phase, figures: f }) {
  if (!f) return `_${phase.name}: no figures (${phase.broken.join("; ")})._`;
  const head = phase.webhook
    ? `| ${windowLabel} | token reads/s | token p50 / p99 ms | pushes acked/s | push p50 / p99 ms | deliveries/s | lag p50 / p99 | /healthz p50 / p99 ms | RSS MiB | server CPU / others / I/O wait |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`
    : `| ${windowLabel} | token reads/s | token p50 / p99 ms | pushes acked/s | push p50 / p99 ms | /healthz p50 / p99 ms | RSS MiB | server CPU / others / I/O wait |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`;
  const rows = f.windows.map((w, i) =>
    [
      i + 1,
      perSecond(w.tokenPerSecond),
      `${ms(w.tokenP50)} / ${ms(w.tokenP99)}`,
      perSecond(w.pushPerSecond),
      `${ms(w.pushP50)} / ${ms(w.pushP99)}`,
      ...(phase.webhook
        ? [
            perSecond(w.deliveriesPerSecond),
            `${lagText(w.lagP50)} / ${lagText(w.lagP99)}${w.undelivered ? ` (${format(w.undelivered)} not delivered)` : ""}`,
          ]
        : []),
      `${ms(w.healthP50)} / ${ms(w.healthP99)}`,
      mib(w.rss),
      [w.cpuShare, w.othersShare, w.iowaitShare]
        .map((x) => (Number.isFinite(x) ? `${(x * 100).toFixed(0)} %` : "—"))
        .join(" / "),
    ].join(" | "),
  );
  return [head, ...rows.map((row) => `| ${row} |`)].join("\n");
}

function totalsTable(a, b) {
  const cell = (x, fn) => (x.figures ? fn(x.figures, x.phase) : "—");
  const row = (label, fn) => `| ${label} | ${cell(a, fn)} | ${cell(b, fn)} |`;
  return [
    "| Whole phase | A: no webhook | B: one webhook |",
    "| --- | ---: | ---: |",
    row("load time", (f) => `${f.loadSeconds.toFixed(1)} s`),
    row(
      "token reads answered 200 (per second)",
      (f) => `${format(f.tokens)} (${perSecond(f.tokenPerSecond)})`,
    ),
    row("pushes acknowledged 200 (per second)", (f) => `${format(f.pushes)} (${perSecond(f.pushPerSecond)})`),
    row("deliveries of the load's pushes: during the load / in all", (f, p) =>
      p.webhook ? `${format(f.deliveriesDuringLoad)} / ${format(f.deliveries)}` : "—",
    ),
    row("delivery lag p50 / p99 (all acknowledged pushes)", (f, p) =>
      p.webhook ? `${lagText(f.lagP50)} / ${lagText(f.lagP99)}` : "—",
    ),
    row("deliveries after the load, per second until the last", (_f, p) =>
      p.drain ? `${format(p.drain.deliveredAfter)}, ${perSecond(p.drain.drainPerSecond)}/s` : "—",
    ),
    row("acknowledged pushes never delivered (within the wait)", (f, p) =>
      p.webhook ? format(f.undelivered) : "—",
    ),
    row("deliveries of pushes whose answer was cut by the load's stop", (f, p) =>
      p.webhook ? format(f.unanswered) : "—",
    ),
    row("other deliveries (the setup's probe push, platform events)", (f, p) =>
      p.webhook ? format(f.other) : "—",
    ),
    row(
      "/healthz probes, p50 / p99",
      (f) => `${format(f.healthProbes)}, ${ms(f.healthP50)} / ${ms(f.healthP99)} ms`,
    ),
    row("the probing process's own event-loop delay p99", (_f, p) => `${ms(p.proberDelayP99)} ms`),
    row("server RSS after the drain", (_f, p) => (p.drain?.rssAfter ? `${mib(p.drain.rssAfter)} MiB` : "—")),
    row(
      "token reads: non-2xx / failed (socket errors, timeouts)",
      (f) => `${f.errors.tokenNon2xx} / ${f.errors.tokenFailed}`,
    ),
    row("pushes: non-2xx / failed", (f) => `${f.errors.pushNon2xx} / ${f.errors.pushFailed}`),
    row("/healthz probes failed", (f) => `${f.errors.healthFailed}`),
    row("deliveries: bad signatures / no event id / unreadable body", (f, p) =>
      p.webhook ? `${f.errors.badSignatures} / ${f.errors.missingEventId} / ${f.errors.badBodies}` : "—",
    ),
    row("deliveries: duplicate event ids / same message under another event id", (f, p) =>
      p.webhook ? `${f.errors.duplicateEventIds} / ${f.errors.duplicateMessages}` : "—",
    ),
    row("server log: warnings / errors", (_f, p) => (p.log ? `${p.log.warnings} / ${p.log.errors}` : "—")),
    row("server stop (SIGTERM)", (_f, p) =>
      !p.exit
        ? "—"
        : p.crashed
          ? `had exited on its own (${p.exit.code ?? p.exit.signal})`
          : p.exit.forced
            ? "killed after 30 s"
            : `exit ${p.exit.code ?? p.exit.signal}`,
    ),
  ].join("\n");
}

/** A sentence when other processes took a noticeable share of the server's core in some window. */
function contention(...phases) {
  const worst = phases.map((x) =>
    Math.max(0, ...(x.figures?.windows ?? []).map((w) => w.othersShare).filter(Number.isFinite)),
  );
  if (Math.max(...worst) < 0.1) return "";
  return ` Other processes on the machine used up to ${phases.map((x, i) => `${(worst[i] * 100).toFixed(0)} % (phase ${x.phase.name})`).join(" and ")} of the server's ${PINNED ? "core" : "cores"} in some ${windowLabel}s (the tables' "others"): where they did, the stability verdicts measure the machine as much as the server.`;
}

// ---- main

async function main() {
  if (PINNED) execFileSync("taskset", ["-a", "-p", "-c", "1", String(process.pid)], { stdio: "ignore" });
  const loadBefore = os.loadavg()[0];
  console.log(
    `soak: ${SECONDS} s per phase, figures per ${windowLabel}; ${TOKEN_CONNECTIONS} connections on the token endpoint, ${PUSH_CONNECTIONS} pushing`,
  );
  const phases = [newPhase("A", false), newPhase("B", true)];
  const speeds = [];
  const timeCores = (label) => {
    if (!PINNED) return;
    const reading = coreSpeeds(label, 2);
    speeds.push(reading);
    console.log(`core speed ${label}: the fixed loop took ${coreTimes(reading, ", ")}`);
  };
  for (const phase of phases) {
    timeCores(`before phase ${phase.name}`);
    console.log(`phase ${phase.name}: ${phase.webhook ? "one webhook" : "no webhook"}`);
    await runPhase(phase);
    for (const problem of phase.broken) console.error(`  phase ${phase.name} broke: ${problem}`);
  }
  timeCores("after phase B");
  const [a, b] = phases.map((phase) => ({
    phase,
    figures: Number.isNaN(phase.startedAt) ? undefined : figures(phase),
  }));
  const rows = targets(a, b);

  console.log("");
  for (const x of [a, b]) console.log(`phase ${x.phase.name}\n${windowTable(x)}\n`);
  console.log(totalsTable(a, b));
  console.log("");
  for (const row of rows) {
    const cells = row.cells.map((c) => (c.pass === undefined ? c.text : `${c.text} ${verdict(c.pass)}`));
    console.log(`${row.label}: A ${cells[0]} · B ${cells[1]}`);
  }
  const failures = rows.flatMap((row) => row.cells.filter((c) => c.pass === false)).length;
  const broken = phases.flatMap((p) => p.broken.map((m) => `${p.name}: ${m}`));
  const brokenAnswers = [a, b].reduce((n, x) => n + (x.figures?.brokenAnswers ?? 0), 0);
  const logSamples = phases.flatMap((p) => (p.log?.samples ?? []).map((line) => `${p.name}: ${line}`));
  if (logSamples.length > 0)
    console.log(`server warnings and errors (first ones):\n${logSamples.join("\n")}`);

  writeSection(
    "soak",
    "Soak: token reads and encrypted pushes held for minutes, without and with a webhook",
    `
The built server started as \`wxgate start\` starts it (the CLI, sandbox mode, log level \`info\`, SQLite in a
new data folder for each phase) on 127.0.0.1${PINNED ? ", pinned to core 0 (taskset); the load, the webhook receiver and the probes on core 1" : "; load, receiver and probes share the cores with it"}.
Set up over HTTP as a new user would: sign in with the first-start password, API keys, the demo service account
authorized on the emulator's authorization page, OpenID mapping, enabled. Then, for ${SECONDS} s per phase, autocannon
(one child process) holds ${TOKEN_CONNECTIONS} connections on \`GET /api/v1/accounts/:appid/access-token\` (a \`token:read\` key) and
${PUSH_CONNECTIONS} connections POSTing encrypted text pushes to \`/wechat/accounts/:appid/callback\`, each sealed when sent as WeChat
seals it (the platform's Token and EncodingAESKey, safe mode) with its own MsgId and nonce. **Phase A** has no webhook;
**phase B** has one (\`events: ["*"]\`) to a receiver in a child process that checks every \`x-wxgate-signature\`,
de-duplicates on \`x-wxgate-event-id\` and notes each arrival. A fresh server for each phase.

Delivery lag: from the load client's receipt of a push's 200 to the receiver's receipt of its delivery (matched by
MsgId); it can be slightly negative, as a delivery may overtake the answer on its way back. A push acknowledged but
never delivered within ${DRAIN_CAP_SECONDS} s after the load counts as infinitely late. /healthz: one probe every ${HEALTH_EVERY_MS} ms
on its own keep-alive connection (from the parent process). RSS: the server process's VmRSS, sampled every second,
mean of the ${windowLabel}. Server CPU: its CPU time over the ${windowLabel} (100 % = one core); others: the rest of
the busy time of ${PINNED ? "its core" : "the machine"} (other processes on a shared machine, interrupt handling); I/O wait: that ${PINNED ? "core's" : "machine's"} idle time with
disk I/O outstanding. Load average before the run: ${loadBefore.toFixed(1)} on ${os.cpus().length} cores.${SECONDS !== 300 ? ` A shortened run (SOAK_SECONDS=${SECONDS}; the full soak is 300 s per phase).` : ""}

${broken.length > 0 ? `**The run broke:** ${broken.join("; ")}. The figures below are what was measured before it did.\n\n` : ""}### Targets

| Target | A: no webhook | B: one webhook |
| --- | --- | --- |
${rows.map((row) => `| ${row.label} | ${row.cells.map(cellText).join(" | ")} |`).join("\n")}

${failures === 0 ? "Every target met." : `${failures} target${failures === 1 ? "" : "s"} not met.`}${contention(a, b)}
${coreSpeedText(speeds)}
### Phase A: no webhook, per ${windowLabel}

${windowTable(a)}

### Phase B: one webhook, per ${windowLabel}

${windowTable(b)}

Lag per ${windowLabel} is over the pushes acknowledged in it; deliveries/s counts arrivals in it.

### Whole phases

${totalsTable(a, b)}
`,
  );

  if (broken.length > 0 || brokenAnswers > 0) {
    console.error(
      `soak: the run broke (${[...broken, brokenAnswers > 0 ? `${brokenAnswers} failed answers or bad signatures` : ""].filter(Boolean).join("; ")})`,
    );
    process.exitCode = 1;
  }
}

await main();
