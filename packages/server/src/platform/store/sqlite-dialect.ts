import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from "kysely";
import type { SqliteThread } from "./sqlite-thread.js";

/**
 * Kysely over the SQLite thread. Statements from different callers are pipelined (the thread
 * runs them in the order sent) instead of taking turns on one connection: a caller never waits
 * for another's round trip. Only a transaction is exclusive: while one is open, statements of
 * other callers wait for its end, so none of them runs inside it by accident.
 */
export class ThreadedSqliteDialect implements Dialect {
  constructor(private readonly thread: SqliteThread) {}

  createAdapter() {
    return new SqliteAdapter();
  }

  createDriver(): Driver {
    return new ThreadedSqliteDriver(this.thread);
  }

  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }

  createIntrospector(db: Kysely<unknown>) {
    return new SqliteIntrospector(db);
  }
}

class ThreadedConnection implements DatabaseConnection {
  constructor(private readonly driver: ThreadedSqliteDriver) {}

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    return this.driver.execute<R>(this, compiledQuery);
  }

  // Streams read everything first: the thread answers a statement in one message.
  async *streamQuery<R>(
    compiledQuery: CompiledQuery,
    chunkSize = 100,
  ): AsyncIterableIterator<QueryResult<R>> {
    const { rows } = await this.executeQuery<R>(compiledQuery);
    for (let i = 0; i < rows.length; i += chunkSize) yield { rows: rows.slice(i, i + chunkSize) };
  }
}

class ThreadedSqliteDriver implements Driver {
  /** The connection whose transaction is open, if any. */
  #owner: ThreadedConnection | undefined;
  /** Settles when the open transaction ends. */
  #ended: Promise<void> = Promise.resolve();
  #end: (() => void) | undefined;

  constructor(private readonly thread: SqliteThread) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new ThreadedConnection(this);
  }

  async releaseConnection(): Promise<void> {}

  async execute<R>(connection: ThreadedConnection, query: CompiledQuery): Promise<QueryResult<R>> {
    while (this.#owner !== undefined && this.#owner !== connection) await this.#ended;
    const result = await this.thread.run(query.sql, query.parameters);
    if ("rows" in result) return { rows: result.rows as R[] };
    return {
      numAffectedRows: BigInt(result.changes),
      insertId: BigInt(result.lastInsertRowid),
      rows: [],
    };
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    if (!(connection instanceof ThreadedConnection)) throw new TypeError("not a connection of this driver");
    while (this.#owner !== undefined) await this.#ended;
    this.#owner = connection;
    this.#ended = new Promise((resolve) => {
      this.#end = resolve;
    });
    try {
      await connection.executeQuery(CompiledQuery.raw("begin"));
    } catch (error) {
      this.#release();
      throw error;
    }
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    // A failed commit is followed by a rollback, which ends the transaction.
    await connection.executeQuery(CompiledQuery.raw("commit"));
    this.#release();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await connection.executeQuery(CompiledQuery.raw("rollback"));
    } finally {
      this.#release();
    }
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`savepoint ${quoted(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`rollback to ${quoted(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`release ${quoted(name)}`));
  }

  async destroy(): Promise<void> {
    await this.thread.close();
  }

  #release(): void {
    this.#owner = undefined;
    const end = this.#end;
    this.#end = undefined;
    end?.();
  }
}

function quoted(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
