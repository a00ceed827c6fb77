import type { FastifyInstance } from "fastify";
import { type AuthService, createAuth, type ScryptCost } from "./auth/index.js";
import { buildApp } from "./http/app.js";
import type { DomainModule, ModuleContext, ModuleFactory, ModuleWorker } from "./module.js";
import { EventBus } from "./platform/bus.js";
import { systemClock } from "./platform/clock.js";
import type { Config } from "./platform/config.js";
import { InProcessLock } from "./platform/lock.js";
import type { Logger } from "./platform/logger.js";
import type { Clock, JobPayloads } from "./platform/ports.js";
import { tightenPrivateDir } from "./platform/private-files.js";
import { SqlQueue } from "./platform/queue.js";
import { MemoryRateLimitStore } from "./platform/rate-limit.js";
import { loadMasterKey, type MasterKeySource, SecretBox } from "./platform/secrets.js";
import { ServiceRegistry } from "./platform/services.js";
import { migrateToLatest } from "./platform/store/migrate.js";
import { openStore, type Store } from "./platform/store/store.js";
import { WeChatConnection } from "./platform/wechat.js";
import { migrations, moduleFactories } from "./registry.js";
import { onSandboxReady } from "./sandbox.js";

/** Options of {@link createServer}. */
export interface CreateServerOptions {
  config: Config;
  logger: Logger;
  clock?: Clock;
  /** Domain modules to mount after auth; the registry's list by default. */
  modules?: readonly ModuleFactory[];
  /** Lower in tests only. */
  scryptCost?: ScryptCost;
}

/** A wired server: ready to listen, or to be driven with `app.inject` in tests. */
export interface Server {
  app: FastifyInstance;
  store: Store;
  context: ModuleContext;
  auth: AuthService;
  modules: readonly DomainModule[];
  queue: SqlQueue<JobPayloads>;
  /** The modules' own workers (the webhook deliveries), started and stopped with the queue's. */
  workers: readonly ModuleWorker[];
  masterKeySource: MasterKeySource;
  migrationsApplied: string[];
  /** Starts the job worker and the modules' workers. */
  startWorker(): void;
  /**
   * Stops the HTTP server, the workers (waiting for running jobs and deliveries in flight) and
   * the store, in that order.
   */
  close(): Promise<void>;
}

/**
 * Calls each factory once, in the list's order: a module that uses a service no module before
 * it provided stops the start here (see {@link ServiceRegistry.use}).
 */
export function buildModules(
  factories: readonly ModuleFactory[],
  context: ModuleContext,
  services: ServiceRegistry,
): DomainModule[] {
  return factories.map((factory, index) => {
    services.building(`the module ${factory.name || `#${index + 1}`} (number ${index + 1} in the list)`);
    const module = factory(context);
    services.building(`the module "${module.name}"`);
    return module;
  });
}

/**
 * The composition root: opens the store and migrates it, builds the ports, the modules and
 * the HTTP app. Nothing listens yet.
 */
export async function createServer(options: CreateServerOptions): Promise<Server> {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  tightenPrivateDir(config.dataDir, logger);
  const masterKey = loadMasterKey({ masterKey: config.masterKey, dataDir: config.dataDir });
  const store = await openStore(config.databaseUrl, { logger });
  try {
    const { applied } = await migrateToLatest(store.db, migrations);
    if (applied.length > 0) logger.info({ migrations: applied }, "database migrated");
    const queue = new SqlQueue<JobPayloads>({
      db: store.db,
      clock,
      logger: logger.child({ component: "queue" }),
      lockMs: config.jobs.claimTimeoutSeconds * 1000,
      retentionMs: config.jobs.retentionHours * 60 * 60_000,
      dialect: store.dialect,
    });
    const services = new ServiceRegistry();
    const context: ModuleContext = {
      config,
      logger,
      db: store.db,
      dialect: store.dialect,
      clock,
      secrets: new SecretBox(masterKey.key),
      queue,
      lock: new InProcessLock(),
      wechat: new WeChatConnection({ config, logger }),
      bus: new EventBus(),
      provide: (name, service) => services.provide(name, service),
      use: (name) => services.use(name),
    };
    services.building("auth");
    const auth = createAuth(context, options.scryptCost ? { scryptCost: options.scryptCost } : {});
    const modules = [auth.module, ...buildModules(options.modules ?? moduleFactories, context, services)];
    for (const module of modules) {
      for (const job of module.jobs ?? []) job.register(queue);
    }
    const workers = modules.flatMap((module) => module.workers ?? []);
    const app = await buildApp({
      logger,
      publicUrl: config.publicUrl,
      authenticator: auth.service,
      modules,
      rateLimitStore: new MemoryRateLimitStore({ clock }),
      healthCheck: () => store.ping(),
      secureCookies: config.publicUrl.startsWith("https:"),
    });
    // In sandbox mode, WeChat is the emulator mounted on this app, reachable once it listens.
    onSandboxReady(app, (core, origin) => context.wechat.attachSandbox(core, origin));
    let closed = false;
    return {
      app,
      store,
      context,
      auth: auth.service,
      modules,
      queue,
      workers,
      masterKeySource: masterKey.source,
      migrationsApplied: applied,
      startWorker: () => {
        queue.start();
        for (const worker of workers) worker.start();
      },
      async close() {
        if (closed) return;
        closed = true;
        await app.close();
        await queue.stop();
        for (const worker of workers) await worker.stop();
        // The WeChat call log writes in batches: the calls of the last jobs go in before the store closes.
        await context.wechat.flushCallLog();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
