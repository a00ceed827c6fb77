import type { Kysely, Selectable } from "kysely";
import type { Database } from "../platform/store/schema.js";
import type { AutomationHitsTable, AutomationRulesTable } from "./tables.js";

export type RuleRow = Selectable<AutomationRulesTable>;
export type HitRow = Selectable<AutomationHitsTable>;

/** The only code touching `automation_rules` and `automation_hits`. */
export class AutomationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** An account's rules in the operator's order. */
  async rules(appId: string): Promise<RuleRow[]> {
    const rows = await this.db
      .selectFrom("automation_rules")
      .selectAll()
      .where("appid", "=", appId)
      .orderBy("position")
      .orderBy("id")
      .execute();
    return rows.map(normalize);
  }

  async rule(appId: string, id: string): Promise<RuleRow | undefined> {
    const row = await this.db
      .selectFrom("automation_rules")
      .selectAll()
      .where("appid", "=", appId)
      .where("id", "=", id)
      .executeTakeFirst();
    return row && normalize(row);
  }

  async count(appId: string): Promise<number> {
    const row = await this.db
      .selectFrom("automation_rules")
      .select((eb) => eb.fn.countAll<string | number>().as("n"))
      .where("appid", "=", appId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** The position after the account's last rule. */
  async nextPosition(appId: string): Promise<number> {
    const row = await this.db
      .selectFrom("automation_rules")
      .select((eb) => eb.fn.max("position").as("last"))
      .where("appid", "=", appId)
      .executeTakeFirst();
    return row?.last === null || row?.last === undefined ? 0 : Number(row.last) + 1;
  }

  async insert(rows: readonly RuleRow[]): Promise<void> {
    // Batches keep SQLite's bound-parameter limit (and PostgreSQL's) out of reach.
    for (let i = 0; i < rows.length; i += 500) {
      await this.db
        .insertInto("automation_rules")
        .values(rows.slice(i, i + 500))
        .execute();
    }
  }

  async update(row: RuleRow): Promise<void> {
    const { id, appid, created_at: _created, ...changes } = row;
    await this.db
      .updateTable("automation_rules")
      .set(changes)
      .where("appid", "=", appid)
      .where("id", "=", id)
      .execute();
  }

  async delete(appId: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom("automation_rules")
      .where("appid", "=", appId)
      .where("id", "=", id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Gives the listed rules positions 0, 1, … in one transaction. */
  async reorder(appId: string, ids: readonly string[], at: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const [position, id] of ids.entries()) {
        await trx
          .updateTable("automation_rules")
          .set({ position, updated_at: at })
          .where("appid", "=", appId)
          .where("id", "=", id)
          .execute();
      }
    });
  }

  /** Records hits; a push's hit recorded twice (a retry's) stays one. */
  async recordHits(hits: readonly HitRow[]): Promise<void> {
    for (let i = 0; i < hits.length; i += 500) {
      await this.db
        .insertInto("automation_hits")
        .values(hits.slice(i, i + 500))
        .onConflict((oc) => oc.column("event_id").doNothing())
        .execute();
    }
  }

  async hitOf(eventId: string): Promise<HitRow | undefined> {
    const row = await this.db
      .selectFrom("automation_hits")
      .selectAll()
      .where("event_id", "=", eventId)
      .executeTakeFirst();
    return row && { ...row, at: Number(row.at), follow_ups: Number(row.follow_ups) };
  }

  /** An account's most recent hits, newest first. */
  async recentHits(appId: string, limit: number): Promise<HitRow[]> {
    const rows = await this.db
      .selectFrom("automation_hits")
      .selectAll()
      .where("appid", "=", appId)
      .orderBy("at", "desc")
      .orderBy("event_id", "desc")
      .limit(limit)
      .execute();
    return rows.map((row) => ({ ...row, at: Number(row.at), follow_ups: Number(row.follow_ups) }));
  }

  async purgeAccount(appId: string): Promise<Record<string, number>> {
    return this.db.transaction().execute(async (trx) => {
      const hits = await trx.deleteFrom("automation_hits").where("appid", "=", appId).executeTakeFirst();
      const rules = await trx.deleteFrom("automation_rules").where("appid", "=", appId).executeTakeFirst();
      return {
        automation_hits: Number(hits.numDeletedRows),
        automation_rules: Number(rules.numDeletedRows),
      };
    });
  }
}

/** PostgreSQL returns bigint columns as strings. */
function normalize(row: RuleRow): RuleRow {
  return {
    ...row,
    priority: Number(row.priority),
    position: Number(row.position),
    enabled: Number(row.enabled),
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
  };
}
