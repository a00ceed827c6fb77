import { pipeline, Readable } from "node:stream";
import { stringify } from "csv-stringify";
import type { ApiRequestRecord } from "../http/observer.js";
import { newId } from "../platform/ids.js";
import type { Logger } from "../platform/logger.js";
import type { Clock } from "../platform/ports.js";
import { redactBody } from "./redact.js";
import type { AuditEntryRow, AuditFilter, AuditRepository } from "./repository.js";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Entries per read while a CSV export streams. */
const EXPORT_PAGE = 500;
/** Entries written per insert. */
const MAX_BATCH = 500;

/** An entry as the API shows it. */
export interface AuditEntryView {
  id: string;
  at: number;
  actor: { kind: string; id: string; name: string } | null;
  ip: string;
  userAgent: string | null;
  appid: string | null;
  action: string;
  method: string;
  route: string;
  target: Record<string, unknown>;
  outcome: "ok" | "refused" | "failed";
  status: number;
  errorCode: string | null;
  summary: unknown;
  requestId: string;
  /** A risk operation (accepted or refused). */
  risk: boolean;
}

export function outcomeOf(status: number): AuditEntryView["outcome"] {
  return status >= 500 ? "failed" : status >= 400 ? "refused" : "ok";
}

/** The CSV columns, in order. */
const CSV_COLUMNS = [
  "id",
  "time",
  "actor_kind",
  "actor_name",
  "actor_id",
  "ip",
  "user_agent",
  "appid",
  "action",
  "method",
  "route",
  "target",
  "outcome",
  "status",
  "error_code",
  "summary",
  "request_id",
  "risk",
] as const;

/**
 * The audit log: every changing API request, who made it, from where, on which account, and how
 * it ended, with a summary of what was sent that never holds a secret. Requests are recorded in
 * batches at the end of the event-loop turn (one insert for the requests answered together), so
 * recording costs a request nothing it waits for; a batch that cannot be written is logged with
 * its request ids and tried once more with the next one.
 */
export class AuditService {
  private pending: AuditEntryRow[] = [];
  private scheduled = false;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly repository: AuditRepository,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly retentionDays: number,
  ) {}

  /** The observer the HTTP edge calls for each changing request. */
  readonly observe = (record: ApiRequestRecord): void => {
    const at = this.clock.now();
    this.pending.push({
      id: newId(at),
      at,
      actor_kind: record.actor?.kind ?? null,
      actor_id: record.actor?.id ?? null,
      actor_name: record.actor?.name ?? null,
      ip: record.ip,
      user_agent: record.userAgent?.slice(0, 300) ?? null,
      appid: record.appid ?? null,
      action: record.action,
      method: record.method,
      route: record.route,
      target: redactBody(record.params) ?? "{}",
      outcome: outcomeOf(record.status),
      status: record.status,
      error_code: record.errorCode ?? null,
      summary: redactBody(record.body),
      request_id: record.requestId,
      risk: record.risk ? 1 : 0,
    });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
  };

  /** Writes what is waiting; resolves once it is written (or its failure logged). */
  flush(): Promise<void> {
    this.scheduled = false;
    this.writing = this.writing.then(async () => {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, MAX_BATCH);
        try {
          await this.repository.insertMany(batch);
        } catch (error) {
          this.logger.error(
            { err: error, requestIds: batch.map((row) => row.request_id) },
            "could not write audit entries",
          );
          return;
        }
      }
    });
    return this.writing;
  }

  async list(filter: AuditFilter): Promise<{ items: AuditEntryView[]; nextCursor: string | null }> {
    await this.flush();
    const rows = await this.repository.list(filter);
    const last = rows.at(-1);
    return {
      items: rows.map(viewOf),
      nextCursor: rows.length === filter.limit && last ? last.id : null,
    };
  }

  /** The entries the filter selects, newest first, as CSV read page by page while it streams. */
  exportCsv(filter: Omit<AuditFilter, "limit" | "before">): Readable {
    const { repository } = this;
    const pages = async function* (flushed: Promise<void>) {
      await flushed;
      let before: string | undefined;
      for (;;) {
        const rows = await repository.list({ ...filter, before, limit: EXPORT_PAGE });
        for (const row of rows) yield csvRecord(row);
        if (rows.length < EXPORT_PAGE) return;
        before = rows.at(-1)?.id;
      }
    };
    // A UTF-8 byte-order mark first: spreadsheet programs then read Chinese names right.
    // Cells that a spreadsheet would run as a formula (=, +, -, @ first) are prefixed with a quote.
    const csv = stringify({ header: true, columns: [...CSV_COLUMNS], bom: true, escape_formulas: true });
    pipeline(Readable.from(pages(this.flush())), csv, (error) => {
      if (error) this.logger.error({ err: error }, "the audit export stopped");
    });
    return csv;
  }

  /** Deletes entries older than the retention time; returns how many went. */
  async purgeExpired(): Promise<number> {
    const deleted = await this.repository.purgeOlderThan(this.clock.now() - this.retentionDays * DAY_MS);
    if (deleted > 0) this.logger.info({ deleted, retentionDays: this.retentionDays }, "audit entries purged");
    return deleted;
  }
}

function parsed(json: string | null): unknown {
  if (json === null) return null;
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}

function viewOf(row: AuditEntryRow): AuditEntryView {
  return {
    id: row.id,
    at: row.at,
    actor:
      row.actor_kind !== null && row.actor_id !== null
        ? { kind: row.actor_kind, id: row.actor_id, name: row.actor_name ?? "" }
        : null,
    ip: row.ip,
    userAgent: row.user_agent,
    appid: row.appid,
    action: row.action,
    method: row.method,
    route: row.route,
    target: (parsed(row.target) ?? {}) as Record<string, unknown>,
    outcome: outcomeOf(row.status),
    status: row.status,
    errorCode: row.error_code,
    summary: parsed(row.summary),
    requestId: row.request_id,
    risk: row.risk === 1,
  };
}

function csvRecord(row: AuditEntryRow): Record<(typeof CSV_COLUMNS)[number], string | number> {
  return {
    id: row.id,
    time: new Date(row.at).toISOString(),
    actor_kind: row.actor_kind ?? "",
    actor_name: row.actor_name ?? "",
    actor_id: row.actor_id ?? "",
    ip: row.ip,
    user_agent: row.user_agent ?? "",
    appid: row.appid ?? "",
    action: row.action,
    method: row.method,
    route: row.route,
    target: row.target,
    outcome: row.outcome,
    status: row.status,
    error_code: row.error_code ?? "",
    summary: row.summary ?? "",
    request_id: row.request_id,
    risk: row.risk === 1 ? "yes" : "no",
  };
}
