import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { randomToken } from "../src/platform/secrets.js";
import { pgTestsOff, testPgUrl } from "../src/platform/store/test-stores.js";
import { buildCli, type CliProcess, runCli } from "./support/cli.js";
import { startTcpProxy, type TcpProxy } from "./support/tcp-proxy.js";

/**
 * `/healthz` probes the store. Here `wxgate start` runs in a child process on PostgreSQL reached
 * through a relay the test controls: taking the relay away is the database going out of reach
 * (its connections dropped, new ones refused), as a network failure or a database restart does.
 */

let cli: string;
const dirs: string[] = [];
const running: CliProcess[] = [];
const proxies: TcpProxy[] = [];
const schemas: string[] = [];

beforeAll(async () => {
  cli = await buildCli();
});
afterEach(async () => {
  for (const p of running.splice(0))
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
  for (const proxy of proxies.splice(0)) await proxy.close();
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: testPgUrl });
  await client.connect();
  try {
    for (const schema of schemas.splice(0)) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  if (cli) rmSync(dirname(cli), { recursive: true, force: true });
});

async function health(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}/healthz`);
  return { status: response.status, body: await response.json() };
}

describe.skipIf(pgTestsOff)("/healthz of wxgate start on PostgreSQL (end to end)", () => {
  it("answers 503 {status: unavailable} while the database is out of reach, and 200 again once it is back, in the same process", async () => {
    const database = new URL(testPgUrl);
    const proxy = await startTcpProxy({ host: database.hostname, port: Number(database.port || 5432) });
    proxies.push(proxy);
    const schema = `wxgate_health_${randomToken(6)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, "")}`;
    schemas.push(schema);
    const throughProxy = new URL(testPgUrl);
    throughProxy.host = `127.0.0.1:${proxy.port}`;
    throughProxy.searchParams.set("schema", schema);

    const dataDir = mkdtempSync(join(tmpdir(), "wxgate-health-"));
    dirs.push(dataDir);
    const server = runCli(cli, ["start"], {
      WXGATE_DATA_DIR: dataDir,
      WXGATE_PORT: "0",
      WXGATE_DATABASE_URL: throughProxy.toString(),
    });
    running.push(server);
    await server.waitFor("Press Ctrl+C to stop.");
    const banner = server.stdout();
    expect(banner).toContain("data        PostgreSQL");
    const url = /URL\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1] ?? "";
    const password = /^\s+password\s+(\S+)$/m.exec(banner)?.[1] ?? "";
    expect(proxy.accepted).toBeGreaterThan(0);

    expect(await health(url)).toEqual({ status: 200, body: { status: "ok" } });

    await proxy.cut();
    // Twice: the first may meet a pooled connection that was just dropped, the second a refused
    // new one; both are the store out of reach.
    expect(await health(url)).toEqual({ status: 503, body: { status: "unavailable" } });
    expect(await health(url)).toEqual({ status: 503, body: { status: "unavailable" } });
    expect(server.child.exitCode).toBeNull();

    await proxy.restore();
    expect(await health(url)).toEqual({ status: 200, body: { status: "ok" } });
    // Not only the probe: the server reads its data again (the first administrator signs in).
    const login = await fetch(`${url}/api/v1/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password }),
    });
    expect(login.status).toBe(200);

    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  });
});
