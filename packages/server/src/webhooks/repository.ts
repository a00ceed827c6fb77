import { type Kysely, sql, type Updateable, type UpdateResult } from "kysely";
import { jsonElement, jsonRows } from "../platform/store/json-list.js";
import { ReusableQuery } from "../platform/store/reusable-query.js";
import type { Database } from "../platform/store/schema.js";
import type { Dialect } from "../platform/store/store.js";
import type {
  DeliveryRow,
  DeliveryStatus,
  WebhookDeliveriesTable,
  WebhookRow,
  WebhooksTable,
} from "./tables.js";

export {
  type DeliveryKind,
  type DeliveryRow,
  type DeliveryStatus,
  deliveryStatuses,
  type WebhookDeliveriesTable,
  type WebhookRow,
  type WebhooksTable,
} from "./tables.js";

export type ClaimedDelivery = Pick<
  DeliveryRow,
  "id" | "webhook_id" | "event_id" | "attempts" | "round_base" | "locked_until" | "kind" | "notice"
>;
/** How an attempt ended, as its row records it. */
export type DeliveryOutcome = Pick<
  Updateable<WebhookDeliveriesTable>,
  "status" | "attempts" | "last_status_code" | "last_error" | "delivered_at" | "next_attempt_at"
> & { status: DeliveryStatus };

/** A claimed attempt's end, to be written. */
export interface FinishedAttempt {
  delivery: ClaimedDelivery;
  outcome: DeliveryOutcome;
  /** When it ended. */
  at: number;
}

/** Filters of {@link WebhooksRepository.listDeliveries}. */
export interface DeliveryFilter {
  status?: DeliveryStatus | undefined;
  /** Ids sort by time: return deliveries older than this one. */
  before?: string | undefined;
  /** Only the deliveries of these accounts (filtered along the walk). */
  appIds?: readonly string[] | undefined;
  limit: number;
}

/**
 * A delivery the fan-out creates: pending, due at once, no attempt yet — or, with a
 * `claimUntil`, claimed until then for its first attempt, which follows the commit.
 */
export interface FanoutDelivery {
  id: string;
  webhookId: string;
  eventId: string;
  appId: string;
  claimUntil?: number;
}
/** What ends a delivery that its webhook's state stopped. */
export const NOT_SENT_DISABLED = "not sent: the webhook is disabled";

/** How a request that was made ended: every column of its outcome given. */
export interface SentOutcome {
  status: DeliveryStatus;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: number | null;
  next_attempt_at: number | null;
}

function isSent(outcome: DeliveryOutcome): outcome is DeliveryOutcome & SentOutcome {
  return (
    outcome.attempts === undefined &&
    outcome.last_status_code !== undefined &&
    outcome.last_error !== undefined &&
    outcome.delivered_at !== undefined &&
    outcome.next_attempt_at !== undefined
  );
}

interface Statements {
  claim: ReusableQuery<[string, number, number, number], ClaimedDelivery>;
  skip: ReusableQuery<[string, number, number], Pick<DeliveryRow, "id">>;
  finish: ReusableQuery<
    [string, number, DeliveryStatus, number | null, string | null, number | null, number | null, number],
    UpdateResult
  >;
}
/** Values that stand for the statements' arguments while they are compiled: no real value is one. */
const MARK_TEXT = "\u0000mark:text";
const MARK_STATUS = "\u0000mark:status" as DeliveryStatus;
const MARK_ERROR = "\u0000mark:error";
const MARK_NOW = -9_000_000_000_001;
const MARK_UNTIL = -9_000_000_000_002;
const MARK_LIMIT = -9_000_000_000_003;
const MARK_ATTEMPTS = -9_000_000_000_004;
const MARK_CODE = -9_000_000_000_005;
const MARK_DELIVERED = -9_000_000_000_006;
const MARK_NEXT = -9_000_000_000_007;

/** The webhooks and webhook_deliveries tables. */
export class WebhooksRepository {
  /**
   * @param compiled the statements of the worker's turns, compiled by the repository a
   *   transaction comes from (the same SQL), or on first use
   */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect = "sqlite",
    private compiled?: Statements,
  ) {}

  /**
   * Runs `work` in one transaction, on a repository bound to it: what it writes commits
   * together, with one commit.
   */
  transaction<T>(work: (repository: WebhooksRepository) => Promise<T>): Promise<T> {
    const compiled = this.statements();
    return this.db.transaction().execute((trx) => work(new WebhooksRepository(trx, this.dialect, compiled)));
  }

  async insert(row: WebhookRow): Promise<void> {
    await this.db.insertInto("webhooks").values(row).execute();
  }

  find(id: string): Promise<WebhookRow | undefined> {
    return this.db.selectFrom("webhooks").selectAll().where("id", "=", id).executeTakeFirst();
  }

  list(): Promise<WebhookRow[]> {
    return this.db.selectFrom("webhooks").selectAll().orderBy("created_at").orderBy("id").execute();
  }

  async update(id: string, changes: Updateable<WebhooksTable>): Promise<boolean> {
    const result = await this.db.updateTable("webhooks").set(changes).where("id", "=", id).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async delete(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom("webhook_deliveries").where("webhook_id", "=", id).execute();
      const result = await trx.deleteFrom("webhooks").where("id", "=", id).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    });
  }

  /** Creates the delivery unless this webhook already has one for this event; returns the row either way. */
  async ensureDelivery(row: DeliveryRow): Promise<DeliveryRow> {
    await this.db
      .insertInto("webhook_deliveries")
      .values(row)
      .onConflict((oc) => oc.columns(["webhook_id", "event_id"]).doNothing())
      .execute();
    return this.db
      .selectFrom("webhook_deliveries")
      .selectAll()
      .where("webhook_id", "=", row.webhook_id)
      .where("event_id", "=", row.event_id)
      .executeTakeFirstOrThrow();
  }

  /**
   * Creates the fan-out's deliveries — through `db`, the fan-out's transaction — skipping any
   * (webhook, event) pair that already has one. A delivery with a `claimUntil` is created
   * claimed, its first attempt counted, as a claim would leave it (see {@link claimQuery}): it is
   * sent as soon as the transaction commits, without a claim of its own. The others are
   * pending, due at `at`. Returns the claimed ones created, as a claim returns its rows (a
   * skipped pair is not sent). One statement for each kind whatever their number: the rows travel as one JSON
   * parameter, so the statement's text (and the prepared statement the store keeps for it) is
   * the same for every batch.
   */
  async insertFanout(
    deliveries: readonly FanoutDelivery[],
    at: number,
    db: Kysely<Database> = this.db,
  ): Promise<ClaimedDelivery[]> {
    const pending: (readonly string[])[] = [];
    const claimed: (readonly (string | number)[])[] = [];
    for (const d of deliveries) {
      if (d.claimUntil === undefined) pending.push([d.id, d.webhookId, d.eventId, d.appId]);
      else claimed.push([d.id, d.webhookId, d.eventId, d.appId, d.claimUntil]);
    }
    if (pending.length > 0) {
      await sql`insert into webhook_deliveries
          (id, webhook_id, event_id, appid, kind, status, attempts, created_at, updated_at, next_attempt_at, round_base)
        select ${jsonElement(0)}, ${jsonElement(1)}, ${jsonElement(2)}, ${jsonElement(3)}, 'fanout', 'pending', 0,
          cast(${at} as bigint), cast(${at} as bigint), cast(${at} as bigint), 0
        from ${jsonRows(this.dialect, pending)}
        where true
        on conflict (webhook_id, event_id) do nothing`.execute(db);
    }
    if (claimed.length === 0) return [];
    const created = await sql<ClaimedDelivery>`insert into webhook_deliveries
        (id, webhook_id, event_id, appid, kind, status, attempts, last_attempt_at, locked_until,
          created_at, updated_at, next_attempt_at, round_base)
      select ${jsonElement(0)}, ${jsonElement(1)}, ${jsonElement(2)}, ${jsonElement(3)}, 'fanout', 'pending', 1,
        cast(${at} as bigint), cast(${jsonElement(4)} as bigint),
        cast(${at} as bigint), cast(${at} as bigint), cast(${jsonElement(4)} as bigint), 0
      from ${jsonRows(this.dialect, claimed)}
      where true
      on conflict (webhook_id, event_id) do nothing
      returning id, webhook_id, event_id, attempts, round_base, locked_until, kind, notice`.execute(db);
    return created.rows;
  }

  /** Queues one notice for each of these webhooks, due now. */
  async insertNotices(
    notice: { id: string; appid: string; body: string },
    webhookIds: readonly string[],
    at: number,
    newRowId: () => string,
  ): Promise<void> {
    if (webhookIds.length === 0) return;
    await this.db
      .insertInto("webhook_deliveries")
      .values(
        webhookIds.map((webhookId) => ({
          id: newRowId(),
          webhook_id: webhookId,
          event_id: notice.id,
          appid: notice.appid,
          kind: "notice" as const,
          status: "pending" as const,
          attempts: 0,
          last_status_code: null,
          last_error: null,
          last_attempt_at: null,
          delivered_at: null,
          created_at: at,
          updated_at: at,
          next_attempt_at: at,
          locked_until: null,
          round_base: 0,
          notice: notice.body,
        })),
      )
      .execute();
  }

  findDelivery(id: string): Promise<DeliveryRow | undefined> {
    return this.db.selectFrom("webhook_deliveries").selectAll().where("id", "=", id).executeTakeFirst();
  }

  listDeliveries(webhookId: string, filter: DeliveryFilter): Promise<DeliveryRow[]> {
    if (filter.appIds?.length === 0) return Promise.resolve([]);
    return this.listDeliveriesQuery(webhookId, filter).execute();
  }

  /**
   * A page of a webhook's log, newest first: a walk of (webhook_id, id) — or (webhook_id,
   * status, id) with a status filter — in page order that stops after `limit` rows. The
   * filtered columns lead the order too (constant within the page, so the order is the same),
   * so only the matching index gives it. Public for the tests that check its plan.
   */
  listDeliveriesQuery(webhookId: string, filter: DeliveryFilter) {
    let query = this.db.selectFrom("webhook_deliveries").selectAll().where("webhook_id", "=", webhookId);
    if (filter.status !== undefined) query = query.where("status", "=", filter.status);
    if (filter.before !== undefined) query = query.where("id", "<", filter.before);
    if (filter.appIds !== undefined) query = query.where("appid", "in", filter.appIds);
    query = query.orderBy("webhook_id", "desc");
    if (filter.status !== undefined) query = query.orderBy("status", "desc");
    return query.orderBy("id", "desc").limit(filter.limit);
  }

  /**
   * The due pending deliveries of one webhook, oldest due first, up to `limit`: a walk of the
   * partial index webhook_deliveries_due (webhook_id, next_attempt_at, id) that stops after
   * `limit` rows, whatever the backlog. `status = 'pending'` is a literal, the partial index's
   * own condition. On PostgreSQL rows another claim has locked are skipped.
   *
   * Taken as a materialized CTE and joined on the primary key: evaluated once. As a subquery
   * (`id IN (SELECT … LIMIT n)`) PostgreSQL may run it again for each row it updates, and each
   * run finds the next due rows — it claimed every due row, whatever the limit.
   */
  private withDue(webhookId: string, now: number, limit: number) {
    return this.db.with(
      (cte) => cte("due").materialized(),
      (db) => {
        let due = db
          .selectFrom("webhook_deliveries")
          .select("id")
          .where("webhook_id", "=", webhookId)
          .where("status", "=", sql.lit("pending"))
          .where("next_attempt_at", "<=", now)
          .orderBy("next_attempt_at")
          .orderBy("id")
          .limit(limit);
        if (this.dialect === "postgres") due = due.forUpdate().skipLocked();
        return due;
      },
    );
  }

  /**
   * One statement that claims up to `limit` due deliveries of a webhook until `claimUntil`,
   * counting the attempt each is taken for. The due condition is checked again on each row as
   * it is updated, so two claimers never take the same row. A claim whose worker died is due
   * again at `claimUntil`, through the same walk. Public for the tests that check its plan.
   */
  claimQuery(webhookId: string, now: number, claimUntil: number, limit: number) {
    return this.withDue(webhookId, now, limit)
      .updateTable("webhook_deliveries")
      .from("due")
      .set((eb) => ({
        attempts: eb("webhook_deliveries.attempts", "+", 1),
        last_attempt_at: now,
        locked_until: claimUntil,
        next_attempt_at: claimUntil,
        updated_at: now,
      }))
      .whereRef("webhook_deliveries.id", "=", "due.id")
      .where("webhook_deliveries.status", "=", sql.lit("pending"))
      .where("webhook_deliveries.next_attempt_at", "<=", now)
      .returning([
        "webhook_deliveries.id",
        "webhook_deliveries.webhook_id",
        "webhook_deliveries.event_id",
        "webhook_deliveries.attempts",
        "webhook_deliveries.round_base",
        "webhook_deliveries.locked_until",
        "webhook_deliveries.kind",
        "webhook_deliveries.notice",
      ]);
  }

  /** Claims due deliveries of a webhook: see {@link claimQuery}. */
  async claim(webhookId: string, now: number, claimUntil: number, limit: number): Promise<ClaimedDelivery[]> {
    return (await this.statements().claim.execute(this.db, webhookId, now, claimUntil, limit)).rows;
  }

  /**
   * Ends up to `limit` due deliveries of a disabled webhook as `skipped`, sending nothing and
   * counting no attempt; returns how many.
   */
  async skipDue(webhookId: string, now: number, limit: number): Promise<number> {
    return (await this.statements().skip.execute(this.db, webhookId, now, limit)).rows.length;
  }

  private skipQuery(webhookId: string, now: number, limit: number) {
    return this.withDue(webhookId, now, limit)
      .updateTable("webhook_deliveries")
      .from("due")
      .set({
        status: "skipped",
        last_error: NOT_SENT_DISABLED,
        locked_until: null,
        next_attempt_at: null,
        updated_at: now,
      })
      .whereRef("webhook_deliveries.id", "=", "due.id")
      .where("webhook_deliveries.status", "=", sql.lit("pending"))
      .where("webhook_deliveries.next_attempt_at", "<=", now)
      .returning("webhook_deliveries.id");
  }

  /**
   * Writes how claimed attempts ended, except where the claim was lost meanwhile (taken again
   * after it lapsed, which counted another attempt; or the row went with its webhook).
   * Returns how many were written. Several are best written in one {@link transaction}.
   */
  async finish(attempts: readonly FinishedAttempt[]): Promise<number> {
    let written = 0;
    for (const { delivery, outcome, at } of attempts) {
      if (isSent(outcome)) {
        // The outcome of every request made: one shape, compiled once.
        const { numAffectedRows } = await this.statements().finish.execute(
          this.db,
          delivery.id,
          delivery.attempts,
          outcome.status,
          outcome.last_status_code,
          outcome.last_error,
          outcome.delivered_at,
          outcome.next_attempt_at,
          at,
        );
        written += Number(numAffectedRows ?? 0);
        continue;
      }
      const result = await this.finishQuery(delivery, outcome, at).executeTakeFirst();
      written += Number(result.numUpdatedRows);
    }
    return written;
  }

  private finishQuery(
    delivery: Pick<ClaimedDelivery, "id" | "attempts">,
    outcome: DeliveryOutcome,
    at: number,
  ) {
    return this.db
      .updateTable("webhook_deliveries")
      .set({ ...outcome, locked_until: null, updated_at: at })
      .where("id", "=", delivery.id)
      .where("attempts", "=", delivery.attempts)
      .where("status", "=", sql.lit("pending"));
  }

  /** The statements run at every turn of the worker, compiled once per engine. */
  private statements(): Statements {
    if (this.compiled) return this.compiled;
    this.compiled = {
      claim: new ReusableQuery(
        (webhookId: string, now: number, claimUntil: number, limit: number) =>
          this.claimQuery(webhookId, now, claimUntil, limit),
        [MARK_TEXT, MARK_NOW, MARK_UNTIL, MARK_LIMIT],
      ),
      skip: new ReusableQuery(
        (webhookId: string, now: number, limit: number) => this.skipQuery(webhookId, now, limit),
        [MARK_TEXT, MARK_NOW, MARK_LIMIT],
      ),
      finish: new ReusableQuery(
        (
          id: string,
          attempts: number,
          status: DeliveryStatus,
          code: number | null,
          error: string | null,
          deliveredAt: number | null,
          nextAttemptAt: number | null,
          at: number,
        ) =>
          this.finishQuery(
            { id, attempts },
            {
              status,
              last_status_code: code,
              last_error: error,
              delivered_at: deliveredAt,
              next_attempt_at: nextAttemptAt,
            },
            at,
          ),
        [MARK_TEXT, MARK_ATTEMPTS, MARK_STATUS, MARK_CODE, MARK_ERROR, MARK_DELIVERED, MARK_NEXT, MARK_NOW],
      ),
    };
    return this.compiled;
  }

  /**
   * Deletes the account's deliveries, in slices of {@link PURGE_SLICE} rows with a turn of the
   * event loop between them (an account with a million must not stop the server), before its
   * events go. A purge cut short is finished by running it again.
   */
  async purgeAccount(appId: string): Promise<Record<string, number>> {
    let deliveries = 0;
    for (;;) {
      const slice = this.db
        .selectFrom("webhook_deliveries")
        .select("id")
        .where("appid", "=", appId)
        .limit(PURGE_SLICE);
      const result = await this.db
        .deleteFrom("webhook_deliveries")
        .where("id", "in", slice)
        .executeTakeFirst();
      const deleted = Number(result.numDeletedRows);
      deliveries += deleted;
      if (deleted < PURGE_SLICE) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return { webhook_deliveries: deliveries };
  }

  /**
   * Pending deliveries, counted up to `limit` (through the partial index of pending rows, so
   * the count costs at most `limit` index entries, however large the backlog).
   */
  async countPending(limit: number): Promise<number> {
    const row = await this.db
      .selectFrom((eb) =>
        eb
          .selectFrom("webhook_deliveries")
          .select("webhook_id")
          .where("status", "=", sql.lit("pending"))
          .limit(limit)
          .as("pending"),
      )
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Turns a finished delivery back to pending for a redelivery, due now and with a new round
   * of attempts; false when it is not finished.
   */
  async reopenDelivery(id: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable("webhook_deliveries")
      .set((eb) => ({
        status: "pending",
        next_attempt_at: now,
        locked_until: null,
        round_base: eb.ref("attempts"),
        updated_at: now,
      }))
      .where("id", "=", id)
      .where("status", "in", ["delivered", "failed", "skipped"])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}

/** Rows deleted per statement when an account is purged. */
export const PURGE_SLICE = 2_000;
