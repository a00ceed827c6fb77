import { CompiledQuery, type Kysely, type Selectable } from "kysely";
import type { Database } from "../platform/store/schema.js";
import type { Dialect } from "../platform/store/store.js";
import type { AutomationHitsTable, AutomationRulesTable } from "./tables.js";

export type RuleRow = Selectable<AutomationRulesTable>;
export type HitRow = Selectable<AutomationHitsTable>;

/**
 * Rows per hit insert, largest first: a batch is written in pieces of these sizes (255 hits:
 * 128 + 64 + … + 1), so nine statements, each prepared once, serve every batch size.
 */
const HIT_PIECES = [256, 128, 64, 32, 16, 8, 4, 2, 1] as const;
const hitStatements = new Map<string, string>();

/**
 * The insert of `rows` hits, written once per size and dialect: compiling it with the query
 * builder cost the gateway more CPU per push than SQLite took to store the row.
 */
function hitInsert(dialect: Dialect, rows: number): string {
  const key = `${dialect}:${rows}`;
  let text = hitStatements.get(key);
  if (text === undefined) {
    const tuples: string[] = [];
    for (let r = 0; r < rows; r++) {
      const cells = Array.from({ length: 6 }, (_, c) => (dialect === "postgres" ? `$${r * 6 + c + 1}` : "?"));
      tuples.push(`(${cells.join(",")})`);
    }
    text = `insert into "automation_hits" ("event_id","appid","rule_id","openid","follow_ups","at") values ${tuples.join(",")} on conflict ("event_id") do nothing`;
    hitStatements.set(key, text);
  }
  return text;
}

/** The only code touching `automation_rules` and `automation_hits`. */
export class AutomationRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

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
    if (hits.length === 0) return;
    const write = async (db: Kysely<Database>) => {
      let from = 0;
      for (const size of HIT_PIECES) {
        while (hits.length - from >= size) {
          const params: unknown[] = new Array(size * 6);
          for (let r = 0; r < size; r++) {
            const hit = hits[from + r]!;
            params[r * 6] = hit.event_id;
            params[r * 6 + 1] = hit.appid;
            params[r * 6 + 2] = hit.rule_id;
            params[r * 6 + 3] = hit.openid;
            params[r * 6 + 4] = hit.follow_ups;
            params[r * 6 + 5] = hit.at;
          }
          await db.executeQuery(CompiledQuery.raw(hitInsert(this.dialect, size), params));
          from += size;
        }
      }
    };
    // A batch of one piece (a full one, under load) is one statement; others commit once.
    if ((HIT_PIECES as readonly number[]).includes(hits.length)) await write(this.db);
    else await this.db.transaction().execute(write);
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
