import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli, type CliProcess, runCli } from "./support/cli.js";

/**
 * SIGTERM stops `wxgate start` cleanly: a request in flight is answered before the process
 * exits 0. The request is held in flight by the customer's token server of the test, which
 * answers only when the test lets it.
 */

let cli: string;
const dirs: string[] = [];
const running: CliProcess[] = [];
const closers: Array<() => void> = [];

beforeAll(async () => {
  cli = await buildCli();
});
afterAll(() => {
  for (const p of running)
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
  for (const close of closers) close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  if (cli) rmSync(dirname(cli), { recursive: true, force: true });
});

/** A token server that tells when a request arrived and answers it only on `release()`. */
async function heldTokenServer() {
  let arrived!: () => void;
  const requestArrived = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  let held: ServerResponse | undefined;
  const http = createHttpServer((_request, response) => {
    held = response;
    arrived();
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  closers.push(() => {
    http.closeAllConnections();
    http.close();
  });
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/token`,
    requestArrived,
    release(body: unknown) {
      if (!held) throw new Error("no request is held");
      held.setHeader("content-type", "application/json");
      held.end(JSON.stringify(body));
    },
  };
}

describe("wxgate start on SIGTERM (end to end)", () => {
  it("answers the request in flight with its result, then exits 0", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "wxgate-shutdown-e2e-"));
    dirs.push(dataDir);
    const server = runCli(cli, ["start"], { WXGATE_DATA_DIR: dataDir, WXGATE_PORT: "0" });
    running.push(server);
    await server.waitFor("Press Ctrl+C to stop.");
    const url = /URL\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(server.stdout())?.[1] ?? "";
    const password = /^\s+password\s+(\S+)$/m.exec(server.stdout())?.[1] ?? "";
    const login = await fetch(`${url}/api/v1/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password }),
    });
    expect(login.status).toBe(200);
    const session = {
      cookie: login.headers.getSetCookie()[0]?.split(";")[0] ?? "",
      "x-csrf-token": ((await login.json()) as { csrfToken: string }).csrfToken,
    };
    const summary = (await (await fetch(`${url}/sandbox/__emulator/summary`)).json()) as {
      accounts: { appId: string; kind: string }[];
    };
    const miniProgram = summary.accounts.find((a) => a.kind === "miniprogram");
    if (!miniProgram) throw new Error("the sandbox has no demo mini program");

    // Connecting an account through a token URL reads one token from it before answering.
    const tokens = await heldTokenServer();
    const inFlight = fetch(`${url}/api/v1/accounts`, {
      method: "POST",
      headers: { ...session, "content-type": "application/json" },
      body: JSON.stringify({ appId: miniProgram.appId, tokenUrl: tokens.url, kind: "miniprogram" }),
    });
    await tokens.requestArrived;

    server.child.kill("SIGTERM");
    await server.waitFor("shutting down: finishing requests and running jobs");
    // Shutting down, and still waiting for the request the token server holds.
    expect(server.child.exitCode).toBeNull();
    tokens.release({ access_token: "held-token-1", expires_in: 7200 });

    const answer = await inFlight;
    expect(answer.status).toBe(201);
    // The connection ends with the answer: a client's keep-alive connection cannot hold the exit.
    expect(answer.headers.get("connection")).toBe("close");
    expect(await answer.json()).toMatchObject({ appId: miniProgram.appId, connection: "external" });
    expect(await server.exited).toBe(0);
    expect(server.child.signalCode).toBeNull();
  });
});
