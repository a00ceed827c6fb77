import type { ApiCallRecord } from "@wxgate/wechat";
import type { Kysely } from "kysely";
import { newId } from "../platform/ids.js";
import type { Logger } from "../platform/logger.js";
import type { Clock } from "../platform/ports.js";
import type { Database } from "../platform/store/schema.js";
import type { CallLog } from "../platform/wechat.js";
import "./tables.js";

/**
 * Writes every WeChat API attempt to `api_calls`, without slowing the call down. The accounts
 * module owns the table: it pages it per account and purges it with the account.
 */
export class ApiCallLog implements CallLog {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  readonly #pending = new Set<Promise<void>>();

  /** Waits for the writes under way (before purging an account's rows, or in tests). */
  async flush(): Promise<void> {
    await Promise.all([...this.#pending]);
  }

  record(appId: string | null, record: ApiCallRecord): void {
    const at = this.clock.now();
    const write = this.db
      .insertInto("api_calls")
      .values({
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
      })
      .execute()
      .then(
        () => undefined,
        (error: unknown) => {
          this.logger.warn({ err: error, api: record.api }, "the API call could not be logged");
        },
      )
      .finally(() => this.#pending.delete(write));
    this.#pending.add(write);
  }
}
