// Follower sync end to end: the built server (SQLite in a temporary folder) against the WeChat
// emulator running in a process of its own (as WeChat is another machine), one directly
// connected account whose followers are an emulator crowd (generated on demand, so WeChat's
// side holds no list). A sync is started over the API and runs on the job queue's worker:
// user/get pages of 10,000, batchget 100 at a time, each page committed with its cursor.
// Measured: followers written a second, and the server process's peak RSS, sampled every
// 50 ms — for 100,000 and 1,000,000 followers, to show memory stays flat.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createEmulator } from "../packages/emulator/dist/index.js";
import { loadConfig } from "../packages/server/dist/index.js";
import { serveDirectAccount } from "./lib/direct-account.mjs";
import { writeSection } from "./lib/section.mjs";

// FOLLOWER_BENCH_SIZES=20000 for a quick try (the section is written all the same).
const SIZES = (process.env.FOLLOWER_BENCH_SIZES ?? "100000,1000000").split(",").map(Number);
const TARGET_RATE = 20_000;
const TARGET_RSS_MB = 300;
/** Node's default heap, then the old space capped: what the sync needs, not what V8 may take. */
const HEAPS = [undefined, 128];

if (process.argv[2] === "--emulator") {
  await emulate(Number(process.argv[3]));
} else if (process.argv[2] === "--serve") {
  await serve(Number(process.argv[3]), JSON.parse(process.argv[4]));
} else {
  await measure();
}

/** The emulated WeChat with a crowd of `size` followers on the demo service account. */
async function emulate(size) {
  const emulator = await createEmulator({ seed: "bench", preset: "demo" });
  const demo = emulator.world.state.extensions.demo;
  const account = emulator.world.account(demo.serviceAppId);
  emulator.control.apis.setCrowd(account.appId, size);
  process.stdout.write(
    `${JSON.stringify({ baseUrls: emulator.baseUrls, appId: account.appId, secret: account.secret })}\n`,
  );
  process.on("message", (message) => {
    if (message === "stop") {
      const rssMb = process.memoryUsage().rss / 2 ** 20;
      process.send({ rssMb }, () => emulator.close().then(() => process.exit(0)));
    }
  });
}

async function serve(size, wechat) {
  const dataDir = mkdtempSync(join(tmpdir(), "wxgate-bench-followers-"));
  const config = loadConfig({
    env: { WXGATE_DATA_DIR: dataDir, WXGATE_PORT: "0", WXGATE_LOG_LEVEL: "silent", WXGATE_MODE: "sandbox" },
  });
  const { server, call, appId } = await serveDirectAccount(config, wechat);

  let peakRss = process.memoryUsage().rss;
  const rssAtStart = peakRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  server.startWorker();
  const began = performance.now();
  await call("POST", `/accounts/${appId}/followers/sync`);
  let progress;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    progress = await call("GET", `/accounts/${appId}/followers/sync`);
    if (progress.state !== "running") break;
  }
  const seconds = (performance.now() - began) / 1000;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const result = {
    size,
    state: progress.state,
    done: progress.done,
    total: progress.total,
    pages: progress.pages,
    seconds,
    rate: progress.done / seconds,
    rssAtStartMb: rssAtStart / 2 ** 20,
    peakRssMb: peakRss / 2 ** 20,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}

/** Starts this file as a child (`--emulator` or `--serve`) and resolves its first JSON line. */
function child(args, ipc, nodeFlags = []) {
  const process_ = spawn(process.execPath, [...nodeFlags, fileURLToPath(import.meta.url), ...args], {
    stdio: ["ignore", "pipe", "inherit", ...(ipc ? ["ipc"] : [])],
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
 * One size: a fresh emulator and a fresh server, each in its own process; `heapMb` caps the
 * server's V8 old space (undefined: Node's default, which grows lazily when there is room).
 */
async function runChild(size, heapMb) {
  const emulator = child(["--emulator", String(size)], true);
  const wechat = await emulator.line;
  const flags = heapMb === undefined ? [] : [`--max-old-space-size=${heapMb}`];
  const server = child(["--serve", String(size), JSON.stringify(wechat)], false, flags);
  const result = await server.line;
  const emulatorRss = await new Promise((resolve) => {
    emulator.process.once("message", (message) => resolve(message.rssMb));
    emulator.process.send("stop");
  });
  return { ...result, emulatorRssMb: emulatorRss, heapMb };
}

async function measure() {
  const load = loadavg()[0];
  const results = [];
  for (const heapMb of HEAPS) {
    for (const size of SIZES) {
      console.log(`syncing ${size.toLocaleString("en")} followers, heap ${heapMb ?? "default"}…`);
      const result = await runChild(size, heapMb);
      console.log(
        `  ${result.done} in ${result.seconds.toFixed(1)} s: ${Math.round(result.rate)} followers/s, peak RSS ${result.peakRssMb.toFixed(0)} MB`,
      );
      results.push(result);
    }
  }
  const rows = results.map(
    (r) =>
      `| ${r.size.toLocaleString("en")} (+${(r.total - r.size).toLocaleString("en")} demo) | ${r.heapMb === undefined ? "default" : `--max-old-space-size=${r.heapMb}`} | ${r.state} | ${r.done.toLocaleString("en")} | ${r.pages} | ${r.seconds.toFixed(1)} s | **${Math.round(r.rate).toLocaleString("en")}** | ${r.rssAtStartMb.toFixed(0)} MB | **${r.peakRssMb.toFixed(0)} MB** | ${r.emulatorRssMb.toFixed(0)} MB |`,
  );
  const verdict = (ok) => (ok ? "met" : "**not met**");
  const lines = HEAPS.map((heapMb) => {
    const runs = results.filter((r) => r.heapMb === heapMb);
    const small = runs[0];
    const big = runs[runs.length - 1];
    const label = heapMb === undefined ? "Node's default heap" : `old space capped at ${heapMb} MB`;
    return `- ${label}: ${runs.map((r) => `${Math.round(r.rate).toLocaleString("en")}/s`).join(" and ")} — ≥ ${TARGET_RATE.toLocaleString("en")}/s ${verdict(runs.every((r) => r.rate >= TARGET_RATE))}; peak RSS ${big.peakRssMb.toFixed(0)} MB with ${big.size.toLocaleString("en")} against ${small.peakRssMb.toFixed(0)} MB with ${small.size.toLocaleString("en")} — < ${TARGET_RSS_MB} MB ${verdict(runs.every((r) => r.peakRssMb < TARGET_RSS_MB))}.`;
  });
  const body = `
One directly connected account whose followers are an emulator crowd; \`POST /followers/sync\`,
then the job queue's worker runs one job per \`user/get\` page (10,000 OpenIDs) and
\`user/info/batchget\`s it 100 at a time (6 in flight) over undici's request API; each answer
is written as it arrives (one SQLite transaction of 100 upserts), and the run's cursor moves past
the page after its last batch. The emulator runs in a process of its own (as WeChat is another
machine); the RSS is the server's. The sync holds a page's OpenIDs and a few answers of 100
whatever the size; what makes the heap grow is garbage that outlives a young-generation
collection and piles up in the old space until V8 collects it, so the same sizes are run again
with the old space capped, to show what the sync itself needs. Load average when the run began:
${load.toFixed(1)} (other work on the machine slows every figure).

| followers | server heap | state | written | pages | time | followers/s | server RSS before | server peak RSS | emulator RSS after |
| --------- | ----------- | ----- | ------- | ----- | ---- | ----------- | ----------------- | --------------- | ------------------ |
${rows.join("\n")}

${lines.join("\n")}
`;
  writeSection("followers", "Follower sync: 1,000,000 and 100,000 followers from the emulator", body);
}
