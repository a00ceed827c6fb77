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

/** What a claim did: a batch to call (two rows at least), or only rows skipped (`batch: null`). */
export type MassClaim = { batch: number; rows: BatchRow[] } | { batch: null; skipped: number };

/** Why a follower was not sent a mass message by OpenIDs: the only one left, and WeChat takes two at least. */
export const SINGLE_RECIPIENT = "mass_single_recipient";

/** Windows of followers at their quota one claim skips before it lets the next claim go on. */
const QUOTA_ROUNDS_PER_CLAIM = 4;

/** Another claimer took rows this claim chose (PostgreSQL, two send jobs at one moment). */
class ClaimContended extends Error {}

/**
 * How many rows the next batch takes of `due` due rows (counted up to `max + 2`): never leaves
 * one alone. `max` is 3 at least (the setting's floor): with batches of two, an odd count
 * would always leave one.
 */
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
   * Claims the next batch of due pending rows, in one transaction. The next due rows (up to
   * `max + 2`, the claim index's order) are read first and their followers already at their
   * monthly mass messages skipped as `quota` — before any batch is cut, so the size of the
   * batch is decided on the rows that will be called: a batch never leaves a single row behind
   * (the two rows after it were checked too). When the only due row left is one follower, it
   * cannot be called alone (WeChat answers 40130) and no batch is left to take it: it is skipped
   * as `mass_single_recipient`. Returns undefined when no row is due, `batch: null` when this
   * claim only skipped rows (claim again), else the batch's number and rows (two at least).
   */
  async claimNext(input: {
    campaignId: string;
    appid: string;
    now: number;
    max: number;
    lockedUntil: number;
    /** Followers who received `quota.limit` mass messages since `quota.since` are skipped. */
    quota: { since: number; limit: number };
  }): Promise<MassClaim | undefined> {
    const { campaignId, now, lockedUntil, max } = input;
    try {
      return await this.db.transaction().execute(async (trx) => {
        const tally = new Tally();
        const dueRows = () =>
          trx
            .selectFrom("campaign_recipients")
            .select(["id", "openid"])
            .where("campaign_id", "=", campaignId)
            .where("status", "=", "pending")
            .where("next_attempt_at", "<=", now)
            .orderBy("next_attempt_at")
            .orderBy("id");
        // Rows found below the quota in an earlier round (not asked again).
        const below = new Set<string>();
        let window: BatchRow[] = [];
        let skipped = 0;
        for (let round = 0; ; round++) {
          window = await dueRows()
            .limit(max + 2)
            .execute();
          const unchecked = window.filter((row) => !below.has(row.id));
          const full = await this.atQuotaIn(
            trx,
            input.appid,
            unchecked.map((row) => row.openid),
            input.quota.since,
            input.quota.limit,
          );
          for (const row of unchecked) if (!full.has(row.openid)) below.add(row.id);
          if (full.size === 0) break;
          const n = await this.skipRows(
            trx,
            unchecked.filter((row) => full.has(row.openid)).map((row) => row.id),
            "pending",
            "quota",
            now,
          );
          tally.move("pending", { kind: "skipped", reason: "quota" }, n);
          skipped += n;
          // Long runs of followers at their quota are skipped a few windows per claim.
          if (round + 1 >= QUOTA_ROUNDS_PER_CLAIM) {
            await applyTally(trx, campaignId, tally);
            return { batch: null, skipped };
          }
        }
        const take = batchSize(window.length, max);
        if (take === 0) {
          await applyTally(trx, campaignId, tally);
          return skipped > 0 ? { batch: null, skipped } : undefined;
        }
        if (take < MASS_SEND_MIN) {
          // The one due row left, every other row called (or skipped) already: nothing to merge it with.
          const n = await this.skipRows(trx, [window[0]!.id], "pending", SINGLE_RECIPIENT, now);
          tally.move("pending", { kind: "skipped", reason: SINGLE_RECIPIENT }, n);
          await applyTally(trx, campaignId, tally);
          return { batch: null, skipped: skipped + n };
        }
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
          .where("id", "in", dueRows().clearSelect().select("id").limit(take))
          .returning(["id", "openid"])
          .execute();
        // Another claimer took some of these rows meanwhile: this claim is undone (and made again).
        if (rows.length !== take) throw new ClaimContended();
        tally.add("status", "pending", -rows.length).add("status", "sending", rows.length);
        await applyTally(trx, campaignId, tally);
        await trx
          .updateTable("campaign_mass_batches")
          .set({ recipients: rows.length })
          .where("campaign_id", "=", campaignId)
          .where("batch", "=", batch)
          .execute();
        return { batch, rows };
      });
    } catch (error) {
      if (error instanceof ClaimContended) return { batch: null, skipped: 0 };
      throw error;
    }
  }

  /** Marks rows of one status skipped as `reason`, a thousand ids a statement; returns how many moved. */
  private async skipRows(
    db: Kysely<Database>,
    ids: readonly string[],
    from: "pending" | "sending",
    reason: string,
    now: number,
  ): Promise<number> {
    let skipped = 0;
    for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT) {
      const result = await db
        .updateTable("campaign_recipients")
        .set({ status: "skipped", reason, locked_until: null, updated_at: now })
        .where("id", "in", ids.slice(i, i + IDS_PER_STATEMENT))
        .where("status", "=", from)
        .executeTakeFirst();
      skipped += Number(result.numUpdatedRows);
    }
    return skipped;
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

  /**
   * The OpenIDs among `openIds` that already received `limit` mass messages of the account
   * since `since` (this module's sent mass rows; one grouped query per thousand OpenIDs, on
   * the follower index).
   */
  atQuota(appid: string, openIds: readonly string[], since: number, limit: number): Promise<Set<string>> {
    return this.atQuotaIn(this.db, appid, openIds, since, limit);
  }

  private async atQuotaIn(
    db: Kysely<Database>,
    appid: string,
    openIds: readonly string[],
    since: number,
    limit: number,
  ): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < openIds.length; i += IDS_PER_STATEMENT) {
      const rows = await db
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
