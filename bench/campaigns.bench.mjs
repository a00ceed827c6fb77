// A template campaign end to end: the built server (SQLite in a temporary folder) against the
// WeChat emulator running in a process of its own (as WeChat is another machine). One directly
// connected, verified service account whose followers are an emulator crowd; the followers are
// synced first (not measured), then a template campaign to all of them goes through the API's
// steps — create, pre-flight, submit — with the account's rate set high and the emulator's
// rate limits lifted. Measured from the submit until the campaign is completed: messages sent
// a second end to end, and the server process's peak RSS (sampled every 50 ms) — for 100,000
// and 1,000,000 recipients, to show memory stays flat. Then the emulator counts what each
// follower received and compares it with the audience: 0 missing and 0 duplicated is the proof.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { writeHeapSnapshot } from "node:v8";
import { createEmulator } from "../packages/emulator/dist/index.js";
import { loadConfig } from "../packages/server/dist/index.js";
import { serveDirectAccount } from "./lib/direct-account.mjs";
import { writeSection } from "./lib/section.mjs";
import { cpuSecondsOf } from "./lib/wxgate-process.mjs";

// CAMPAIGN_BENCH_SIZES=20000 for a quick try (the section is written all the same).
const SIZES = (process.env.CAMPAIGN_BENCH_SIZES ?? "100000,1000000").split(",").map(Number);
/**
 * The server's old space: Node's default, then capped (`CAMPAIGN_BENCH_HEAPS=default,256`): with
 * room, V8 lets garbage pile up before collecting it, so the capped run shows what sending needs.
 */
const HEAPS = (process.env.CAMPAIGN_BENCH_HEAPS ?? "default,256")
  .split(",")
  .map((heap) => (heap === "default" ? undefined : Number(heap)));
const TARGET_RATE = 2_000;
const TARGET_RSS_MB = 400;
/** The account's sends a second: the most the settings allow, above what the machine reaches. */
const SENDS_PER_SECOND = 10_000;
/** A campaign not completed by then is reported as it stands. */
const MAX_SECONDS = Number(process.env.CAMPAIGN_BENCH_MAX_SECONDS ?? 1800);
/** BENCH_RECEIPTS=1 keeps the emulator's TEMPLATESENDJOBFINISH receipts on (pushed to no server here). */
const RECEIPTS = process.env.BENCH_RECEIPTS === "1";
/**
 * BENCH_QUIET_FILE: a file created while a campaign is measured (at most 6 minutes, then
 * removed even if the campaign goes on), so other work on a shared machine can pause.
 */
const QUIET_FILE = process.env.BENCH_QUIET_FILE;
const QUIET_MAX_MS = 6 * 60_000 - 15_000;
const TEMPLATE_DATA = {
  first: { value: "您的订单已发货" },
  keyword1: { value: "A20261127" },
  keyword2: { value: "已发货" },
  remark: { value: "感谢您的支持" },
};

if (process.argv[2] === "--emulator") {
  await emulate(Number(process.argv[3]));
} else if (process.argv[2] === "--serve") {
  await serve(Number(process.argv[3]), JSON.parse(process.argv[4]));
} else {
  await measure();
}

/** The emulated WeChat: the demo service account with a crowd of `size` and one template. */
async function emulate(size) {
  const emulator = await createEmulator({ seed: "bench", preset: "demo" });
  const demo = emulator.world.state.extensions.demo;
  const account = emulator.world.account(demo.serviceAppId);
  const apis = emulator.control.apis;
  apis.setCrowd(account.appId, size);
  apis.configure(account.appId, { limitsLifted: true, templateReceipts: RECEIPTS });
  const { templateId } = apis.addTemplate(account.appId, { title: "订单状态通知" });
  // The audience: the crowd and the account's stored followers (the demo's), those following.
  const stored = Object.values(emulator.world.followersOf(account.appId))
    .filter((f) => f.subscribed)
    .map((f) => f.openId);
  process.stdout.write(
    `${JSON.stringify({ baseUrls: emulator.baseUrls, appId: account.appId, secret: account.secret, templateId })}\n`,
  );
  process.on("message", (message) => {
    if (message === "summary") {
      const summary = apis.deliveries(account.appId, {
        channel: "template",
        ids: [templateId],
        crowd: true,
        openIds: stored,
      });
      process.send({ summary, rssMb: process.memoryUsage().rss / 2 ** 20 });
    } else if (message === "stop") {
      emulator.close().then(() => process.exit(0));
    }
  });
}

/** The server with its worker, driven over its HTTP API with an administrator's key. */
async function serve(size, wechat) {
  const dataDir = mkdtempSync(join(tmpdir(), "wxgate-bench-campaigns-"));
  const config = loadConfig({
    env: {
      WXGATE_DATA_DIR: dataDir,
      WXGATE_PORT: "0",
      WXGATE_LOG_LEVEL: "silent",
      WXGATE_MODE: "sandbox",
      // WXGATE_CAMPAIGN_BATCH / _IN_FLIGHT from the caller, to try other settings.
      ...Object.fromEntries(
        Object.entries(process.env).filter(([name]) => name.startsWith("WXGATE_CAMPAIGN_")),
      ),
    },
  });
  const { server, call, appId } = await serveDirectAccount(config, wechat);
  server.startWorker();

  // The followers first: the campaign's audience is what the server knows.
  const syncBegan = performance.now();
  await call("POST", `/accounts/${appId}/followers/sync`);
  let sync;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    sync = await call("GET", `/accounts/${appId}/followers/sync`);
    if (sync.state !== "running") break;
  }
  if (sync.state !== "done") throw new Error(`follower sync ended ${sync.state}`);
  const syncSeconds = (performance.now() - syncBegan) / 1000;

  await call("PUT", `/accounts/${appId}/campaigns/settings`, {
    approvalRequired: false,
    sendsPerSecond: SENDS_PER_SECOND,
  });
  const campaign = await call("POST", `/accounts/${appId}/campaigns`, {
    name: `bench ${size}`,
    channel: "template",
    audience: { kind: "all" },
    content: { channel: "template", templateId: wechat.templateId, data: TEMPLATE_DATA },
  });
  const preflight = await call("POST", `/campaigns/${campaign.id}/preflight`);
  if (!preflight.ok) throw new Error(`pre-flight refused: ${JSON.stringify(preflight.checks)}`);

  // Collect what the sync left before measuring, so the peak is the campaign's.
  globalThis.gc?.();
  let peakRss = process.memoryUsage().rss;
  const rssAtStart = peakRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  // The parent may wait for a quiet machine first (BENCH_QUIET_FILE).
  const go = new Promise((resolve) => process.once("message", resolve));
  process.send("ready");
  await go;
  // BENCH_CPU_PROFILE=folder: a CPU profile of the server while the campaign sends (not the sync).
  const profiler = process.env.BENCH_CPU_PROFILE ? new Session() : undefined;
  if (profiler) {
    profiler.connect();
    await profiler.post("Profiler.enable");
    await profiler.post("Profiler.start");
  }
  const began = performance.now();
  const cpuAtStart = process.cpuUsage();
  const submitted = await call("POST", `/campaigns/${campaign.id}/submit`);
  let progress;
  let status = submitted.status;
  const samples = [];
  let snapshotted;
  for (;;) {
    // Polled as the console polls it while a campaign sends.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    progress = await call("GET", `/campaigns/${campaign.id}/progress`);
    samples.push({ at: (performance.now() - began) / 1000, sent: progress.byStatus.sent });
    // BENCH_HEAP_SNAPSHOT=folder: one heap snapshot of the server once half the audience is sent.
    if (process.env.BENCH_HEAP_SNAPSHOT && !snapshotted && progress.byStatus.sent * 2 >= size) {
      snapshotted = writeHeapSnapshot(
        join(process.env.BENCH_HEAP_SNAPSHOT, `campaigns-${size}.heapsnapshot`),
      );
    }
    const { pending, sending } = progress.byStatus;
    if (pending === 0 && sending === 0 && progress.total > 0) {
      status = (await call("GET", `/campaigns/${campaign.id}`)).status;
      if (status === "completed") break;
    }
    if ((performance.now() - began) / 1000 > MAX_SECONDS) {
      status = `${(await call("GET", `/campaigns/${campaign.id}`)).status} (gave up after ${MAX_SECONDS} s)`;
      break;
    }
  }
  const seconds = (performance.now() - began) / 1000;
  const cpu = process.cpuUsage(cpuAtStart);
  clearInterval(sampler);
  if (profiler) {
    const { profile } = await profiler.post("Profiler.stop");
    const file = join(process.env.BENCH_CPU_PROFILE, `campaigns-${size}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    profiler.disconnect();
  }
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  progress = await call("GET", `/campaigns/${campaign.id}/progress`);
  const result = {
    size,
    audience: preflight.audience,
    status,
    total: progress.total,
    byStatus: progress.byStatus,
    errcodes: progress.errcodes,
    seconds,
    rate: progress.byStatus.sent / seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    syncSeconds,
    rssAtStartMb: rssAtStart / 2 ** 20,
    peakRssMb: peakRss / 2 ** 20,
    samples,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}

/** Starts this file as a child (`--emulator` or `--serve`) and resolves its first JSON line. */
function child(args, nodeFlags = []) {
  const process_ = spawn(process.execPath, [...nodeFlags, fileURLToPath(import.meta.url), ...args], {
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  const line = new Promise((resolve, reject) => {
    createInterface({ input: process_.stdout }).on("line", (text) => {
      if (text.startsWith("{")) resolve(JSON.parse(text));
    });
    process_.on("exit", (code) => reject(new Error(`${args[0]} exited ${code}`)));
  });
  return { process: process_, line };
}

/**
 * Waits until nobody else holds the quiet file, then holds it while a campaign is measured,
 * never longer than {@link QUIET_MAX_MS}. Returns its release.
 */
async function quiet() {
  if (!QUIET_FILE) return () => {};
  while (existsSync(QUIET_FILE)) await new Promise((resolve) => setTimeout(resolve, 5_000));
  writeFileSync(QUIET_FILE, `campaigns bench ${process.pid}\n`);
  let held = true;
  const release = () => {
    clearTimeout(timer);
    if (held) rmSync(QUIET_FILE, { force: true });
    held = false;
    process.off("exit", release);
  };
  const timer = setTimeout(release, QUIET_MAX_MS);
  process.on("exit", release);
  return release;
}

/** One size: a fresh emulator and a fresh server, each in its own process. */
async function runChild(size, heapMb) {
  const emulator = child(["--emulator", String(size)]);
  const wechat = await emulator.line;
  // BENCH_SERVER_NODE_ARGS: flags for the server's node only (e.g. `--cpu-prof --cpu-prof-dir=…`).
  const flags = [
    "--expose-gc",
    ...(heapMb === undefined ? [] : [`--max-old-space-size=${heapMb}`]),
    ...(process.env.BENCH_SERVER_NODE_ARGS ?? "").split(/\s+/).filter(Boolean),
  ];
  const server = child(["--serve", String(size), JSON.stringify(wechat)], flags);
  let release = () => {};
  let emulatorCpuAtStart = 0;
  server.process.on("message", async (message) => {
    if (message !== "ready") return;
    release = await quiet();
    emulatorCpuAtStart = cpuSecondsOf(emulator.process.pid) ?? 0;
    server.process.send("go");
  });
  try {
    const result = await server.line;
    release();
    const emulatorCpuSeconds = (cpuSecondsOf(emulator.process.pid) ?? 0) - emulatorCpuAtStart;
    const { summary, rssMb } = await new Promise((resolve) => {
      emulator.process.once("message", resolve);
      emulator.process.send("summary");
    });
    return { ...result, summary, emulatorRssMb: rssMb, emulatorCpuSeconds, heapMb };
  } finally {
    release();
    emulator.process.send("stop");
  }
}

/** CPU microseconds per message sent. */
function perMessage(cpuSeconds, r) {
  return Math.round((cpuSeconds * 1e6) / Math.max(1, r.byStatus.sent));
}

async function measure() {
  const load = loadavg()[0];
  const results = [];
  for (const heapMb of HEAPS) {
    for (const size of SIZES) {
      console.log(
        `template campaign to ${size.toLocaleString("en")} followers, heap ${heapMb ?? "default"}…`,
      );
      const r = await runChild(size, heapMb);
      const a = r.summary.audience;
      console.log(
        `  ${r.status}: ${r.byStatus.sent} sent in ${r.seconds.toFixed(1)} s: ${Math.round(r.rate)} messages/s, peak RSS ${r.peakRssMb.toFixed(0)} MB, server CPU ${perMessage(r.cpuSeconds, r)} µs a message; emulator: ${r.summary.recipients} received, ${a.missing} missing, ${r.summary.duplicateRecipients} duplicated`,
      );
      if (r.errcodes.length > 0) console.log(`  errcodes: ${JSON.stringify(r.errcodes)}`);
      results.push(r);
    }
  }
  const n = (value) => value.toLocaleString("en");
  const rows = results.map((r) => {
    const a = r.summary.audience;
    return `| ${n(r.size)} (+${n(r.total - r.size)} demo) | ${r.heapMb === undefined ? "default" : `--max-old-space-size=${r.heapMb}`} | ${r.status} | ${n(r.byStatus.sent)} | ${n(r.byStatus.failed + r.byStatus.skipped)} | ${r.seconds.toFixed(1)} s | **${n(Math.round(r.rate))}** | ${perMessage(r.cpuSeconds, r)} µs | ${perMessage(r.emulatorCpuSeconds, r)} µs | ${r.rssAtStartMb.toFixed(0)} MB | **${r.peakRssMb.toFixed(0)} MB** | ${n(r.summary.recipients)} | **${n(a.missing)}** | **${n(r.summary.duplicateRecipients)}** | ${r.emulatorRssMb.toFixed(0)} MB |`;
  });
  const verdict = (ok) => (ok ? "met" : "**not met**");
  const lines = HEAPS.map((heapMb) => {
    const runs = results.filter((r) => r.heapMb === heapMb);
    const small = runs[0];
    const big = runs[runs.length - 1];
    const label = heapMb === undefined ? "Node's default heap" : `old space capped at ${heapMb} MB`;
    return `- ${label}: ${runs.map((r) => `${n(Math.round(r.rate))}/s`).join(" and ")} — ≥ ${n(TARGET_RATE)}/s ${verdict(runs.every((r) => r.rate >= TARGET_RATE))}; peak RSS ${big.peakRssMb.toFixed(0)} MB with ${n(big.size)} against ${small.peakRssMb.toFixed(0)} MB with ${n(small.size)} — < ${TARGET_RSS_MB} MB ${verdict(runs.every((r) => r.peakRssMb < TARGET_RSS_MB))}.`;
  });
  const exact = results.every(
    (r) =>
      r.summary.audience.missing === 0 &&
      r.summary.duplicateRecipients === 0 &&
      r.summary.audience.outside === 0,
  );
  const body = `
One directly connected, verified service account whose followers are an emulator crowd (plus the
demo's followers), synced first; then a template campaign to all of them through the API —
create, \`preflight\`, \`submit\` — with the account's \`sendsPerSecond\` at ${n(SENDS_PER_SECOND)} and the
emulator's rate limits lifted (\`settings.limitsLifted\`; template receipts ${RECEIPTS ? "on" : "off"}). Timed from the
submit until the campaign is \`completed\`: expansion into delivery rows, batches claimed from the
job queue, \`message/template/send\` for each row and its outcome written. The emulator runs in a
process of its own (as WeChat is another machine); the RSS is the server's, sampled every 50 ms
during the campaign. Afterwards the emulator's delivery summary compares what each follower
received with the audience. Load average when the run began: ${load.toFixed(1)}.

| recipients | server heap | state | sent | failed or skipped | time | messages/s | server CPU a message | emulator CPU a message | server RSS before | server peak RSS | emulator: received | missing | duplicated | emulator RSS |
| ---------- | ----------- | ----- | ---- | ----------------- | ---- | ---------- | -------------------- | ---------------------- | ----------------- | --------------- | ------------------ | ------- | ---------- | ------------ |
${rows.join("\n")}

${lines.join("\n")}
- Every follower received the message exactly once (0 missing, 0 duplicated, none outside the audience): ${exact ? "yes" : "**no**"}.
`;
  writeSection("campaigns", "Campaigns: a template campaign to 1,000,000 and 100,000 followers", body);
}
