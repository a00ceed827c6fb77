import type { Kysely, Selectable } from "kysely";
import type { Database } from "../platform/store/schema.js";
import type { KfRoutingRulesTable } from "./tables.js";

export type RoutingRuleRow = Selectable<KfRoutingRulesTable>;

/** The routing rules table. Nothing here decides anything. */
export class CustomerServiceRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** An account's rules in the order they are tried. */
  rulesOf(appId: string): Promise<RoutingRuleRow[]> {
    return this.db
      .selectFrom("kf_routing_rules")
      .selectAll()
      .where("appid", "=", appId)
      .orderBy("position")
      .execute();
  }

  /** Replaces an account's rules with these, in one transaction. */
  async replaceRules(appId: string, rows: readonly RoutingRuleRow[]): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom("kf_routing_rules").where("appid", "=", appId).execute();
      if (rows.length > 0)
        await tx
          .insertInto("kf_routing_rules")
          .values([...rows])
          .execute();
    });
  }

  /** Rules that name an account that was deleted go with it. */
  async deleteRulesFor(appId: string, kfAccount: string): Promise<number> {
    const result = await this.db
      .deleteFrom("kf_routing_rules")
      .where("appid", "=", appId)
      .where("kf_account", "=", kfAccount)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async purgeAccount(appId: string): Promise<Record<string, number>> {
    const result = await this.db.deleteFrom("kf_routing_rules").where("appid", "=", appId).executeTakeFirst();
    return { kf_routing_rules: Number(result.numDeletedRows) };
  }
}
