import { mkdtempSync, rmSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizeThroughPage } from "./authorization-page.js";
import { buildCli, type CliProcess, runCli } from "./support/cli.js";

/**
 * The sandbox as `wxgate start` runs it, in a real child process: its emulator's state survives
 * a SIGKILL, and it stays on loopback unless the operator allows otherwise.
 */

let cli: string;
const dirs: string[] = [];
const running: CliProcess[] = [];

beforeAll(async () => {
  cli = await buildCli();
});
afterAll(() => {
  for (const p of running)
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  if (cli) rmSync(dirname(cli), { recursive: true, force: true });
});

function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "wxgate-sandbox-e2e-"));
  dirs.push(dir);
  return dir;
}

/** Starts `wxgate start` and waits for its banner; returns the process and its URL. */
async function start(env: Record<string, string>, args: string[] = []) {
  const server = runCli(cli, ["start", ...args], env);
  running.push(server);
  await server.waitFor("Press Ctrl+C to stop.");
  const url = /URL\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(server.stdout())?.[1];
  if (!url) throw new Error(`no URL in the banner:\n${server.stdout()}`);
  return { server, url };
}

async function json<T>(url: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
}

/** Polls `probe` until it yields a value; bounded, and never a statement about speed. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`gave up waiting for ${what}`);
}

interface Snapshot {
  world: { platforms: Record<string, { authorizations: Record<string, { revokedAt?: number }> }> };
}

describe("the sandbox's emulator state (end to end)", () => {
  it("survives a SIGKILL: after a restart on the same data folder, links are created at once and the authorized account is still known", async () => {
    const dataDir = tempDataDir();
    const env = { WXGATE_DATA_DIR: dataDir, WXGATE_PORT: "0" };
    const { server: first, url } = await start(env);
    const password = /^\s+password\s+(\S+)$/m.exec(first.stdout())?.[1];
    const login = await fetch(`${url}/api/v1/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password }),
    });
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const cookie = login.headers.getSetCookie()[0]?.split(";")[0] ?? "";
    const created = await json<{ key: string }>(`${url}/api/v1/api-keys`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie, "x-csrf-token": csrfToken },
      body: JSON.stringify({ name: "sandbox-e2e", scopes: ["admin"] }),
    });
    expect(created.status).toBe(201);
    const bearer = { authorization: `Bearer ${created.body.key}` };

    const summary = await json<{
      platforms: { componentAppId: string }[];
      accounts: { appId: string; kind: string; verifyType: number }[];
    }>(`${url}/sandbox/__emulator/summary`);
    const componentAppId = summary.body.platforms[0]?.componentAppId ?? "";
    const service = summary.body.accounts.find((a) => a.kind === "service" && a.verifyType === 0);
    if (!service) throw new Error("the sandbox has no verified demo service account");
    // wxgate asks for a component_verify_ticket as soon as the sandbox knows its URL.
    await eventually("the first component_verify_ticket", async () => {
      const log = await json<{ attempts: { outcome: string }[] }>(
        `${url}/sandbox/__emulator/push/log?event=info:component_verify_ticket`,
      );
      return log.body.attempts.some((a) => a.outcome === "success") ? true : undefined;
    });

    const link = await json<{ pcUrl: string }>(`${url}/api/v1/authorizations`, {
      method: "POST",
      headers: bearer,
    });
    expect(link.status).toBe(201);
    const landing = await authorizeThroughPage({ pcUrl: link.body.pcUrl, appId: service.appId });
    expect(landing.status).toBe(200);
    await fetch(`${url}/sandbox/__emulator/push/idle`, { method: "POST" });

    // The kill comes once the file holds the world the emulator holds, with the authorization:
    // written because the world changed, not because the server stopped.
    const file = join(dataDir, "sandbox.json");
    await eventually("the sandbox state file to catch up", async () => {
      const live = await json<Snapshot>(`${url}/sandbox/__emulator/snapshot`);
      const saved = await readFile(file, "utf8").then(
        (text) => JSON.parse(text) as Snapshot,
        () => undefined,
      );
      const authorization = saved?.world.platforms[componentAppId]?.authorizations[service.appId];
      const current = JSON.stringify(saved?.world) === JSON.stringify(live.body.world);
      return authorization && authorization.revokedAt === undefined && current ? true : undefined;
    });
    first.child.kill("SIGKILL");
    await first.exited;
    expect(first.child.signalCode).toBe("SIGKILL");
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const { server: second, url: again } = await start(env);
    const relink = await json<{ pcUrl: string }>(`${again}/api/v1/authorizations`, {
      method: "POST",
      headers: bearer,
    });
    expect(relink.status).toBe(201);
    expect(relink.body.pcUrl.startsWith(`${again}/sandbox/cgi-bin/componentloginpage?`)).toBe(true);
    const known = await json<{ platforms: { componentAppId: string; authorizers: string[] }[] }>(
      `${again}/sandbox/__emulator/summary`,
    );
    expect(known.body.platforms.find((p) => p.componentAppId === componentAppId)?.authorizers).toContain(
      service.appId,
    );
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  });
});

describe("the sandbox on a non-loopback host (end to end)", () => {
  it("refuses WXGATE_HOST=0.0.0.0 without --sandbox-public: exit code 2 and a message naming the flag", async () => {
    const refused = runCli(cli, ["start"], {
      WXGATE_DATA_DIR: tempDataDir(),
      WXGATE_PORT: "0",
      WXGATE_HOST: "0.0.0.0",
    });
    running.push(refused);
    expect(await refused.exited).toBe(2);
    const stderr = refused.stderr();
    expect(stderr).toContain("WXGATE_HOST: 0.0.0.0 is not a loopback address");
    expect(stderr).toContain("--sandbox-public (WXGATE_SANDBOX_PUBLIC=true)");
    expect(refused.stdout()).not.toContain("Press Ctrl+C to stop.");
  });

  it("starts on 0.0.0.0 with --sandbox-public and says in the banner who can reach the control API", async () => {
    const { server, url } = await start(
      { WXGATE_DATA_DIR: tempDataDir(), WXGATE_PORT: "0", WXGATE_HOST: "0.0.0.0" },
      ["--sandbox-public"],
    );
    const banner = server.stdout();
    expect(banner).toContain("WARNING: the sandbox listens on 0.0.0.0 (--sandbox-public)");
    expect(banner).toContain(
      `Anyone who can reach this\n  port can use the emulator's control API at ${url}/sandbox/__emulator,`,
    );
    expect(banner).toContain("including the demo AppSecrets");
    expect((await fetch(`${url}/sandbox/__emulator/summary`)).status).toBe(200);
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  });
});
