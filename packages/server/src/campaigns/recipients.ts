import { type Kysely, sql, type UpdateObject } from "kysely";
import type { Database } from "../platform/store/schema.js";
import type { Dialect } from "../platform/store/store.js";
import { applyTally, countRows, readCounts, recount, Tally } from "./counters.js";
import type { Outcome, RowCounts } from "./model.js";
import type { CampaignRecipientsTable } from "./tables.js";

/** Rows per INSERT: 16 columns × 400 stays under SQLite's and PostgreSQL's parameter limits. */
const ROWS_PER_STATEMENT = 400;

/** The reason a row carries while its call's answer is lost and its receipt awaited. */
export const UNCONFIRMED = "unconfirmed";

/** A claimed row, as the sender needs it. */
export interface ClaimedRow {
  id: string;
  openid: string;
  attempts: number;
}

export type { Outcome, RowCounts } from "./model.js";

/**
 * The delivery rows: written by the audience expansion, claimed by the send jobs, resolved by
 * the answers and the receipts. Every state change is a conditional update on the row's
 * status (and, for an outcome, on the attempt that made the call), so a stale worker or a
 * late receipt cannot overwrite a newer truth.
 */
export class RecipientsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /** Inserts a page of recipients (a recipient already present is kept as it is). */
  async insert(
    db: Kysely<Database>,
    campaignId: string,
    rows: readonly Omit<CampaignRecipientsTable, "attempts">[],
  ): Promise<void> {
    let inserted = 0;
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      const written = await db
        .insertInto("campaign_recipients")
        .values(rows.slice(i, i + ROWS_PER_STATEMENT).map((row) => ({ ...row, attempts: 0 })))
        .onConflict((oc) => oc.columns(["campaign_id", "openid"]).doNothing())
        .returning("id")
        .execute();
      inserted += written.length;
    }
    await applyTally(db, campaignId, new Tally().add("status", "pending", inserted));
  }

  /**
   * Takes up to `limit` due rows of one status and marks them `sending` until `lockedUntil`
   * (its `next_attempt_at` too, so a lapsed claim is found by the same index): pending rows
   * whose attempt is due, or `sending` rows whose claim lapsed (left by a stopped worker).
   * The batch is a materialized CTE walking the claim index (campaign, status, next_attempt_at,
   * id) and stopping after `limit` rows; the update checks the condition again on each row.
   */
  claim(
    campaignId: string,
    from: "pending" | "sending",
    now: number,
    limit: number,
    lockedUntil: number,
  ): Promise<Array<ClaimedRow & { reason: string | null; attempts: number }>> {
    if (from === "sending") return this.claimQuery(this.db, campaignId, from, now, limit, lockedUntil);
    return this.db.transaction().execute(async (trx) => {
      const rows = await this.claimQuery(trx, campaignId, from, now, limit, lockedUntil);
      await applyTally(
        trx,
        campaignId,
        new Tally().add("status", "pending", -rows.length).add("status", "sending", rows.length),
      );
      return rows;
    });
  }

  private claimQuery(
    db: Kysely<Database>,
    campaignId: string,
    from: "pending" | "sending",
    now: number,
    limit: number,
    lockedUntil: number,
  ): Promise<Array<ClaimedRow & { reason: string | null; attempts: number }>> {
    return db
      .with(
        (cte) => cte("batch").materialized(),
        (db) => {
          let due = db
            .selectFrom("campaign_recipients")
            .select("id")
            .where("campaign_id", "=", campaignId)
            .where("status", "=", from)
            .where("next_attempt_at", "<=", now)
            .orderBy("next_attempt_at")
            .orderBy("id")
            .limit(limit);
          if (this.dialect === "postgres") due = due.forUpdate().skipLocked();
          return due;
        },
      )
      .updateTable("campaign_recipients")
      .from("batch")
      .set((eb) =>
        from === "pending"
          ? {
              status: "sending",
              attempts: eb("campaign_recipients.attempts", "+", 1),
              locked_until: lockedUntil,
              next_attempt_at: lockedUntil,
              updated_at: now,
            }
          : { locked_until: lockedUntil, next_attempt_at: lockedUntil, updated_at: now },
      )
      .whereRef("campaign_recipients.id", "=", "batch.id")
      .where("campaign_recipients.status", "=", from)
      .where("campaign_recipients.next_attempt_at", "<=", now)
      .returning([
        "campaign_recipients.id",
        "campaign_recipients.openid",
        "campaign_recipients.attempts",
        "campaign_recipients.reason",
      ])
      .execute();
  }

  /**
   * Writes a call's outcome on the row, if the row is still the one that attempt claimed (and
   * counts it); `also` runs in the same transaction when the row took the outcome.
   */
  async write(
    campaignId: string,
    id: string,
    attempt: number,
    outcome: Outcome,
    now: number,
    also?: (db: Kysely<Database>) => Promise<void>,
  ): Promise<boolean> {
    const update = (db: Kysely<Database>) =>
      db
        .updateTable("campaign_recipients")
        .set(changesOf(outcome, now))
        .where("id", "=", id)
        .where("status", "=", "sending")
        .where("attempts", "=", attempt)
        .executeTakeFirst();
    // Waiting for a receipt keeps the row `sending`: no counter moves.
    if (outcome.kind === "unconfirmed") return Number((await update(this.db)).numUpdatedRows) === 1;
    return this.db.transaction().execute(async (trx) => {
      const written = Number((await update(trx)).numUpdatedRows) === 1;
      if (written) {
        await applyTally(trx, campaignId, new Tally().move("sending", outcome, 1));
        if (also) await also(trx);
      }
      return written;
    });
  }

  /**
   * Writes one outcome on every pending row of a campaign (a mass send: one call for the whole
   * audience), in the caller's transaction.
   */
  async resolveAll(db: Kysely<Database>, campaignId: string, outcome: Outcome, now: number): Promise<number> {
    const changes = changesOf(outcome, now);
    const result = await db
      .updateTable("campaign_recipients")
      .set({ ...changes, attempts: sql<number>`attempts + 1` })
      .where("campaign_id", "=", campaignId)
      .where("status", "=", "pending")
      .executeTakeFirst();
    const n = Number(result.numUpdatedRows);
    await applyTally(db, campaignId, new Tally().move("pending", outcome, n));
    return n;
  }

  /** Marks every pending row of a campaign skipped (cancelled); returns how many. */
  async skipPending(campaignId: string, reason: string, now: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable("campaign_recipients")
        .set({ status: "skipped", reason, updated_at: now })
        .where("campaign_id", "=", campaignId)
        .where("status", "=", "pending")
        .executeTakeFirst();
      const n = Number(result.numUpdatedRows);
      await applyTally(trx, campaignId, new Tally().move("pending", { kind: "skipped", reason }, n));
      return n;
    });
  }

  /** When the next row of the campaign falls due (pending or a claim to lapse), or undefined when none is left. */
  async nextDue(campaignId: string): Promise<number | undefined> {
    const rows = await Promise.all(
      (["pending", "sending"] as const).map((status) =>
        this.db
          .selectFrom("campaign_recipients")
          .select("next_attempt_at")
          .where("campaign_id", "=", campaignId)
          .where("status", "=", status)
          .orderBy("next_attempt_at")
          .limit(1)
          .executeTakeFirst(),
      ),
    );
    const due = rows.flatMap((row) => (row ? [Number(row.next_attempt_at)] : []));
    return due.length === 0 ? undefined : Math.min(...due);
  }

  /**
   * A receipt (TEMPLATESENDJOBFINISH, subscription events) for `msgid`: the row that holds
   * the msgid, or — when the call's answer was lost (a crash between WeChat's answer and the
   * row's update) — the follower's row of that channel still `sending` without one. Returns
   * which row took it: `known` (its msgid), `lost` (the answer was lost), or `none`.
   */
  async applyReceipt(input: {
    appid: string;
    openid: string;
    channel: string;
    msgid: string;
    confirmed: boolean;
    now: number;
  }): Promise<"known" | "lost" | "none"> {
    const receipt = input.confirmed ? "confirmed" : "failed";
    const known = await this.db.transaction().execute(async (trx) => {
      let query = trx
        .selectFrom("campaign_recipients")
        .select(["id", "campaign_id", "status", "receipt"])
        .where("appid", "=", input.appid)
        .where("msgid", "=", input.msgid);
      // Two pushes of one receipt must not both count it (SQLite writes one transaction at a time).
      if (this.dialect === "postgres") query = query.forUpdate();
      const rows = await query.execute();
      if (rows.length === 0) return false;
      await trx
        .updateTable("campaign_recipients")
        .set({ receipt, updated_at: input.now })
        .where(
          "id",
          "in",
          rows.map((row) => row.id),
        )
        .execute();
      // The progress counts the receipts of sent rows (a repeated receipt replaces its verdict).
      for (const row of rows) {
        if (row.status !== "sent" || row.receipt === receipt) continue;
        const tally = new Tally().add("receipt", receipt, 1);
        if (row.receipt !== null) tally.add("receipt", row.receipt, -1);
        await applyTally(trx, row.campaign_id, tally);
      }
      return true;
    });
    if (known) return "known";
    const lost = await this.db
      .selectFrom("campaign_recipients")
      .select(["id", "campaign_id"])
      .where("appid", "=", input.appid)
      .where("openid", "=", input.openid)
      .where("status", "=", "sending")
      .where("channel", "=", input.channel)
      .where("msgid", "is", null)
      .orderBy("id")
      .limit(1)
      .executeTakeFirst();
    if (!lost) return "none";
    return this.db.transaction().execute(async (trx) => {
      const taken = await trx
        .updateTable("campaign_recipients")
        .set({
          status: "sent",
          msgid: input.msgid,
          receipt,
          sent_at: input.now,
          // Sent, as the receipt shows, though the call's answer never reached the row.
          reason: "answer_lost",
          locked_until: null,
          updated_at: input.now,
        })
        .where("id", "=", lost.id)
        .where("status", "=", "sending")
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) !== 1) return "none";
      await applyTally(
        trx,
        lost.campaign_id,
        new Tally().move("sending", { kind: "sent", msgid: input.msgid }, 1).add("receipt", receipt, 1),
      );
      return "lost";
    });
  }

  /** The progress' counts, from the campaign's counters (a handful of rows at any size). */
  counts(campaignId: string): Promise<RowCounts> {
    return readCounts(this.db, campaignId);
  }

  /**
   * The same counts from the rows themselves: grouped counts over the campaign's index range,
   * whose cost grows with the campaign (what the counters are checked against).
   */
  countRows(campaignId: string): Promise<RowCounts> {
    return countRows(this.db, campaignId);
  }

  /** Rewrites a campaign's counters from its rows (rows changed by hand, outside this module). */
  recount(campaignId: string): Promise<void> {
    return recount(this.db, campaignId);
  }

  /** A page of a campaign's rows in OpenID order (the unique index), optionally of one status. */
  page(campaignId: string, status: string | undefined, after: string | undefined, limit: number) {
    let query = this.db
      .selectFrom("campaign_recipients")
      .selectAll()
      .where("campaign_id", "=", campaignId)
      .orderBy("openid")
      .limit(limit);
    if (status !== undefined) query = query.where("status", "=", status);
    if (after !== undefined) query = query.where("openid", ">", after);
    return query.execute();
  }

  async deleteCampaign(db: Kysely<Database>, campaignId: string): Promise<void> {
    await db.deleteFrom("campaign_recipients").where("campaign_id", "=", campaignId).execute();
    await db.deleteFrom("campaign_counts").where("campaign_id", "=", campaignId).execute();
  }
}

/** The columns an outcome sets on its row. */
export function changesOf(outcome: Outcome, now: number): UpdateObject<Database, "campaign_recipients"> {
  switch (outcome.kind) {
    case "sent":
      return {
        status: "sent",
        msgid: outcome.msgid,
        sent_at: now,
        errcode: null,
        rid: null,
        reason: null,
        locked_until: null,
        updated_at: now,
      };
    case "retry":
      return {
        status: "pending",
        next_attempt_at: outcome.at,
        errcode: outcome.errcode,
        rid: outcome.rid,
        reason: outcome.reason,
        locked_until: null,
        updated_at: now,
      };
    case "failed":
      return {
        status: "failed",
        errcode: outcome.errcode,
        rid: outcome.rid,
        reason: outcome.reason,
        locked_until: null,
        updated_at: now,
      };
    case "skipped":
      return {
        status: "skipped",
        reason: outcome.reason,
        errcode: outcome.errcode ?? null,
        locked_until: null,
        updated_at: now,
      };
    case "unconfirmed":
      return {
        reason: UNCONFIRMED,
        locked_until: outcome.until,
        next_attempt_at: outcome.until,
        updated_at: now,
      };
    case "release":
      return {
        status: "pending",
        attempts: sql<number>`attempts - 1`,
        next_attempt_at: now,
        locked_until: null,
        updated_at: now,
      };
  }
}
