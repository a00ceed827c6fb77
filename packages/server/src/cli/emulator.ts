import { ControllableClock, createEmulator } from "@wxgate/emulator";
import { fail } from "./shared.js";

/** Options of `wxgate emulator`. */
export interface EmulatorCommandOptions {
  host: string;
  port: string;
  preset: string;
  seed?: string;
  snapshot?: string;
}

/** `wxgate emulator`: WeChat, offline, on its own port (for other clients and for tests). */
export async function emulatorCommand(options: EmulatorCommandOptions): Promise<void> {
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail("--port must be between 0 and 65535");
  if (options.preset !== "demo" && options.preset !== "empty") fail("--preset must be demo or empty");
  const emulator = await createEmulator({
    clock: new ControllableClock(),
    host: options.host,
    port,
    preset: options.preset,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.snapshot !== undefined ? { snapshotFile: options.snapshot } : {}),
  });
  const { baseUrls } = emulator;
  process.stdout.write(
    [
      "wxgate emulator — WeChat, offline",
      `  api.weixin.qq.com  → ${baseUrls.api}`,
      `  mp.weixin.qq.com   → ${baseUrls.mp}`,
      `  open.weixin.qq.com → ${baseUrls.open}`,
      `  control API        → ${baseUrls.control}`,
      `  seed               : ${emulator.core.ids.seed}`,
      "",
    ].join("\n"),
  );
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
