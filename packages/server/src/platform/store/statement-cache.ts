import type { Database as BetterSqlite, Statement } from "better-sqlite3";
import type { SqliteDatabase, SqliteStatement } from "kysely";
import { LruCache } from "../cache.js";

/**
 * better-sqlite3 behind Kysely, with prepared statements kept by their SQL text. Kysely asks
 * the driver to prepare every query anew; preparing costs as much as running a small insert,
 * and the same few statements (by shape) run on every push and token request.
 */
export function cachingSqliteDatabase(database: BetterSqlite, maxStatements = 500): SqliteDatabase {
  const statements = new LruCache<Statement>({ maxEntries: maxStatements });
  return {
    close: () => {
      statements.clear();
      database.close();
    },
    prepare(sql: string): SqliteStatement {
      const cached = statements.get(sql);
      // A statement still iterating (a streamed query) cannot run again until it finishes.
      if (cached && !cached.busy) return cached;
      const statement = database.prepare(sql);
      if (!cached) statements.set(sql, statement);
      return statement;
    },
  };
}
