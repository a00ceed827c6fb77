import { accountsModule } from "./accounts/index.js";
import { auditModule } from "./audit/index.js";
import { callbacksModule } from "./callbacks/index.js";
import { homeModule } from "./home/index.js";
import type { ModuleFactory } from "./module.js";
import { tokensModule } from "./tokens/index.js";
import { webhooksModule } from "./webhooks/index.js";

/**
 * The domain modules the server mounts (auth is always first and built by the server itself).
 * Each factory is called once, in this order: a module uses services only of modules listed
 * before it (tokens ← accounts ← callbacks ← webhooks), which the start checks. The audit log is last:
 * it observes every module's changing requests at the edge and needs no one's service. A new module
 * adds its factory here and its migration to `platform/store/migrations/index.ts`.
 */
export const moduleFactories: readonly ModuleFactory[] = [
  tokensModule,
  accountsModule,
  callbacksModule(),
  webhooksModule(),
  homeModule,
  auditModule(),
];
