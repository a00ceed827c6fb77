import { Worker } from "node:worker_threads";

/** What the SQLite thread answers for one statement. */
export type StatementResult = { rows: unknown[] } | { changes: number; lastInsertRowid: number | bigint };

interface WorkerError {
  name: string;
  message: string;
  code: string | undefined;
}

interface WorkerReply {
  id: number;
  rows?: unknown[];
  changes?: number;
  lastInsertRowid?: number | bigint;
  error?: WorkerError;
  ready?: boolean;
  closed?: boolean;
}

interface Pending {
  resolve(reply: WorkerReply): void;
  reject(error: Error): void;
}

/** An error SQLite raised on its thread, with its code (`SQLITE_CONSTRAINT_UNIQUE`, …). */
export class SqliteError extends Error {
  override readonly name = "SqliteError";

  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** The SQLite thread stopped (closed, or crashed): nothing more can run on it. */
export class SqliteThreadStoppedError extends Error {
  override readonly name = "SqliteThreadStoppedError";
  readonly code = "SQLITE_THREAD_STOPPED";
}

function isReply(value: unknown): value is WorkerReply {
  return typeof value === "object" && value !== null && typeof (value as { id?: unknown }).id === "number";
}

/**
 * The embedded store's connection, run by `sqlite-worker.js` on its own thread. Statements
 * are posted in order and answered in order; the thread holds the process open only while
 * a statement is pending, so a forgotten store never keeps a command from exiting.
 */
export class SqliteThread {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #stopped: Error | undefined;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on("message", (message: unknown) => this.#settle(message));
    worker.on("error", (error) => this.#stop(error));
    worker.on("exit", () => this.#stop(new SqliteThreadStoppedError("the SQLite thread has stopped")));
  }

  /** Opens `path` (a file, or `:memory:`) on a new thread; rejects if SQLite cannot open it. */
  static open(path: string): Promise<SqliteThread> {
    const worker = new Worker(new URL("./sqlite-worker.js", import.meta.url), { workerData: { path } });
    return new Promise((resolve, reject) => {
      const failed = (error: Error) => reject(error);
      worker.once("error", failed);
      worker.once("message", (message: unknown) => {
        worker.off("error", failed);
        if (isReply(message) && message.ready) {
          const thread = new SqliteThread(worker);
          worker.unref();
          resolve(thread);
          return;
        }
        const error = isReply(message) ? message.error : undefined;
        reject(new SqliteError(error?.message ?? "SQLite could not open the database", error?.code));
        void worker.terminate();
      });
    });
  }

  /** Runs one statement; reads answer rows, writes answer changes and the last rowid. */
  async run(sql: string, parameters: readonly unknown[]): Promise<StatementResult> {
    const reply = await this.#post({ sql, parameters });
    if (reply.rows !== undefined) return { rows: reply.rows };
    return { changes: reply.changes ?? 0, lastInsertRowid: reply.lastInsertRowid ?? 0 };
  }

  /** Closes the database and ends the thread; statements sent before finish first. */
  async close(): Promise<void> {
    if (this.#stopped) return;
    const exited = new Promise<void>((resolve) => this.#worker.once("exit", () => resolve()));
    await this.#post({ close: true });
    await exited;
  }

  #post(message: { sql?: string; parameters?: readonly unknown[]; close?: boolean }): Promise<WorkerReply> {
    if (this.#stopped) return Promise.reject(this.#stopped);
    const id = this.#nextId++;
    return new Promise<WorkerReply>((resolve, reject) => {
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, ...message });
    });
  }

  #settle(message: unknown): void {
    if (!isReply(message)) return;
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    if (this.#pending.size === 0) this.#worker.unref();
    if (message.error) pending.reject(new SqliteError(message.error.message, message.error.code));
    else pending.resolve(message);
  }

  #stop(error: Error): void {
    this.#stopped ??=
      error instanceof SqliteThreadStoppedError ? error : new SqliteThreadStoppedError(error.message);
    for (const pending of this.#pending.values()) pending.reject(this.#stopped);
    this.#pending.clear();
  }
}
