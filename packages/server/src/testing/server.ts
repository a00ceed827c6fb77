import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { ControllableClock } from "@wxgate/emulator";
import { loadConfig } from "../config.js";
import type { ModuleFactory } from "../module.js";
import { ManualClock } from "../platform/clock.js";
import { createLogger } from "../platform/logger.js";
import { type MountedSandbox, mountSandbox } from "../sandbox.js";
import { createServer, type Server } from "../server.js";

/**
 * A manual clock that is also the mounted emulator's clock: moving one moves WeChat's time
 * too (and runs what fell due there, such as ticket pushes), so both sides agree on expiries
 * and push timestamps.
 */
class SharedManualClock extends ManualClock {
  constructor(readonly emulatorClock: ControllableClock) {
    super(emulatorClock.now());
  }
  override now(): number {
    return this.emulatorClock.now();
  }
  override advance(ms: number): void {
    if (ms < 0) throw new RangeError("a clock only moves forward");
    this.emulatorClock.advance(ms);
  }
  override set(epochMs: number): void {
    this.emulatorClock.set(epochMs);
  }
}

/** A server for module tests: real SQLite in a temp folder, a manual clock, captured logs. */
export interface TestServer extends Server {
  clock: ManualClock;
  /** Every log line written so far. */
  logLines: string[];
  dataDir: string;
  /** With `sandbox`: where the server listens (127.0.0.1, a free port). */
  url?: string;
  /** With `sandbox`: the WeChat emulator mounted under /sandbox, sharing {@link clock}. */
  sandbox?: MountedSandbox;
  /** Closes the server and removes its folder. */
  dispose(): Promise<void>;
}

/**
 * Builds a {@link TestServer}; `env` adds WXGATE_* settings. Sign-ins from new devices need no
 * second factor unless `env` sets WXGATE_NEW_DEVICE_VERIFICATION: the second factor has tests of
 * its own, every other test signs in with the password alone. `sandbox: true` mounts the WeChat
 * emulator (demo world, frozen clock shared with the server) and listens, as `wxgate start` does.
 */
export async function createTestServer(
  options: { modules?: readonly ModuleFactory[]; env?: Record<string, string>; sandbox?: boolean } = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "wxgate-test-"));
  const config = loadConfig({
    env: {
      WXGATE_DATA_DIR: dataDir,
      WXGATE_LOG_LEVEL: "debug",
      WXGATE_NEW_DEVICE_VERIFICATION: "false",
      ...options.env,
    },
  });
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const start = Date.UTC(2025, 5, 1);
  const clock = options.sandbox
    ? new SharedManualClock(new ControllableClock({ frozen: true, start }))
    : new ManualClock(start);
  const server = await createServer({
    config,
    logger: createLogger({ level: config.logLevel, destination }),
    clock,
    modules: options.modules ?? [],
    scryptCost: { N: 2 ** 10, r: 8, p: 1 },
  });
  // Nothing runs in the background of a test server: tests drive it with `queue.runDue()`,
  // which runs the modules' workers (the webhook deliveries) too, until neither finds work.
  const runJobs = server.queue.runDue.bind(server.queue);
  server.queue.runDue = async () => {
    let total = 0;
    for (;;) {
      let ran = await runJobs();
      for (const worker of server.workers) ran += await worker.runDue();
      if (ran === 0) return total;
      total += ran;
    }
  };
  let sandbox: MountedSandbox | undefined;
  let url: string | undefined;
  if (options.sandbox && clock instanceof SharedManualClock) {
    try {
      sandbox = await mountSandbox(server.app, {
        seed: "wxgate-test",
        dataDir,
        clock: clock.emulatorClock,
        snapshot: false,
      });
      await server.app.listen({ host: "127.0.0.1", port: 0 });
      url = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
      sandbox.setOrigin(url);
    } catch (error) {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }
  return {
    ...server,
    ...(url ? { url } : {}),
    ...(sandbox ? { sandbox } : {}),
    clock,
    logLines,
    dataDir,
    async dispose() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
