// Follower sync end to end: the built server (SQLite in a temporary folder) with the sandbox
// WeChat mounted in the same process, one directly connected account whose followers are an
// emulator crowd (generated on demand, so WeChat's side holds no list). A sync is started over
// the API and runs on the job queue's worker: user/get pages of 10,000, batchget 100 at a time,
// each page committed with its cursor. Measured: followers written a second, and the peak RSS
// of the process (server and emulator together), sampled every 50 ms — for 100,000 and
// 1,000,000 followers, to show memory stays flat.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createLogger, createServer, loadConfig } from "../packages/server/dist/index.js";
import { mountSandbox } from "../packages/server/dist/sandbox.js";
import { writeSection } from "./lib/section.mjs";

const SIZES = [100_000, 1_000_000];
const TARGET_RATE = 20_000;
const TARGET_RSS_MB = 300;

if (process.argv[2] === "--serve") {
  await serve(Number(process.argv[3]));
} else {
  await measure();
}

async function serve(size) {
  const dataDir = mkdtempSync(join(tmpdir(), "wxgate-bench-followers-"));
  const config = loadConfig({
    env: { WXGATE_DATA_DIR: dataDir, WXGATE_PORT: "0", WXGATE_LOG_LEVEL: "silent" },
  });
  // BENCH_LOG=debug shows each page's timings (on stderr).
  const level = process.env.BENCH_LOG ?? "silent";
  const server = await createServer({ config, logger: createLogger({ level, destination: process.stderr }) });
  const sandbox = await mountSandbox(server.app, { seed: "bench", dataDir, snapshot: false });
  await server.app.listen({ host: "127.0.0.1", port: 0 });
  const url = `http://127.0.0.1:${server.app.server.address().port}`;
  sandbox.setOrigin(url);
  const { user } = await server.auth.createAdmin({ username: "admin", password: "bench password 1" });
  const admin = (
    await server.auth.createApiKey({ userId: user.id, name: "admin" }, { name: "admin", scopes: ["admin"] })
  ).key;
  const call = async (method, path, body) => {
    const response = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${admin}`, ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const demo = sandbox.core.world.state.extensions.demo;
  const account = sandbox.core.world.account(demo.serviceAppId);
  await call("POST", "/accounts", { appId: account.appId, appSecret: account.secret, verified: true });
  await call("PUT", `/accounts/${account.appId}/openid-mapping`, { property: "openid" });
  await call("POST", `/accounts/${account.appId}/enable`);
  sandbox.core.control.apis.setCrowd(account.appId, size);
  // The emulator's request log would otherwise keep growing with the calls measured.
  global.gc?.();

  let peakRss = process.memoryUsage().rss;
  const rssAtStart = peakRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  server.startWorker();
  const began = performance.now();
  await call("POST", `/accounts/${account.appId}/followers/sync`);
  let progress;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    progress = await call("GET", `/accounts/${account.appId}/followers/sync`);
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
    userGets: sandbox.core.control.requestLog({ path: "/cgi-bin/user/get" }).length,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}

/** Runs one size in a fresh child process and returns its result. */
function runChild(size) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), "--serve", String(size)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let result;
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (line.startsWith("{")) result = JSON.parse(line);
    });
    child.on("exit", (code) =>
      code === 0 && result ? resolve(result) : reject(new Error(`child exited ${code}`)),
    );
  });
}

async function measure() {
  const results = [];
  for (const size of SIZES) {
    console.log(`syncing ${size.toLocaleString("en")} followers…`);
    const result = await runChild(size);
    console.log(
      `  ${result.done} in ${result.seconds.toFixed(1)} s: ${Math.round(result.rate)} followers/s, peak RSS ${result.peakRssMb.toFixed(0)} MB`,
    );
    results.push(result);
  }
  const rows = results.map(
    (r) =>
      `| ${r.size.toLocaleString("en")} (+${(r.total - r.size).toLocaleString("en")} demo) | ${r.state} | ${r.done.toLocaleString("en")} | ${r.pages} | ${r.seconds.toFixed(1)} s | **${Math.round(r.rate).toLocaleString("en")}** | ${r.rssAtStartMb.toFixed(0)} MB | **${r.peakRssMb.toFixed(0)} MB** |`,
  );
  const small = results[0];
  const big = results[results.length - 1];
  const rateOk = results.every((r) => r.rate >= TARGET_RATE);
  const rssOk = results.every((r) => r.peakRssMb < TARGET_RSS_MB);
  const body = `
One directly connected account whose followers are an emulator crowd; \`POST /followers/sync\`,
then the job queue's worker runs one job per \`user/get\` page (10,000), \`user/info/batchget\` 100
at a time (6 in flight), and commits each page with its cursor in one SQLite transaction. The
sandbox WeChat runs in the same process, so the RSS counts server and emulator together, and
both share its one event loop.

| followers | state | written | pages | time | followers/s | RSS before | peak RSS |
| --------- | ----- | ------- | ----- | ---- | ----------- | ---------- | -------- |
${rows.join("\n")}

Targets: ≥ ${TARGET_RATE.toLocaleString("en")} followers/s — ${rateOk ? "met" : "**not met**"}; peak RSS
< ${TARGET_RSS_MB} MB — ${rssOk ? "met" : "**not met**"}. Memory with ten times the followers: peak RSS
${big.peakRssMb.toFixed(0)} MB against ${small.peakRssMb.toFixed(0)} MB (one page is held at a time, whatever the size).
`;
  writeSection("followers", "Follower sync: 1,000,000 and 100,000 followers from the emulator", body);
}
