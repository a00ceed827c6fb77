import type { Kysely } from "kysely";

/**
 * A migration written once for both engines: only the portable types (text, integer,
 * bigint), no engine-specific SQL. Names sort in the order they must run.
 */
export interface PortableMigration {
  /** `NNNN_what`, e.g. `0002_accounts`. Never renamed once released. */
  name: string;
  up(db: Kysely<unknown>): Promise<void>;
  down?(db: Kysely<unknown>): Promise<void>;
}
