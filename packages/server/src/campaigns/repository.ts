import type { Kysely, Updateable } from "kysely";
import type { Database } from "../platform/store/schema.js";
import type { CampaignSettingsTable, CampaignsTable } from "./tables.js";

/** The campaigns' own rows (campaigns, settings, lists); the delivery rows are `recipients.ts`'s. */
export class CampaignsRepository {
  constructor(readonly db: Kysely<Database>) {}

  campaign(id: string): Promise<CampaignsTable | undefined> {
    return this.db.selectFrom("campaigns").selectAll().where("id", "=", id).executeTakeFirst();
  }

  async insert(row: CampaignsTable): Promise<void> {
    await this.db.insertInto("campaigns").values(row).execute();
  }

  /**
   * Changes a campaign if it is still in one of `from` (the state machine's guard, checked by
   * the store); returns whether it changed.
   */
  async update(
    id: string,
    from: readonly string[],
    changes: Updateable<CampaignsTable>,
    db: Kysely<Database> = this.db,
  ): Promise<boolean> {
    const result = await db
      .updateTable("campaigns")
      .set(changes)
      .where("id", "=", id)
      .where("status", "in", from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Moves the audience expansion past one page, if it still stands where this page began and
   * the campaign is still going; returns whether it moved (in the page's transaction).
   */
  async advanceExpansion(
    db: Kysely<Database>,
    id: string,
    from: string | null,
    to: string | null,
    now: number,
  ): Promise<boolean> {
    let query = db
      .updateTable("campaigns")
      .set({ expand_cursor: to ?? from, expanded: to === null ? 1 : 0, updated_at: now })
      .where("id", "=", id)
      .where("expanded", "=", 0)
      .where("status", "in", ["sending", "paused"]);
    query =
      from === null ? query.where("expand_cursor", "is", null) : query.where("expand_cursor", "=", from);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom("campaigns").where("id", "=", id).execute();
  }

  /** An account's campaigns newest first, after the `before` id (keyset on the campaigns_account index). */
  list(appid: string, status: string | undefined, before: string | undefined, limit: number) {
    let query = this.db
      .selectFrom("campaigns")
      .selectAll()
      .where("appid", "=", appid)
      .orderBy("id", "desc")
      .limit(limit);
    if (status !== undefined) query = query.where("status", "=", status);
    if (before !== undefined) query = query.where("id", "<", before);
    return query.execute();
  }

  /** Campaigns in a status (at most `limit`), e.g. those to resume after a restart. */
  inStatus(status: string, limit: number) {
    return this.db.selectFrom("campaigns").selectAll().where("status", "=", status).limit(limit).execute();
  }

  /** Scheduled campaigns due at `now`. */
  dueScheduled(now: number, limit: number) {
    return this.db
      .selectFrom("campaigns")
      .selectAll()
      .where("status", "=", "scheduled")
      .where("scheduled_at", "<=", now)
      .orderBy("scheduled_at")
      .limit(limit)
      .execute();
  }

  /** A page of an uploaded list's OpenIDs, in OpenID order after `after`. */
  async listPage(listId: string, after: string | undefined, limit: number): Promise<string[]> {
    let query = this.db
      .selectFrom("campaign_list_members")
      .select("openid")
      .where("list_id", "=", listId)
      .orderBy("openid")
      .limit(limit);
    if (after !== undefined) query = query.where("openid", ">", after);
    return (await query.execute()).map((row) => row.openid);
  }

  /** The account's mass campaigns started since `since` (sent or sending: WeChat's quota counts them). */
  async massStartedSince(appid: string, since: number): Promise<number> {
    const row = await this.db
      .selectFrom("campaigns")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("appid", "=", appid)
      .where("channel", "=", "mass")
      .where("status", "in", ["sending", "paused", "completed"])
      .where("started_at", ">=", since)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** A mass send's outcome, from MASSSENDJOBFINISH; returns whether a campaign took it. */
  async massReceipt(
    appid: string,
    msgid: string,
    counts: { sent: number; errors: number; filtered: number },
    now: number,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable("campaigns")
      .set({
        mass_sent: counts.sent,
        mass_errors: counts.errors,
        mass_filtered: counts.filtered,
        updated_at: now,
      })
      .where("appid", "=", appid)
      .where("mass_msgid", "=", msgid)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  settings(appid: string): Promise<CampaignSettingsTable | undefined> {
    return this.db.selectFrom("campaign_settings").selectAll().where("appid", "=", appid).executeTakeFirst();
  }

  async saveSettings(row: CampaignSettingsTable): Promise<void> {
    await this.db
      .insertInto("campaign_settings")
      .values(row)
      .onConflict((oc) =>
        oc.column("appid").doUpdateSet({
          approval_required: row.approval_required,
          sends_per_second: row.sends_per_second,
          updated_at: row.updated_at,
        }),
      )
      .execute();
  }

  /** Forgets everything of an account that went away. */
  async purgeAccount(appid: string): Promise<Record<string, number>> {
    return this.db.transaction().execute(async (trx) => {
      const count = (result: { numDeletedRows: bigint }) => Number(result.numDeletedRows);
      const recipients = count(
        await trx.deleteFrom("campaign_recipients").where("appid", "=", appid).executeTakeFirst(),
      );
      const counters = count(
        await trx
          .deleteFrom("campaign_counts")
          .where("campaign_id", "in", trx.selectFrom("campaigns").select("id").where("appid", "=", appid))
          .executeTakeFirst(),
      );
      const batches = count(
        await trx.deleteFrom("campaign_mass_batches").where("appid", "=", appid).executeTakeFirst(),
      );
      const campaigns = count(
        await trx.deleteFrom("campaigns").where("appid", "=", appid).executeTakeFirst(),
      );
      const lists = trx.selectFrom("campaign_lists").select("id").where("appid", "=", appid);
      const members = count(
        await trx.deleteFrom("campaign_list_members").where("list_id", "in", lists).executeTakeFirst(),
      );
      const listRows = count(
        await trx.deleteFrom("campaign_lists").where("appid", "=", appid).executeTakeFirst(),
      );
      const settings = count(
        await trx.deleteFrom("campaign_settings").where("appid", "=", appid).executeTakeFirst(),
      );
      const consents = count(
        await trx.deleteFrom("campaign_consents").where("appid", "=", appid).executeTakeFirst(),
      );
      return {
        campaign_recipients: recipients,
        campaign_mass_batches: batches,
        campaign_counts: counters,
        campaigns,
        campaign_list_members: members,
        campaign_lists: listRows,
        campaign_settings: settings,
        campaign_consents: consents,
      };
    });
  }
}
