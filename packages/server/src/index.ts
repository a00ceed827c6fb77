/**
 * wxgate — the server, as a library: embed it, or build tests on it.
 */

export {
  type AccountClients,
  type Accounts,
  accountsModule,
  createAccounts,
} from "./accounts/index.js";
export { AuthService } from "./auth/index.js";
export {
  type CallbackAccounts,
  type Callbacks,
  type CallbacksOptions,
  callbacksModule,
  createCallbacks,
  type ReplyProvider,
} from "./callbacks/index.js";
export { type Config, ConfigError, loadConfig } from "./config.js";
export { type AppDeps, buildApp } from "./http/app.js";
export { buildOpenApiDocument } from "./http/openapi.js";
export {
  type Authenticator,
  actorOf,
  hasScope,
  type Principal,
  type Scope,
  scopes,
} from "./http/principal.js";
export {
  type Access,
  defineRoute,
  type Route,
  type RouteContext,
  type RouteSpec,
} from "./http/route.js";
export type { DomainModule, ModuleContext, ModuleFactory } from "./module.js";
export { type BusTopics, EventBus } from "./platform/bus.js";
export { ManualClock, systemClock } from "./platform/clock.js";
export { type ErrorCode, errors, PlatformError } from "./platform/errors.js";
export { newId } from "./platform/ids.js";
export { createLogger, type Logger } from "./platform/logger.js";
export {
  type Ability,
  type AccountReach,
  type Action,
  ActionCatalog,
  type ActionSpec,
  type Actor,
  actorLabel,
  definePolicy,
  type ModulePolicy,
  outOfReach,
  type Role,
  reachedAppIds,
  reaches,
  requireReach,
} from "./platform/policy.js";
export type { Cache, Clock, EnqueueOptions, Job, JobHandler, Lock, Queue } from "./platform/ports.js";
export { SecretBox, safeEqual } from "./platform/secrets.js";
export { type ModuleServices, ServiceOrderError } from "./platform/services.js";
export { migrateToLatest } from "./platform/store/migrate.js";
export {
  assembleMigrations,
  type MigrationSource,
  type PortableMigration,
} from "./platform/store/migrations/index.js";
export type { Database } from "./platform/store/schema.js";
export { openStore, type Store } from "./platform/store/store.js";
export { migrationSources, migrations, moduleFactories } from "./registry.js";
export { createServer, type Server } from "./server.js";
export { tokensModule } from "./tokens/index.js";
export { VERSION } from "./version.js";
export { webhooksModule } from "./webhooks/index.js";
