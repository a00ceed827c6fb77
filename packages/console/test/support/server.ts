import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCli, type CliProcess, runCli } from "../../../server/test/support/cli.js";

/** A real `wxgate start` in sandbox mode on a fresh data folder, as a new user runs it. */
export interface RunningServer {
  url: string;
  password: string;
  process: CliProcess;
  /** The emulator's control API. */
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** An API call signed in as the administrator (a session of its own). */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

let cli: Promise<string> | undefined;

/** Starts the server; `env` adds WXGATE_* settings (WXGATE_NEW_DEVICE_VERIFICATION=true for the second factor). */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  cli ??= buildCli();
  const dataDir = mkdtempSync(join(tmpdir(), "wxgate-console-"));
  const process = runCli(await cli, ["start"], {
    WXGATE_DATA_DIR: dataDir,
    WXGATE_PORT: "0",
    WXGATE_LOG_LEVEL: "warn",
    ...env,
  });
  await process.waitFor("Press Ctrl+C to stop.");
  const url = /URL\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(process.stdout())?.[1];
  const password = /^\s+password\s+(\S+)$/m.exec(process.stdout())?.[1];
  if (!url || !password) throw new Error(`no URL or password in the banner:\n${process.stdout()}`);

  let cookie = "";
  let csrf = "";
  const api = async <T>(method: string, path: string, body?: unknown) => {
    if (!cookie) {
      const login = await fetch(`${url}/api/v1/session`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "admin", password }),
      });
      csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
      cookie = login.headers.getSetCookie()[0]?.split(";")[0] ?? "";
    }
    const response = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: {
        cookie,
        "x-csrf-token": csrf,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
  };
  const control = async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}/sandbox/__emulator${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  return {
    url,
    password,
    process,
    api,
    control,
    async stop() {
      if (process.child.exitCode === null && process.child.signalCode === null) {
        process.child.kill("SIGTERM");
        await process.exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
