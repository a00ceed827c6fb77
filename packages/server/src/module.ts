import type { FastifyPluginAsync } from "fastify";
import type { Kysely } from "kysely";
import type { ApiRequestObserver, ConfirmationPolicy } from "./http/observer.js";
import type { Route } from "./http/route.js";
import type { EventBus } from "./platform/bus.js";
import type { Config } from "./platform/config.js";
import type { Logger } from "./platform/logger.js";
import type { ModulePolicy } from "./platform/policy.js";
import type { Clock, Lock, ModuleJob, Queue } from "./platform/ports.js";
import type { SecretBox } from "./platform/secrets.js";
import type { ModuleServices } from "./platform/services.js";
import type { Database } from "./platform/store/schema.js";
import type { Dialect } from "./platform/store/store.js";
import type { WeChatConnection } from "./platform/wechat.js";

/**
 * What a domain module is given: the ports, never their adapters. Built once by the CLI
 * (or a test) and handed to every module factory, each called once, in the registry's order.
 */
export interface ModuleContext {
  config: Config;
  logger: Logger;
  db: Kysely<Database>;
  dialect: Dialect;
  clock: Clock;
  secrets: SecretBox;
  queue: Queue;
  lock: Lock;
  /** WeChat's hosts, the third-party platform and clients whose calls go to the call log. */
  wechat: WeChatConnection;
  /** Announcements between modules that do not know each other (an account changed, went away). */
  bus: EventBus;
  /** Offers a service to the modules listed after this one (declared in `ModuleServices`). */
  provide<K extends keyof ModuleServices>(name: K, service: ModuleServices[K]): void;
  /**
   * A service a module listed earlier provided. Call it while the factory runs: a module
   * listed before its provider then fails the start with an error naming both.
   */
  use<K extends keyof ModuleServices>(name: K): ModuleServices[K];
}

/**
 * A domain module as the server mounts it. Its tables come from its own migrations (its
 * `migrations/` folder, exported from its `index.ts` and listed in `migrationSources` in
 * `registry.ts`); everything else is declared here.
 */
export interface DomainModule {
  /** Short name, also the default OpenAPI tag. */
  name: string;
  /** API routes under `/api/v1`, made with `defineRoute`. */
  routes?: readonly Route[];
  /**
   * The actions its routes take, with the API-key scopes that grant them (its `policy.ts`). A
   * route's action must be declared by a mounted module's policy.
   */
  policies?: readonly ModulePolicy[];
  /**
   * HTTP surfaces outside the JSON API (e.g. WeChat's XML callbacks), registered at the root
   * in their own encapsulated scope — they may add content-type parsers and hooks freely.
   */
  plugin?: FastifyPluginAsync;
  /**
   * Handlers of the module's job queues, made with `defineJob`; each queue's payload type is
   * declared in `JobPayloads` (platform/ports.ts) by the module.
   */
  jobs?: readonly ModuleJob[];
  /** In-process workers that run while the server's worker does (started and stopped with it). */
  workers?: readonly ModuleWorker[];
  /** Told of every changing API request once it is answered (the audit log keeps them). */
  requestObservers?: readonly ApiRequestObserver[];
  /**
   * Waives the fresh confirmation of risk operations on the accounts whose risk protection is
   * off (one module at most declares it: the risk module).
   */
  confirmationPolicy?: ConfirmationPolicy;
}

/**
 * Background work of a module that is not a queued job: it keeps its own state in its own
 * tables (the webhook delivery queue), is woken by the module when work arrives, and is
 * started and stopped with the job queue's worker.
 */
export interface ModuleWorker {
  /** For logs. */
  readonly name: string;
  start(): void;
  /** Stops taking work and waits for the work in progress. */
  stop(): Promise<void>;
  /**
   * Does what is due now, to the end, and returns how many items it handled: how a server
   * whose worker is not started (a test, on a manual clock) is driven.
   */
  runDue(): Promise<number>;
}

/** Builds a module from the shared context. */
export type ModuleFactory = (context: ModuleContext) => DomainModule;
