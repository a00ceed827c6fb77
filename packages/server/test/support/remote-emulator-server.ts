// wxgate as `wxgate start` runs it in sandbox mode — every module of the registry, its worker,
// its store on disk — but talking to an emulated WeChat that runs in another process (the
// test's), so the emulator's state outlives a SIGKILL of this one. Configured by the
// environment: WXGATE_* as usual, REMOTE_EMULATOR_URL and REMOTE_EMULATOR_PLATFORM (the
// emulated platform's credentials as JSON). Prints `API_KEY <key>` on the first start (a new
// store) and `READY <url>` once it listens with its worker running.
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/platform/logger.js";
import type { SandboxPlatform } from "../../src/platform/wechat.js";
import { createServer } from "../../src/server.js";

const origin = process.env.REMOTE_EMULATOR_URL ?? "";
const platform = JSON.parse(process.env.REMOTE_EMULATOR_PLATFORM ?? "{}") as SandboxPlatform;
const config = loadConfig({ env: process.env });
const logger = createLogger({ level: config.logLevel });
const server = await createServer({ config, logger });
await server.app.listen({ host: config.host, port: config.port });
const url = `http://${config.host}:${config.port}`;
server.context.wechat.attachSandbox(
  {
    baseUrls: () => ({ api: origin, mp: origin, open: origin }),
    world: {
      state: { extensions: {}, platforms: { [platform.componentAppId]: platform } },
      platform: (id) => (id === platform.componentAppId ? platform : undefined),
    },
  },
  url,
);
const anyone = await server.store.db.selectFrom("users").select("id").executeTakeFirst();
if (!anyone) {
  const { user } = await server.auth.createAdmin({ username: "admin", password: "correct horse battery" });
  const { key } = await server.auth.createApiKey(
    { userId: user.id, name: user.username },
    { name: "crash test", scopes: ["admin"] },
  );
  process.stdout.write(`API_KEY ${key}\n`);
}
server.startWorker();
process.stdout.write(`READY ${url}\n`);
