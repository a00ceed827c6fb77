import { type Kysely, sql } from "kysely";
import type { Database } from "../platform/store/schema.js";
import { applyTally, Tally } from "./counters.js";
import { changesOf, type Outcome } from "./recipients.js";
import type { CampaignMassBatchesTable } from "./tables.js";

/** WeChat's bounds on `message/mass/send`'s `touser` (wechat-facts: 2 to 10,000 OpenIDs a call). */
export const MASS_SEND_MIN = 2;
export const MASS_SEND_MAX = 10_000;
/** A service account's followers receive four mass messages a (Beijing) month each. */
export const MASS_PER_USER_MONTHLY = 4;
/** OpenIDs per `IN (…)` list: well under both stores' parameter limits. */
const IDS_PER_STATEMENT = 1000;

/** China Standard Time (WeChat's quota days and months), UTC+8 without daylight saving. */
const BEIJING_OFFSET_MS = 8 * 60 * 60_000;

/** When the (Beijing) day of `now` began, epoch ms. */
export function beijingDayStart(now: number): number {
  const beijing = new Date(now + BEIJING_OFFSET_MS);
  return Date.UTC(beijing.getUTCFullYear(), beijing.getUTCMonth(), beijing.getUTCDate()) - BEIJING_OFFSET_MS;
}

/** When the (Beijing) month of `now` began, epoch ms. */
export function beijingMonthStart(now: number): number {
  const beijing = new Date(now + BEIJING_OFFSET_MS);
  return Date.UTC(beijing.getUTCFullYear(), beijing.getUTCMonth(), 1) - BEIJING_OFFSET_MS;
}

/** A claimed row of a batch. */
export interface BatchRow {
  id: string;
  openid: string;
}

/** How many rows the next batch takes of `due` due rows (counted up to `max + 2`): never leaves one alone. */
export function batchSize(due: number, max: number): number {
  if (due <= max) return due;
  // Exactly one more than a batch: leave two for the next call (WeChat wants at least two).
  return due === max + 1 ? max + 1 - MASS_SEND_MIN : max;
}

/** The clientmsgid of a campaign's batch: WeChat keeps it 24 hours and refuses a repeat. */
export function clientMsgIdOf(campaignId: string, batch: number): string {
  return `${campaignId}.${batch}`;
}

/**
 * The batches of mass campaigns sent by OpenIDs, and their delivery rows by batch: a batch is
 * claimed once (its rows marked `sending` with its number, in one transaction with the batch's
 * own row), called once per attempt with its clientmsgid, and its outcome written on all its
 * rows at once.
 */
export class MassBatchesRepository {
  constructor(private readonly db: Kysely<Database>) {}

  batch(campaignId: string, batch: number): Promise<CampaignMassBatchesTable | undefined> {
    return this.db
      .selectFrom("campaign_mass_batches")
      .selectAll()
      .where("campaign_id", "=", campaignId)
      .where("batch", "=", batch)
      .executeTakeFirst();
  }

  /**
   * Claims the next batch of due pending rows: the batch's row first (its primary key makes a
   * second claimer running at the same moment fail and retry), then up to `max` rows, never
   * leaving a single row for a last call. Returns undefined when no row is due.
   */
  async claimNext(input: {
    campaignId: string;
    appid: string;
    now: number;
    max: number;
    lockedUntil: number;
  }): Promise<{ batch: number; rows: BatchRow[] } | undefined> {
    const { campaignId, now, lockedUntil } = input;
    return this.db.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom(
          trx
            .selectFrom("campaign_recipients")
            .select("id")
            .where("campaign_id", "=", campaignId)
            .where("status", "=", "pending")
            .where("next_attempt_at", "<=", now)
            .limit(input.max + 2)
            .as("due"),
        )
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirst();
      const take = batchSize(Number(due?.n ?? 0), input.max);
      if (take === 0) return undefined;
      const last = await trx
        .selectFrom("campaign_mass_batches")
        .select((eb) => eb.fn.max("batch").as("batch"))
        .where("campaign_id", "=", campaignId)
        .executeTakeFirst();
      const batch = Number(last?.batch ?? 0) + 1;
      await trx
        .insertInto("campaign_mass_batches")
        .values({
          campaign_id: campaignId,
          batch,
          appid: input.appid,
          clientmsgid: clientMsgIdOf(campaignId, batch),
          recipients: 0,
          attempts: 0,
          msgid: null,
          sent: null,
          errors: null,
          filtered: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      const chosen = trx
        .selectFrom("campaign_recipients")
        .select("id")
        .where("campaign_id", "=", campaignId)
        .where("status", "=", "pending")
        .where("next_attempt_at", "<=", now)
        .orderBy("next_attempt_at")
        .orderBy("id")
        .limit(take);
      const rows = await trx
        .updateTable("campaign_recipients")
        .set({
          status: "sending",
          attempts: sql<number>`attempts + 1`,
          mass_batch: batch,
          locked_until: lockedUntil,
          next_attempt_at: lockedUntil,
          updated_at: now,
        })
        .where("campaign_id", "=", campaignId)
        .where("status", "=", "pending")
        .where("id", "in", chosen)
        .returning(["id", "openid"])
        .execute();
      await applyTally(
        trx,
        campaignId,
        new Tally().add("status", "pending", -rows.length).add("status", "sending", rows.length),
      );
      await trx
        .updateTable("campaign_mass_batches")
        .set({ recipients: rows.length })
        .where("campaign_id", "=", campaignId)
        .where("batch", "=", batch)
        .execute();
      return { batch, rows };
    });
  }

  /** A batch whose rows are `sending` past their claim (a stopped worker's, or a retry now due). */
  async lapsedBatch(campaignId: string, now: number): Promise<number | undefined> {
    const row = await this.db
      .selectFrom("campaign_recipients")
      .select("mass_batch")
      .where("campaign_id", "=", campaignId)
      .where("status", "=", "sending")
      .where("next_attempt_at", "<=", now)
      .where("mass_batch", "is not", null)
      .orderBy("next_attempt_at")
      .limit(1)
      .executeTakeFirst();
    return row?.mass_batch ?? undefined;
  }

  /**
   * Claims a lapsed batch's rows again (all of them: the batch is called as it was first
   * called). The reason of a retry is cleared: a row `sending` with a reason waits for its
   * retry, one without is in a call.
   */
  reclaim(campaignId: string, batch: number, now: number, lockedUntil: number): Promise<BatchRow[]> {
    return this.db
      .updateTable("campaign_recipients")
      .set({ locked_until: lockedUntil, next_attempt_at: lockedUntil, reason: null, updated_at: now })
      .where("campaign_id", "=", campaignId)
      .where("mass_batch", "=", batch)
      .where("status", "=", "sending")
      .where("next_attempt_at", "<=", now)
      .returning(["id", "openid"])
      .execute();
  }

  /** Counts one more call of the batch, before it is made; returns the attempt's number. */
  async noteAttempt(campaignId: string, batch: number, now: number): Promise<number> {
    const row = await this.db
      .updateTable("campaign_mass_batches")
      .set({ attempts: sql<number>`attempts + 1`, updated_at: now })
      .where("campaign_id", "=", campaignId)
      .where("batch", "=", batch)
      .returning("attempts")
      .executeTakeFirst();
    return Number(row?.attempts ?? 1);
  }

  /** Writes the batch call's outcome on every row of the batch still `sending`, and its msg_id. */
  async resolve(campaignId: string, batch: number, outcome: Outcome, now: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const changes =
        outcome.kind === "retry"
          ? // The batch keeps its rows and its clientmsgid: it is called again as it was.
            {
              next_attempt_at: outcome.at,
              locked_until: outcome.at,
              errcode: outcome.errcode,
              rid: outcome.rid,
              reason: outcome.reason,
              updated_at: now,
            }
          : changesOf(outcome, now);
      const result = await trx
        .updateTable("campaign_recipients")
        .set(changes)
        .where("campaign_id", "=", campaignId)
        .where("mass_batch", "=", batch)
        .where("status", "=", "sending")
        .executeTakeFirst();
      // A retry keeps its rows `sending`; any other outcome moves them all.
      if (outcome.kind !== "retry")
        await applyTally(
          trx,
          campaignId,
          new Tally().move("sending", outcome, Number(result.numUpdatedRows)),
        );
      if (outcome.kind === "sent" && outcome.msgid !== null) {
        await trx
          .updateTable("campaign_mass_batches")
          .set({ msgid: outcome.msgid, updated_at: now })
          .where("campaign_id", "=", campaignId)
          .where("batch", "=", batch)
          .execute();
      }
      return Number(result.numUpdatedRows);
    });
  }

  /**
   * A cancel: the rows of batches waiting for their retry (not in a call) are skipped as
   * `reason`; a batch in a call writes its own outcome.
   */
  async cancelWaiting(campaignId: string, reason: string, now: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable("campaign_recipients")
        .set({ status: "skipped", reason, locked_until: null, updated_at: now })
        .where("campaign_id", "=", campaignId)
        .where("status", "=", "sending")
        .where("mass_batch", "is not", null)
        .where("reason", "is not", null)
        .executeTakeFirst();
      const n = Number(result.numUpdatedRows);
      await applyTally(trx, campaignId, new Tally().move("sending", { kind: "skipped", reason }, n));
      return n;
    });
  }

  /** Marks some rows of a batch skipped before its call (e.g. followers at their monthly quota). */
  async skip(campaignId: string, ids: readonly string[], reason: string, now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      let skipped = 0;
      for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT) {
        const result = await trx
          .updateTable("campaign_recipients")
          .set({ status: "skipped", reason, locked_until: null, updated_at: now })
          .where("id", "in", ids.slice(i, i + IDS_PER_STATEMENT))
          .where("status", "=", "sending")
          .executeTakeFirst();
        skipped += Number(result.numUpdatedRows);
      }
      await applyTally(trx, campaignId, new Tally().move("sending", { kind: "skipped", reason }, skipped));
    });
  }

  /**
   * The OpenIDs among `openIds` that already received `limit` mass messages of the account
   * since `since` (this module's sent mass rows; one grouped query per thousand OpenIDs, on
   * the follower index).
   */
  async atQuota(
    appid: string,
    openIds: readonly string[],
    since: number,
    limit: number,
  ): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < openIds.length; i += IDS_PER_STATEMENT) {
      const rows = await this.db
        .selectFrom("campaign_recipients")
        .select(["openid", (eb) => eb.fn.countAll<number>().as("n")])
        .where("appid", "=", appid)
        .where("openid", "in", openIds.slice(i, i + IDS_PER_STATEMENT))
        .where("status", "=", "sent")
        .where("channel", "=", "mass")
        .where("sent_at", ">=", since)
        .groupBy("openid")
        .having((eb) => eb.fn.countAll(), ">=", limit)
        .execute();
      for (const row of rows) out.add(row.openid);
    }
    return out;
  }

  /** MASSSENDJOBFINISH for one batch's msg_id; returns whether a batch took it. */
  async receipt(
    appid: string,
    msgid: string,
    counts: { sent: number; errors: number; filtered: number },
    now: number,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable("campaign_mass_batches")
      .set({ sent: counts.sent, errors: counts.errors, filtered: counts.filtered, updated_at: now })
      .where("appid", "=", appid)
      .where("msgid", "=", msgid)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** The campaign's receipts so far, summed over its batches (a handful of rows: one per call). */
  async receipts(campaignId: string): Promise<{ batches: number; confirmed: number; failed: number }> {
    const row = await this.db
      .selectFrom("campaign_mass_batches")
      .select((eb) => [
        eb.fn.countAll<number>().as("batches"),
        eb.fn.sum<number>("sent").as("confirmed"),
        eb.fn.sum<number>("errors").as("failed"),
      ])
      .where("campaign_id", "=", campaignId)
      .executeTakeFirst();
    return {
      batches: Number(row?.batches ?? 0),
      confirmed: Number(row?.confirmed ?? 0),
      failed: Number(row?.failed ?? 0),
    };
  }
}
