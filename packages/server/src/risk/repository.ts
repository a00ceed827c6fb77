import type { Kysely, Selectable } from "kysely";
import type { Database } from "../platform/store/schema.js";
import type { RiskSettingsTable } from "./tables.js";

export type RiskSettingsRow = Selectable<RiskSettingsTable>;

/** The only code touching `risk_settings`, `risk_signals` and `sign_in_ranges`. */
export class RiskRepository {
  constructor(private readonly db: Kysely<Database>) {}

  findSettings(appId: string): Promise<RiskSettingsRow | undefined> {
    return this.db.selectFrom("risk_settings").selectAll().where("appid", "=", appId).executeTakeFirst();
  }

  async saveSettings(row: RiskSettingsRow): Promise<void> {
    await this.db
      .insertInto("risk_settings")
      .values(row)
      .onConflict((oc) =>
        oc.column("appid").doUpdateSet({
          protection: row.protection,
          alerts: row.alerts,
          updated_at: row.updated_at,
          updated_by: row.updated_by,
        }),
      )
      .execute();
  }

  /** Records one signal and counts the subject's signals of its kind since `since` (it included). */
  async signal(
    signal: { id: string; kind: string; subject: string; at: number },
    since: number,
  ): Promise<number> {
    await this.db.insertInto("risk_signals").values(signal).execute();
    const row = await this.db
      .selectFrom("risk_signals")
      .select((eb) => eb.fn.countAll<string | number>().as("count"))
      .where("kind", "=", signal.kind)
      .where("subject", "=", signal.subject)
      .where("at", ">", since)
      .executeTakeFirst();
    return Number(row?.count ?? 0);
  }

  async purgeSignals(before: number): Promise<number> {
    const result = await this.db.deleteFrom("risk_signals").where("at", "<", before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * Notes a sign-in from `range`; answers whether the user had signed in before from somewhere
   * else only (a new range for a user with a history).
   */
  async noteRange(userId: string, range: string, at: number): Promise<{ known: boolean; history: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      const ranges = await trx
        .selectFrom("sign_in_ranges")
        .select("range")
        .where("user_id", "=", userId)
        .execute();
      const known = ranges.some((r) => r.range === range);
      if (known) {
        await trx
          .updateTable("sign_in_ranges")
          .set({ last_seen_at: at })
          .where("user_id", "=", userId)
          .where("range", "=", range)
          .execute();
      } else {
        await trx
          .insertInto("sign_in_ranges")
          .values({ user_id: userId, range, first_seen_at: at, last_seen_at: at })
          .onConflict((oc) => oc.columns(["user_id", "range"]).doUpdateSet({ last_seen_at: at }))
          .execute();
      }
      return { known, history: ranges.length > 0 };
    });
  }

  async purgeAccount(appId: string): Promise<number> {
    const result = await this.db.deleteFrom("risk_settings").where("appid", "=", appId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
