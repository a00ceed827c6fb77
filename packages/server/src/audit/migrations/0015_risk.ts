import type { Kysely } from "kysely";
import type { PortableMigration } from "../../platform/store/migrations/portable.js";

/** The audit module's part of step 0015_risk: entries of risk operations are marked. */
export const auditRisk: PortableMigration = {
  name: "0015_risk",
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable("audit_entries")
      .addColumn("risk", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable("audit_entries").dropColumn("risk").execute();
  },
};
