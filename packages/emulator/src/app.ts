import type { AddressInfo } from "node:net";
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from "fastify";
import { apisModule } from "./apis/index.js";
import type { Clock } from "./clock.js";
import { componentModule } from "./component/index.js";
import { announceCalls, type EmulatorControl } from "./control/control.js";
import { controlModule } from "./control/routes.js";
import { createEmulatorCore, type EmulatorCore, type EmulatorCoreOptions } from "./core.js";
import { followerModule } from "./follower/index.js";
import { acceptRawBodies, BODY_LIMIT } from "./http/body.js";
import type { BaseUrls, EmulatorContext, EmulatorModule, EmulatorServices } from "./http/context.js";
import { CONTROL_PREFIX } from "./http/control-route.js";
import { wechatPath } from "./http/request-state.js";
import { wxError } from "./http/wx-error.js";
import { pushModule } from "./push/index.js";
import { tokenModule } from "./tokens/routes.js";
import type { World } from "./world/world.js";

/**
 * THE registration list: every emulator module, in registration order. A folder
 * (component/, push/, follower/, apis/) exports an {@link EmulatorModule} and adds one entry
 * here (plus its import above). Modules that `use()` another's service only do so at request
 * or task time, so the order matters only for route conflicts.
 */
const modules: EmulatorModule[] = [
  tokenModule,
  controlModule,
  apisModule,
  pushModule,
  componentModule,
  followerModule,
];

export interface EmulatorPluginOptions extends EmulatorCoreOptions {
  /** An existing core (from {@link createEmulatorCore}); otherwise one is built from the options. */
  core?: EmulatorCore;
  /** Modules added after the built-in list (embedders' own routes, test probes). */
  extraModules?: EmulatorModule[];
  /** Called once the emulator is mounted, with its handle (world, control…). */
  onReady?: (core: EmulatorCore) => void;
}

/** Builds the module context for one mounted instance. */
function contextFor(app: FastifyInstance, core: EmulatorCore): EmulatorContext {
  const services: Partial<EmulatorServices> = {};
  return {
    world: core.world,
    clock: core.clock,
    ids: core.ids,
    tokens: core.tokens,
    errmsg: core.errmsg,
    scheduler: core.scheduler,
    quota: core.quota,
    faults: core.faults,
    log: app.log,
    options: core.options,
    control: core.control,
    extendControl: (name, methods) => {
      if (Object.hasOwn(core.control, name)) throw new Error(`control.${String(name)} is already defined`);
      Object.defineProperty(core.control, name, {
        value: announceCalls(methods, () => core.world.markChanged()),
        enumerable: true,
      });
    },
    provide: (name, service) => {
      if (services[name] !== undefined) throw new Error(`service ${String(name)} is already provided`);
      services[name] = service;
    },
    use: (name) => {
      const service = services[name];
      if (service === undefined) throw new Error(`service ${String(name)} is not provided by any module`);
      return service;
    },
    onClose: (fn) => {
      core.closeHooks.push(fn);
    },
    baseUrls: () => core.baseUrls(),
  };
}

/**
 * The emulator as a Fastify plugin: mount it in another app (e.g. wxgate under `/sandbox`,
 * `app.register(emulatorPlugin, { prefix: "/sandbox", … })`). Give the same `prefix` in the
 * options so paths in the request log and base URLs come out right. It does not listen; the
 * host app's origin is set with `core.setOrigin(origin)` once known.
 */
export const emulatorPlugin: FastifyPluginAsync<EmulatorPluginOptions> = async (app, options) => {
  const core = options.core ?? (await createEmulatorCore(options));
  const runtime = {
    world: core.world,
    clock: core.clock,
    ids: core.ids,
    tokens: core.tokens,
    errmsg: core.errmsg,
  };
  const prefix = core.options.prefix;
  acceptRawBodies(app);

  app.addHook("onRequest", async (request) => {
    const path = wechatPath(request.url, prefix);
    request.wx = {
      startedAt: performance.now(),
      path,
      appid: undefined,
      errcode: 0,
      rid: undefined,
      control: path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`),
      runtime,
    };
  });

  app.addHook("onResponse", async (request, reply) => {
    const state = request.wx;
    if (!state) return;
    if (state.control) {
      // Control reads change nothing; a write counts here too, should a route bypass the control methods.
      if (request.method !== "GET" && request.method !== "HEAD") core.world.markChanged();
      return;
    }
    core.world.recordRequest({
      time: core.clock.now(),
      method: request.method,
      path: state.path,
      ...(state.appid !== undefined ? { appid: state.appid } : {}),
      errcode: state.errcode,
      ...(state.rid !== undefined ? { rid: state.rid } : {}),
      status: reply.statusCode,
      latencyMs: Math.round((performance.now() - state.startedAt) * 100) / 100,
    });
    // Every WeChat-path call changes the world, if only its request log.
    core.world.markChanged();
  });

  // WeChat answers unknown paths with HTTP 404; the body keeps WeChat's error shape so
  // JSON-parsing clients get errcode -1 and a rid instead of a parse failure.
  app.setNotFoundHandler(async (request, reply) => {
    if (request.wx?.control) return reply.code(404).send({ error: "unknown control path" });
    wxError(reply, -1, {}, { status: 404 });
    return reply;
  });

  const ctx = contextFor(app, core);
  for (const module of [...modules, ...(options.extraModules ?? [])]) await module.register(app, ctx);
  options.onReady?.(core);
};
// Keep the plugin's own hooks and parsers inside its encapsulation context.

/** What {@link createEmulator} returns. */
export interface RunningEmulator {
  baseUrls: BaseUrls;
  control: EmulatorControl;
  world: World;
  clock: Clock;
  core: EmulatorCore;
  app: FastifyInstance;
  /** Stops timers, saves the snapshot (when configured) and closes the server. */
  close(): Promise<void>;
}

export interface CreateEmulatorOptions extends EmulatorCoreOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Fastify request logging (default off). */
  logger?: boolean;
  /** Modules added after the built-in list (embedders' own routes, test probes). */
  extraModules?: EmulatorModule[];
}

/** Starts a standalone emulator listening on `host:port` (127.0.0.1, a free port by default). */
export async function createEmulator(options: CreateEmulatorOptions = {}): Promise<RunningEmulator> {
  const core = await createEmulatorCore(options);
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: BODY_LIMIT });
  await app.register(emulatorPlugin, {
    core,
    prefix: core.options.prefix,
    ...(options.extraModules ? { extraModules: options.extraModules } : {}),
  });
  await app.listen({ host: options.host ?? "127.0.0.1", port: options.port ?? 0 });
  const address = app.server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  core.setOrigin(`http://${host}:${address.port}`);
  let closed = false;
  return {
    baseUrls: core.baseUrls(),
    control: core.control,
    world: core.world,
    clock: core.clock,
    core,
    app,
    close: async () => {
      if (closed) return;
      closed = true;
      await closeCore(core);
      await app.close();
    },
  };
}

/** Runs the modules' close hooks, stops the scheduler and writes the snapshot's last changes. */
export async function closeCore(core: EmulatorCore): Promise<void> {
  for (const hook of core.closeHooks.splice(0)) await hook();
  core.scheduler.stop();
  await core.snapshots?.close();
}
