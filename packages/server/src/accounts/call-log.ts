import type { ApiCallRecord } from "@wxgate/wechat";
import type { Kysely } from "kysely";
import { newId } from "../platform/ids.js";
import type { Logger } from "../platform/logger.js";
import type { Clock } from "../platform/ports.js";
import { powerOfTwoChunks } from "../platform/store/chunks.js";
import type { Database } from "../platform/store/schema.js";
import type { CallLog } from "../platform/wechat.js";
import type { ApiCallsTable } from "./tables.js";

/**
 * Records one INSERT writes at most: 11 columns × 512 rows = 5,632 bind parameters, under
 * SQLite's 32,766 (3.32 and later) and PostgreSQL's 65,535.
 */
export const CALLS_PER_INSERT = 512;

/** How long a record waits for others to share its INSERT. */
export const CALL_LOG_WAIT_MS = 100;

/**
 * Writes every WeChat API attempt to `api_calls`, without slowing the call down. The accounts
 * module owns the table: it pages it per account and purges it with the account.
 *
 * Records are buffered and written by multi-row INSERTs (a campaign of a million messages makes
 * a million records: one statement each would cost a commit each) — when `CALLS_PER_INSERT`
 * wait, or `CALL_LOG_WAIT_MS` after the first of them, one INSERT at a time. `flush()` writes
 * what waits and resolves once every record taken before it is stored: the page of the call
 * log and an account's purge flush first, and a graceful stop flushes after the last worker
 * stopped, before the store closes. A crash (SIGKILL, power) loses the records of at most the
 * last interval that were not written yet — the calls themselves are not affected.
 */
export class ApiCallLog implements CallLog {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  #buffer: ApiCallsTable[] = [];
  #timer: NodeJS.Timeout | undefined;
  /** The INSERTs under way, one after the other. */
  #writing: Promise<void> = Promise.resolve();

  /** Writes what waits; resolves once every record taken so far is stored (or its write failed and was logged). */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const rows = this.#buffer;
    this.#buffer = [];
    if (rows.length > 0) this.#writing = this.#writing.then(() => this.#insert(rows));
    return this.#writing;
  }

  record(appId: string | null, record: ApiCallRecord): void {
    const at = this.clock.now();
    this.#buffer.push({
      id: newId(at),
      appid: appId,
      api: record.api,
      method: record.method,
      errcode: record.errcode,
      ok: record.ok ? 1 : 0,
      error: record.error ?? null,
      rid: record.rid ?? null,
      attempt: record.attempt,
      latency_ms: Math.round(record.latencyMs),
      at,
    });
    if (this.#buffer.length >= CALLS_PER_INSERT) void this.flush();
    else if (!this.#timer) {
      this.#timer = setTimeout(() => void this.flush(), CALL_LOG_WAIT_MS);
      // A stop does not wait for the timer: it flushes (see above).
      this.#timer.unref();
    }
  }

  async #insert(rows: readonly ApiCallsTable[]): Promise<void> {
    // Chunks of powers of two: a handful of statement shapes in the store's cache, whatever the count.
    for (const chunk of powerOfTwoChunks(rows, CALLS_PER_INSERT)) {
      try {
        await this.db.insertInto("api_calls").values(chunk).execute();
      } catch {
        // One bad record must not lose its neighbours: the chunk is written a record at a time.
        for (const row of chunk) {
          try {
            await this.db.insertInto("api_calls").values(row).execute();
          } catch (error) {
            this.logger.warn({ err: error, api: row.api }, "the API call could not be logged");
          }
        }
      }
    }
  }
}
