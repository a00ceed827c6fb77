import { CompiledQuery, type Kysely, type Selectable, sql } from "kysely";
import { idFloor } from "../platform/ids.js";
import { inJsonList } from "../platform/store/json-list.js";
import type { Database } from "../platform/store/schema.js";
import type { Dialect } from "../platform/store/store.js";
import type { EventEnvelope, EventEnvelopeSource, FanoutTransaction, PendingFanout } from "./ports.js";

/** How the gateway answered a push. */
export type EventStatus = "replied" | "answered_success" | "ignored_disabled";
/** Whether the event still has to be fanned out to webhooks. */
export type FanoutState = "none" | "pending" | "done";

export interface EventsTable {
  id: string;
  appid: string;
  dedupe_key: string;
  /** `message`, `event`, `component` or `unknown`. */
  kind: string;
  msg_type: string | null;
  event: string | null;
  /** What the `type` filter reads: the event name (or InfoType), else the MsgType, else the kind. */
  push_type: string;
  from_openid: string | null;
  /** WeChat's CreateTime, seconds. */
  create_time: number | null;
  received_at: number;
  mode: string;
  /** The push's query string, exactly as received (for forwarding). */
  query: string;
  /** The push's body, exactly as received (for forwarding). */
  body: string;
  plaintext_xml: string;
  timestamp: string;
  nonce: string;
  signature: string;
  /**
   * SHA-256 (hex) of the push's plaintext XML (the body itself for a plaintext push): the
   * content its (timestamp, nonce) was claimed by, so the replay memory rebuilt after a
   * restart still tells a retry from another body under a reused signature. Empty in rows
   * recorded before every mode was fingerprinted (encrypted pushes then had none).
   */
  body_hash: string;
  /** The reply's plaintext XML; null when answered `success`. */
  reply_xml: string | null;
  /** The HTTP body answered, sent again verbatim to WeChat's retries. */
  response_body: string;
  status: EventStatus;
  fanout: FanoutState;
}

declare module "../platform/store/schema.js" {
  interface Database {
    events: EventsTable;
  }
}

export type EventRow = Selectable<EventsTable>;

/** Every column of `events`, in the order the batched insert binds them. */
const EVENT_COLUMNS = [
  "id",
  "appid",
  "dedupe_key",
  "kind",
  "msg_type",
  "event",
  "push_type",
  "from_openid",
  "create_time",
  "received_at",
  "mode",
  "query",
  "body",
  "plaintext_xml",
  "timestamp",
  "nonce",
  "signature",
  "body_hash",
  "reply_xml",
  "response_body",
  "status",
  "fanout",
] as const satisfies readonly (keyof EventsTable)[];

/** Filters of {@link EventsRepository.list}. */
export interface EventFilter {
  appId?: string | undefined;
  /** A MsgType (`text`, `image`, …) or an event name (`subscribe`, `CLICK`, …): `push_type`. */
  type?: string | undefined;
  /** Received-time bounds, epoch ms, inclusive: read from the ids, which carry their time. */
  from?: number | undefined;
  to?: number | undefined;
  /** Ids sort by time: return events older than this one. */
  before?: string | undefined;
  limit: number;
}

/** The type a push is filtered by: see {@link EventsTable.push_type}. */
export function pushTypeOf(fields: { kind: string; msgType: string | null; event: string | null }): string {
  return fields.event ?? fields.msgType ?? fields.kind;
}

/** The events table. */
export class EventsRepository implements EventEnvelopeSource {
  /**
   * The batched insert's SQL by row count, compiled once by Kysely: the gateway records every
   * push, and building the same statement through the query builder each time cost a tenth of
   * a push's work. Only the parameters change from batch to batch.
   */
  readonly #insertSqlByCount = new Map<number, string>();

  #insertSql(count: number): string {
    let text = this.#insertSqlByCount.get(count);
    if (text === undefined) {
      const template = Object.fromEntries(
        EVENT_COLUMNS.map((column) => [column, null]),
      ) as unknown as EventRow;
      text = this.db
        .insertInto("events")
        .values(Array.from({ length: count }, () => template))
        .onConflict((oc) => oc.columns(["appid", "dedupe_key"]).doNothing())
        .compile().sql;
      this.#insertSqlByCount.set(count, text);
    }
    return text;
  }

  /**
   * @param dialect the store's engine: on PostgreSQL the fan-out skips events another
   *   process's fan-out has locked
   */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect = "sqlite",
  ) {}

  /** Inserts unless the (appid, dedupe key) pair exists; true when inserted. */
  async insert(row: EventRow): Promise<boolean> {
    const result = await this.db
      .insertInto("events")
      .values(row)
      .onConflict((oc) => oc.columns(["appid", "dedupe_key"]).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  /**
   * Inserts the rows whose (appid, dedupe key) is new, in one statement; returns the ids
   * inserted. Rows sharing a key within the batch: the first wins.
   */
  async insertMany(rows: EventRow[]): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const parameters: unknown[] = [];
    for (const row of rows) for (const column of EVENT_COLUMNS) parameters.push(row[column]);
    const result = await this.db.executeQuery(CompiledQuery.raw(this.#insertSql(rows.length), parameters));
    const count = Number(result.numAffectedRows ?? 0);
    if (count === rows.length) return new Set(rows.map((r) => r.id));
    const found = await this.db
      .selectFrom("events")
      .select("id")
      .where(
        "id",
        "in",
        rows.map((r) => r.id),
      )
      .execute();
    return new Set(found.map((r) => r.id));
  }

  findByDedupeKey(appId: string, dedupeKey: string): Promise<EventRow | undefined> {
    return this.db
      .selectFrom("events")
      .selectAll()
      .where("appid", "=", appId)
      .where("dedupe_key", "=", dedupeKey)
      .executeTakeFirst();
  }

  findById(id: string): Promise<EventRow | undefined> {
    return this.db.selectFrom("events").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /**
   * One page of the pushes received since `since`, oldest first by id (the primary key, whose
   * order is the receiving order), to rebuild the replay memory after a restart.
   */
  recentPage(
    since: number,
    afterId: string | undefined,
    limit: number,
  ): Promise<Pick<EventRow, "id" | "appid" | "dedupe_key" | "timestamp" | "nonce" | "body_hash">[]> {
    return this.db
      .selectFrom("events")
      .select(["id", "appid", "dedupe_key", "timestamp", "nonce", "body_hash"])
      .where("id", afterId === undefined ? ">=" : ">", afterId ?? idFloor(since))
      .orderBy("id", "asc")
      .limit(limit)
      .execute();
  }

  /**
   * A page, newest first. Each combination of filters walks one index in id order — (id),
   * (appid, id), (push_type, id) or (appid, push_type, id) — and stops after `limit` rows, so
   * a page costs the same whatever the table holds. Time bounds are id bounds (an id begins
   * with its creation time), so they narrow the same walk instead of needing another index.
   */
  list(filter: EventFilter): Promise<EventRow[]> {
    return this.listQuery(filter).execute();
  }

  /** The query behind {@link list}, for the tests that check its plan. */
  listQuery(filter: EventFilter) {
    let query = this.db.selectFrom("events").selectAll();
    if (filter.appId !== undefined) query = query.where("appid", "=", filter.appId);
    if (filter.type !== undefined) query = query.where("push_type", "=", filter.type);
    if (filter.from !== undefined) query = query.where("id", ">=", idFloor(filter.from));
    if (filter.to !== undefined) query = query.where("id", "<", idFloor(filter.to + 1));
    if (filter.before !== undefined) query = query.where("id", "<", filter.before);
    // The filtered columns lead the order too (they are constant within the page, so the order
    // is the same): only the matching index gives that order, so no planner walks another one
    // and filters along the way, which costs as much as the rows it skips.
    if (filter.appId !== undefined) query = query.orderBy("appid", "desc");
    if (filter.type !== undefined) query = query.orderBy("push_type", "desc");
    return query.orderBy("id", "desc").limit(filter.limit);
  }

  async envelopes(eventIds: readonly string[]): Promise<Map<string, EventEnvelope>> {
    const found = new Map<string, EventEnvelope>();
    if (eventIds.length === 0) return found;
    const rows = await this.db
      .selectFrom("events")
      .select(ENVELOPE_COLUMNS)
      .where(inJsonList(this.dialect, "id", eventIds))
      .execute();
    for (const row of rows) found.set(row.id, envelopeOf(row));
    return found;
  }

  async fanOutPending(
    limit: number,
    fanOut: (events: readonly PendingFanout[], transaction: FanoutTransaction) => Promise<void>,
  ): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const rows = await this.pendingFanoutQuery(limit, trx).execute();
      if (rows.length === 0) return 0;
      await fanOut(rows.map(envelopeOf), trx);
      await trx
        .updateTable("events")
        .set({ fanout: "done" })
        .where(
          inJsonList(
            this.dialect,
            "id",
            rows.map((row) => row.id),
          ),
        )
        .execute();
      return rows.length;
    });
  }

  /**
   * The oldest events waiting for their fan-out, through the partial index
   * `events_fanout_pending` (received_at, over pending rows only): `fanout = 'pending'` is
   * written as a literal, since an engine matches a partial index only to the very condition
   * it was built with. Public for the tests that check its plan.
   */
  pendingFanoutQuery(limit: number, db: Kysely<Database> = this.db) {
    let query = db
      .selectFrom("events")
      .select(ENVELOPE_COLUMNS)
      .where("fanout", "=", sql.lit("pending"))
      .orderBy("received_at")
      .limit(limit);
    if (this.dialect === "postgres") query = query.forUpdate().skipLocked();
    return query;
  }

  /**
   * Deletes the account's events; rows deleted per table (the webhooks module purges their
   * deliveries, before this runs: see `EventBus.request`). In
   * slices of {@link PURGE_SLICE} rows, each its own short transaction, with a turn of the
   * event loop between them: an account with a million events must not stop the server for
   * the seconds one statement would take. The account is gone before this runs, so nothing
   * adds rows meanwhile, and a purge cut short is finished by running it again.
   */
  async purgeAccount(appId: string): Promise<Record<string, number>> {
    let events = 0;
    for (;;) {
      const slice = this.db.selectFrom("events").select("id").where("appid", "=", appId).limit(PURGE_SLICE);
      const result = await this.db.deleteFrom("events").where("id", "in", slice).executeTakeFirst();
      const deleted = Number(result.numDeletedRows);
      events += deleted;
      if (deleted < PURGE_SLICE) break;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return { events };
  }
}

/** The columns of an event's envelope. */
const ENVELOPE_COLUMNS = [
  "id",
  "appid",
  "msg_type",
  "event",
  "mode",
  "received_at",
  "query",
  "body",
  "plaintext_xml",
] as const;

function envelopeOf(row: Pick<EventRow, (typeof ENVELOPE_COLUMNS)[number]>): EventEnvelope {
  return {
    id: row.id,
    appId: row.appid,
    msgType: row.msg_type,
    event: row.event,
    mode: row.mode,
    receivedAt: Number(row.received_at),
    query: row.query,
    body: row.body,
    plaintextXml: row.plaintext_xml,
  };
}

/** Rows deleted per statement when an account is purged. */
export const PURGE_SLICE = 2_000;
