import type { Kysely } from "kysely";
import type { PortableMigration } from "./portable.js";

/**
 * The queue's claims walk an index in their own order and stop after a batch: pending jobs by
 * (status, run_at, id), lapsed claims by (status, locked_until, id). Pruning finds finished
 * jobs by (status, updated_at). The (status, run_at) index they replace left the claim to sort
 * every due job to take four.
 */
export const jobClaims: PortableMigration = {
  name: "0008_job_claims",
  async up(db: Kysely<unknown>) {
    await db.schema.dropIndex("jobs_due").execute();
    await db.schema.createIndex("jobs_pending").on("jobs").columns(["status", "run_at", "id"]).execute();
    await db.schema
      .createIndex("jobs_claimed")
      .on("jobs")
      .columns(["status", "locked_until", "id"])
      .execute();
    await db.schema.createIndex("jobs_finished").on("jobs").columns(["status", "updated_at"]).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex("jobs_finished").execute();
    await db.schema.dropIndex("jobs_claimed").execute();
    await db.schema.dropIndex("jobs_pending").execute();
    await db.schema.createIndex("jobs_due").on("jobs").columns(["status", "run_at"]).execute();
  },
};
