import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { createLogger } from "../platform/logger.js";
import { mountSandbox } from "../sandbox.js";
import { createServer } from "../server.js";
import { renderBanner } from "./banner.js";
import { type ConfigOption, configOrExit, fail } from "./shared.js";

/** `wxgate start`: configure, migrate, mount, listen, and stop cleanly on SIGINT / SIGTERM. */
export async function startCommand(options: ConfigOption): Promise<void> {
  const startedAt = performance.now();
  const config = configOrExit(options);
  const logger = createLogger({ level: config.logLevel });
  let server: Awaited<ReturnType<typeof createServer>>;
  try {
    server = await createServer({ config, logger });
  } catch (error) {
    logger.fatal({ err: error }, "the server could not start");
    fail(error instanceof Error ? error.message : String(error));
  }
  // Installed before anything is printed: a signal may follow the banner at once.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      process.stderr.write("wxgate: stopping now, without waiting\n");
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, "shutting down: finishing requests and running jobs");
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  try {
    const sandbox =
      config.mode === "sandbox"
        ? await mountSandbox(server.app, { seed: config.sandboxSeed, dataDir: config.dataDir })
        : undefined;
    await server.queue.enqueue("auth.purge-sessions", {}, { dedupeKey: "auth.purge-sessions" });
    await server.app.listen({ host: config.host, port: config.port });
    // Only once the server listens: a first start that cannot (its port taken) must not make
    // the administrator whose password only the banner below would show.
    const firstAdmin = await server.auth.ensureFirstAdmin();
    const address = server.app.server.address() as AddressInfo;
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    const listenUrl = `http://${host === "0.0.0.0" || host === "[::]" ? "127.0.0.1" : host}:${address.port}`;
    // With port 0 the default public URL cannot know the port; the listening address can.
    const url = config.port === 0 && config.publicUrl.endsWith(":0") ? listenUrl : config.publicUrl;
    sandbox?.setOrigin(url);
    server.startWorker();
    const readyMs = Math.round(performance.now() - startedAt);
    logger.info({ url, mode: config.mode, readyMs }, "wxgate is ready");
    process.stdout.write(
      renderBanner({
        config,
        url,
        readyMs,
        sandbox: sandbox !== undefined,
        masterKeySource: server.masterKeySource,
        firstAdmin,
      }),
    );
  } catch (error) {
    logger.fatal({ err: error }, "the server could not start");
    await server.close().catch(() => {});
    fail(error instanceof Error ? error.message : String(error));
  }
}
