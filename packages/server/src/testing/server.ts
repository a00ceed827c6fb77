import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import type { ModuleFactory } from "../module.js";
import { ManualClock } from "../platform/clock.js";
import { loadConfig } from "../platform/config.js";
import { createLogger } from "../platform/logger.js";
import { createServer, type Server } from "../server.js";

/** A server for module tests: real SQLite in a temp folder, a manual clock, captured logs. */
export interface TestServer extends Server {
  clock: ManualClock;
  /** Every log line written so far. */
  logLines: string[];
  dataDir: string;
  /** Closes the server and removes its folder. */
  dispose(): Promise<void>;
}

/** Builds a {@link TestServer}; `env` adds WXGATE_* settings. */
export async function createTestServer(
  options: { modules?: readonly ModuleFactory[]; env?: Record<string, string> } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "wxgate-test-"));
  const config = loadConfig({ env: { WXGATE_DATA_DIR: dataDir, WXGATE_LOG_LEVEL: "debug", ...options.env } });
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const clock = new ManualClock(Date.UTC(2025, 5, 1));
  const server = await createServer({
    config,
    logger: createLogger({ level: config.logLevel, destination }),
    clock,
    modules: options.modules ?? [],
    scryptCost: { N: 2 ** 10, r: 8, p: 1 },
  });
  return {
    ...server,
    clock,
    logLines,
    dataDir,
    async dispose() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
