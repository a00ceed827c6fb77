import { accountsModule } from "./accounts/index.js";
import { homeModule } from "./home/index.js";
import type { ModuleFactory } from "./module.js";

/**
 * The domain modules the server mounts, in order (auth is always first and built by the
 * server itself). A new module adds its factory here — e.g. `accountsModule` from
 * `./accounts/index.js` — and its migration to `platform/store/migrations/index.ts`.
 */
export const moduleFactories: readonly ModuleFactory[] = [accountsModule, homeModule];
