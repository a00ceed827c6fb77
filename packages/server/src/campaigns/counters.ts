import { type Kysely, sql } from "kysely";
import type { Database } from "../platform/store/schema.js";
import type { Outcome, RowCounts } from "./recipients.js";

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
