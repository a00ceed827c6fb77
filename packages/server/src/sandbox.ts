import { join } from "node:path";
import { closeCore, type EmulatorCore, emulatorPlugin } from "@wxgate/emulator";
import type { FastifyInstance } from "fastify";

/** Where the emulated WeChat is mounted in sandbox mode. */
export const SANDBOX_PREFIX = "/sandbox";

/** The mounted emulator: tell it its origin once listening. It closes with the app. */
export interface MountedSandbox {
  core: EmulatorCore;
  setOrigin(origin: string): void;
}

/**
 * Mounts the WeChat emulator under `/sandbox` in the same process and port, with the demo
 * world (a third-party platform, accounts, followers). Its state is kept in
 * DATA_DIR/sandbox.json so the demo survives restarts.
 */
export async function mountSandbox(
  app: FastifyInstance,
  options: { seed: string; dataDir: string },
): Promise<MountedSandbox> {
  let mounted: EmulatorCore | undefined;
  await app.register(emulatorPlugin, {
    prefix: SANDBOX_PREFIX,
    seed: options.seed,
    preset: "demo",
    snapshotFile: join(options.dataDir, "sandbox.json"),
    onReady: (core) => {
      mounted = core;
    },
  });
  await app.after();
  if (!mounted) throw new Error("the sandbox emulator did not start");
  const core = mounted;
  // Saves the sandbox world when the server shuts down.
  app.addHook("onClose", async () => {
    await closeCore(core);
  });
  return { core, setOrigin: (origin) => core.setOrigin(origin) };
}
