#!/usr/bin/env node
import { parseArgs } from "node:util";
import { createEmulator } from "./app.js";
import { ControllableClock } from "./clock.js";
import { DEMO_EXTENSION, type DemoIds } from "./world/demo.js";

const HELP = `Usage: wxgate-emulator [options]

WeChat's servers, offline: the APIs, the third-party platform and a control API.

Options:
  -p, --port <port>    port to listen on, 0 = any free port (default 4100)
  -H, --host <host>    address to listen on (default 127.0.0.1)
  --preset <preset>    demo (a platform, three accounts, followers) or empty (default demo)
  --seed <seed>        seed for every generated id: same seed, same ids
  --snapshot <file>    load the world from this file and keep it there (saved after changes)
  --prefix <prefix>    serve everything under this path prefix
  --log                log every request
  -h, --help           show this help
`;

function fail(message: string): never {
  process.stderr.write(`wxgate-emulator: ${message}\n\n${HELP}`);
  process.exit(2);
}

function isDemoIds(value: unknown): value is DemoIds {
  return typeof value === "object" && value !== null && "serviceAppId" in value;
}

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    options: {
      port: { type: "string", short: "p", default: "4100" },
      host: { type: "string", short: "H", default: "127.0.0.1" },
      preset: { type: "string", default: "demo" },
      seed: { type: "string" },
      snapshot: { type: "string" },
      prefix: { type: "string", default: "" },
      log: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
}
try {
  parsed = parse();
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
const opts = parsed.values;
if (opts.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const portNumber = Number(opts.port);
if (!Number.isInteger(portNumber) || portNumber < 0 || portNumber > 65535) fail("--port must be 0–65535");
if (opts.preset !== "demo" && opts.preset !== "empty") fail("--preset must be demo or empty");
const presetName: "demo" | "empty" = opts.preset === "empty" ? "empty" : "demo";

const emulator = await createEmulator({
  clock: new ControllableClock(),
  port: portNumber,
  host: opts.host,
  preset: presetName,
  prefix: opts.prefix,
  logger: opts.log,
  ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
  ...(opts.snapshot !== undefined ? { snapshotFile: opts.snapshot } : {}),
});

const { baseUrls, world } = emulator;
const lines = [
  "wxgate emulator — WeChat, offline",
  `  api.weixin.qq.com  → ${baseUrls.api}`,
  `  mp.weixin.qq.com   → ${baseUrls.mp}`,
  `  open.weixin.qq.com → ${baseUrls.open}`,
  `  control API        → ${baseUrls.control}`,
  `  seed               : ${emulator.core.ids.seed}`,
];
const demo = world.state.extensions[DEMO_EXTENSION];
if (isDemoIds(demo)) {
  const platform = world.platform(demo.componentAppId);
  lines.push("", "Demo credentials (sandbox only):");
  if (platform) {
    lines.push(
      `  third-party platform  component_appid=${platform.componentAppId}  secret=${platform.secret}`,
      `                        token=${platform.token}  encodingAESKey=${platform.encodingAESKey}`,
    );
  }
  for (const [label, appId] of [
    ["verified service     ", demo.serviceAppId],
    ["subscription (unver.)", demo.subscriptionAppId],
    ["mini program         ", demo.miniProgramAppId],
  ] as const) {
    const account = world.account(appId);
    if (account) lines.push(`  ${label} appid=${account.appId}  secret=${account.secret}`);
  }
}
process.stdout.write(`${lines.join("\n")}\n`);

let closing = false;
async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  await emulator.close();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
