import { foundation } from "./0001_foundation.js";
import { jobClaims } from "./0008_job_claims.js";
import type { PortableMigration } from "./portable.js";

export { assembleMigrations, type MigrationSource, type PortableMigration } from "./portable.js";

/**
 * The platform's own migrations (the job queue's table), in name order. Each domain module
 * keeps its migrations in its own `migrations/` folder; `src/registry.ts` assembles every
 * owner's into the one list the store runs. Released migrations are never edited.
 */
export const platformMigrations: readonly PortableMigration[] = [foundation, jobClaims];
