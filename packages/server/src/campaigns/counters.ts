import { type Kysely, sql } from "kysely";
import type { Database } from "../platform/store/schema.js";
import type { Outcome, RowCounts } from "./model.js";

/** What a counter counts: rows per status, failures per errcode, skipped rows per reason, receipts per verdict. */
export type CountKind = "status" | "errcode" | "skipped" | "receipt";

/**
 * Changes to a campaign's counters, summed by counter before they are written: one statement
 * writes them all, in one order (so two transactions never take the counters' locks crosswise).
 */
export class Tally {
  readonly #deltas = new Map<string, { kind: CountKind; name: string; n: number }>();

  add(kind: CountKind, name: string, n: number): this {
    if (n === 0) return this;
    const id = `${kind}\u0000${name}`;
    const entry = this.#deltas.get(id);
    if (entry) entry.n += n;
    else this.#deltas.set(id, { kind, name, n });
    return this;
  }

  /** `n` rows moved from status `from` to what `outcome` makes of them. */
  move(from: "pending" | "sending", outcome: Outcome, n: number): this {
    if (n === 0 || outcome.kind === "unconfirmed") return this;
    this.add("status", from, -n);
    switch (outcome.kind) {
      case "sent":
        return this.add("status", "sent", n);
      case "retry":
      case "release":
        return this.add("status", "pending", n);
      case "failed":
        this.add("status", "failed", n);
        return outcome.errcode === null ? this : this.add("errcode", String(outcome.errcode), n);
      case "skipped":
        return this.add("status", "skipped", n).add("skipped", outcome.reason, n);
    }
  }

  entries(): Array<{ kind: CountKind; name: string; n: number }> {
    return [...this.#deltas.values()]
      .filter((entry) => entry.n !== 0)
      .sort((a, b) => (a.kind === b.kind ? (a.name < b.name ? -1 : 1) : a.kind < b.kind ? -1 : 1));
  }
}

/** Adds a tally to a campaign's counters, in the caller's transaction (the one that changed the rows). */
export async function applyTally(db: Kysely<Database>, campaignId: string, tally: Tally): Promise<void> {
  const entries = tally.entries();
  if (entries.length === 0) return;
  await db
    .insertInto("campaign_counts")
    .values(entries.map((entry) => ({ campaign_id: campaignId, ...entry })))
    .onConflict((oc) =>
      oc
        .columns(["campaign_id", "kind", "name"])
        .doUpdateSet({ n: sql<number>`campaign_counts.n + excluded.n` }),
    )
    .execute();
}

/** The progress' counts from the counters: a handful of rows, whatever the campaign's size. */
export async function readCounts(db: Kysely<Database>, campaignId: string): Promise<RowCounts> {
  const rows = await db
    .selectFrom("campaign_counts")
    .select(["kind", "name", "n"])
    .where("campaign_id", "=", campaignId)
    .execute();
  const byStatus = { pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0 };
  const receipts = { confirmed: 0, failed: 0 };
  const errcodes: RowCounts["errcodes"] = [];
  const skipped: RowCounts["skipped"] = [];
  for (const row of rows) {
    const n = Number(row.n);
    if (n === 0) continue;
    if (row.kind === "status" && row.name in byStatus) byStatus[row.name as keyof typeof byStatus] = n;
    else if (row.kind === "receipt" && row.name in receipts) receipts[row.name as keyof typeof receipts] = n;
    else if (row.kind === "errcode") errcodes.push({ errcode: Number(row.name), count: n });
    else if (row.kind === "skipped") skipped.push({ reason: row.name, count: n });
  }
  errcodes.sort((a, b) => a.errcode - b.errcode);
  skipped.sort((a, b) => (a.reason < b.reason ? -1 : 1));
  return { byStatus, errcodes, skipped, receipts };
}

/**
 * A campaign's counts from its rows themselves: grouped counts over the campaign's index range,
 * whose cost grows with the campaign (what the counters are checked against).
 */
export async function countRows(db: Kysely<Database>, campaignId: string): Promise<RowCounts> {
  const byStatus = { pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0 };
  const statusRows = await db
    .selectFrom("campaign_recipients")
    .select(["status", sql<number>`count(*)`.as("n")])
    .where("campaign_id", "=", campaignId)
    .groupBy("status")
    .execute();
  for (const row of statusRows) {
    if (row.status in byStatus) byStatus[row.status as keyof typeof byStatus] = Number(row.n);
  }
  const errcodeRows =
    byStatus.failed === 0
      ? []
      : await db
          .selectFrom("campaign_recipients")
          .select(["errcode", sql<number>`count(*)`.as("n")])
          .where("campaign_id", "=", campaignId)
          .where("status", "=", "failed")
          .where("errcode", "is not", null)
          .groupBy("errcode")
          .execute();
  const skippedRows =
    byStatus.skipped === 0
      ? []
      : await db
          .selectFrom("campaign_recipients")
          .select(["reason", sql<number>`count(*)`.as("n")])
          .where("campaign_id", "=", campaignId)
          .where("status", "=", "skipped")
          .groupBy("reason")
          .execute();
  const receiptRows = await db
    .selectFrom("campaign_recipients")
    .select(["receipt", sql<number>`count(*)`.as("n")])
    .where("campaign_id", "=", campaignId)
    .where("status", "=", "sent")
    .where("receipt", "is not", null)
    .groupBy("receipt")
    .execute();
  const receipts = { confirmed: 0, failed: 0 };
  for (const row of receiptRows) {
    if (row.receipt === "confirmed") receipts.confirmed = Number(row.n);
    if (row.receipt === "failed") receipts.failed = Number(row.n);
  }
  return {
    byStatus,
    errcodes: errcodeRows.map((r) => ({ errcode: Number(r.errcode), count: Number(r.n) })),
    skipped: skippedRows.map((r) => ({ reason: r.reason ?? "unknown", count: Number(r.n) })),
    receipts,
  };
}

/** Rewrites a campaign's counters from its rows (rows changed by hand, outside this module). */
export async function recount(db: Kysely<Database>, campaignId: string): Promise<void> {
  const counted = await countRows(db, campaignId);
  const tally = new Tally();
  for (const [status, n] of Object.entries(counted.byStatus)) tally.add("status", status, n);
  for (const { errcode, count } of counted.errcodes) tally.add("errcode", String(errcode), count);
  for (const { reason, count } of counted.skipped) tally.add("skipped", reason, count);
  for (const [verdict, n] of Object.entries(counted.receipts)) tally.add("receipt", verdict, n);
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("campaign_counts").where("campaign_id", "=", campaignId).execute();
    await applyTally(trx, campaignId, tally);
  });
}
