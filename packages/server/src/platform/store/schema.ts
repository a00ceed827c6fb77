import type { Generated } from "kysely";

/**
 * The tables, as Kysely sees them. Portable types only: text ids (UUIDv7), integer epoch-ms
 * timestamps, JSON as text, booleans as 0/1 integers.
 *
 * The platform declares its own table here (the job queue's); each domain module adds its tables
 * by augmenting this interface from its own `tables.ts` or `repository.ts`:
 *
 * ```ts
 * declare module "../platform/store/schema.js" {
 *   interface Database { accounts: AccountsTable }
 * }
 * ```
 */
export interface Database {
  /** The job queue's table (`platform/queue.ts`). */
  jobs: JobsTable;
}

export type JobStatus = "pending" | "running" | "done" | "failed";

export interface JobsTable {
  id: string;
  queue: string;
  /** JSON. */
  payload: string;
  run_at: number;
  attempts: Generated<number>;
  max_attempts: number;
  status: JobStatus;
  /** While running: after this time the job is considered abandoned and is taken again. */
  locked_until: number | null;
  last_error: string | null;
  /** Unique while the job is pending or running; cleared when it finishes. */
  dedupe_key: string | null;
  created_at: number;
  updated_at: number;
}
