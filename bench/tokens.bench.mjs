// The token endpoint (GET /api/v1/accounts/:appid/access-token) over HTTP on loopback: the
// built server started programmatically in a child process (so the client does not share its
// event loop) with a temporary SQLite store and the sandbox WeChat, one directly connected
// account, an API key with `token:read`; autocannon in this process is the client.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import Fastify from "fastify";
import { createLogger, createServer, loadConfig } from "../packages/server/dist/index.js";
import { mountSandbox } from "../packages/server/dist/sandbox.js";
import { adminCall } from "./lib/direct-account.mjs";
import { format } from "./lib/measure.mjs";
import { writeSection } from "./lib/section.mjs";

const CONNECTIONS = 64;
const WARMUP_SECONDS = 3;
const SECONDS = 10;
const TARGET = 10_000;

if (process.argv[2] === "--bare") {
  // The ceiling: a bare Fastify app answering a token-shaped JSON, no authentication, no logger.
  const app = Fastify();
  const body = { access_token: "x".repeat(136), expires_at: Date.now() + 7_200_000 };
  app.get("/api/v1/accounts/:appid/access-token", async () => body);
  await app.listen({ host: "127.0.0.1", port: 0 });
  const url = `http://127.0.0.1:${app.server.address().port}`;
  process.stdout.write(`${JSON.stringify({ url, reader: "none", appId: "wx0000000000000000" })}\n`);
  process.on("message", (message) => {
    if (message === "count") process.send({ tokenCalls: 0 });
    else if (message === "stop") app.close().then(() => process.exit(0));
  });
} else if (process.argv[2] === "--serve") {
  const dataDir = mkdtempSync(join(tmpdir(), "wxgate-bench-tokens-"));
  const config = loadConfig({
    env: { WXGATE_DATA_DIR: dataDir, WXGATE_PORT: "0", WXGATE_LOG_LEVEL: "silent" },
  });
  const server = await createServer({ config, logger: createLogger({ level: "silent" }) });
  const sandbox = await mountSandbox(server.app, { seed: "bench", dataDir });
  await server.app.listen({ host: "127.0.0.1", port: 0 });
  const url = `http://127.0.0.1:${server.app.server.address().port}`;
  sandbox.setOrigin(url);

  const { user } = await server.auth.createAdmin({ username: "admin", password: "bench password 1" });
  const creator = { userId: user.id, name: "admin" };
  const admin = (await server.auth.createApiKey(creator, { name: "admin", scopes: ["admin"] })).key;
  const reader = (await server.auth.createApiKey(creator, { name: "reader", scopes: ["token:read"] })).key;
  const call = adminCall(url, admin);

  const demo = sandbox.core.world.state.extensions.demo;
  const account = sandbox.core.world.account(demo.serviceAppId);
  await call("POST", "/accounts", { appId: account.appId, appSecret: account.secret, verified: true });
  await call("PUT", `/accounts/${account.appId}/openid-mapping`, { property: "openid" });
  await call("POST", `/accounts/${account.appId}/enable`);
  process.stdout.write(`${JSON.stringify({ url, reader, appId: account.appId })}\n`);
  process.on("message", (message) => {
    if (message === "count") {
      process.send({ tokenCalls: sandbox.core.control.requestLog({ path: "/cgi-bin/token" }).length });
    } else if (message === "stop") {
      server.close().then(() => {
        rmSync(dataDir, { recursive: true, force: true });
        process.exit(0);
      });
    }
  });
} else {
  await measure();
}

/** Starts a server child (`--serve` or `--bare`) and measures its token endpoint. */
async function measureChild(mode) {
  // WXGATE_BENCH_PROFILE=<dir> writes a CPU profile of the server process there.
  const profile = process.env.WXGATE_BENCH_PROFILE;
  const flags = profile ? ["--cpu-prof", `--cpu-prof-dir=${profile}`] : [];
  const child = spawn(process.execPath, [...flags, fileURLToPath(import.meta.url), mode], {
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  const first = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (line) => resolve(JSON.parse(line)));
    child.once("exit", (code) => reject(new Error(`the server exited with ${code}`)));
  });
  const { url, reader, appId } = first;
  const count = () =>
    new Promise((resolve) => {
      child.once("message", (m) => resolve(m.tokenCalls));
      child.send("count");
    });
  try {
    const tokenCallsBefore = await count();

    const run = (duration) =>
      autocannon({
        url: `${url}/api/v1/accounts/${appId}/access-token`,
        connections: CONNECTIONS,
        duration,
        headers: { authorization: `Bearer ${reader}` },
      });
    await run(WARMUP_SECONDS);
    const result = await run(SECONDS);
    const tokenCalls = (await count()) - tokenCallsBefore;
    return { result, tokenCalls };
  } finally {
    child.send("stop");
    await new Promise((resolve) => child.once("exit", resolve));
  }
}

async function measure() {
  const { result, tokenCalls } = await measureChild("--serve");
  const ok = result["2xx"];
  const failed = result.non2xx + result.errors + result.timeouts;
  const rps = result.requests.average;
  console.log(
    `token endpoint: ${format(rps)} req/s (p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms), ${format(ok)} answered 200, ${failed} failed, ${tokenCalls} calls to /cgi-bin/token`,
  );
  if (failed > 0) throw new Error(`${failed} requests failed`);
  // A profiled run is for reading the profile, not for the results page.
  if (process.env.WXGATE_BENCH_PROFILE) return;
  const bare = (await measureChild("--bare")).result;
  const bareRps = bare.requests.average;
  console.log(`bare Fastify, same client: ${format(bareRps)} req/s`);

  writeSection(
    "tokens",
    "Token endpoint: requests per second over HTTP",
    `
\`GET /api/v1/accounts/:appid/access-token\` with an API key (\`token:read\`), answered by the
built server (\`packages/server/dist\`, started programmatically in a child process) on 127.0.0.1
with SQLite in a temporary folder and the sandbox WeChat mounted; one directly connected, enabled
account. autocannon in the parent process, ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up, then
${SECONDS} s measured. Client and server share the machine's cores.

| Measure | Value |
| --- | ---: |
| requests/s (mean) | ${format(rps)} |
| latency p50 / p99 | ${result.latency.p50} ms / ${result.latency.p99} ms |
| answered 200 | ${format(ok)} |
| failed (non-2xx, errors, timeouts) | ${failed} |
| calls to WeChat's \`/cgi-bin/token\` during the run | ${tokenCalls} |
| ceiling: bare Fastify answering the same JSON (no auth, no logger), same client | ${format(bareRps)} req/s |
| wxgate / ceiling | ${((rps / bareRps) * 100).toFixed(0)} % |

- Target ≥ ${format(TARGET)} req/s: **${rps >= TARGET ? "met" : "not met"}**.
- Every answer comes from memory: the decrypted token is cached with its expiry (written through
  on refresh) and the account's credential object is cached, so the token itself costs no query
  and no decryption; \`/cgi-bin/token\` is never called during the run.
- What made the difference (profile with \`WXGATE_BENCH_PROFILE=<dir>\`): the HTTP edge trusts a
  verified API key for 5 s (revocation clears it at once), so a request reads no row; Fastify's two
  access lines per request became one line, at debug level for successful answers; the SQLite store
  keeps prepared statements; the actions a key's scopes grant are worked out once per list of scopes
  (a new set of every action per request had been a quarter of the server's allocations here). What
  remains is mostly socket writes and Fastify's own routing.
`,
  );
}
