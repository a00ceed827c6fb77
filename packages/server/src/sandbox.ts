import { join } from "node:path";
import { closeCore, type Clock as EmulatorClock, type EmulatorCore, emulatorPlugin } from "@wxgate/emulator";
import type { FastifyInstance } from "fastify";

/** Where the emulated WeChat is mounted in sandbox mode. */
export const SANDBOX_PREFIX = "/sandbox";

/** Called when the mounted emulator learns the origin it is reached at. */
export type SandboxListener = (core: EmulatorCore, origin: string) => void;

const listeners = new WeakMap<FastifyInstance, SandboxListener[]>();

/**
 * Runs `listener` each time the sandbox mounted on `app` is given its origin — how the server's
 * WeChat connection learns the emulator's hosts and platform without the caller wiring it.
 */
export function onSandboxReady(app: FastifyInstance, listener: SandboxListener): void {
  listeners.set(app, [...(listeners.get(app) ?? []), listener]);
}

/** The mounted emulator: tell it its origin once listening. It closes with the app. */
export interface MountedSandbox {
  core: EmulatorCore;
  setOrigin(origin: string): void;
}

/**
 * Mounts the WeChat emulator under `/sandbox` in the same process and port, with the demo
 * world (a third-party platform, accounts, followers). Its state is kept in
 * DATA_DIR/sandbox.json, written within a second of each change (atomically, mode 0600: it
 * holds the demo AppSecrets) and on shutdown, so the demo survives restarts and crashes alike:
 * a server killed mid-way still finds the ticket and authorizations it holds known to WeChat.
 */
export async function mountSandbox(
  app: FastifyInstance,
  options: { seed: string; dataDir: string; clock?: EmulatorClock; snapshot?: boolean },
): Promise<MountedSandbox> {
  let mounted: EmulatorCore | undefined;
  await app.register(emulatorPlugin, {
    prefix: SANDBOX_PREFIX,
    seed: options.seed,
    preset: "demo",
    ...(options.snapshot === false ? {} : { snapshotFile: join(options.dataDir, "sandbox.json") }),
    ...(options.clock ? { clock: options.clock } : {}),
    onReady: (core) => {
      mounted = core;
    },
  });
  await app.after();
  if (!mounted) throw new Error("the sandbox emulator did not start");
  const core = mounted;
  // Writes the sandbox world's last changes when the server shuts down.
  app.addHook("onClose", async () => {
    await closeCore(core);
  });
  return {
    core,
    setOrigin: (origin) => {
      core.setOrigin(origin);
      for (const listener of listeners.get(app) ?? []) listener(core, origin);
    },
  };
}
