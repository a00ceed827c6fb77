import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { type CheckpointResult, startCheckpointer } from "./checkpointer.js";
import { openStore } from "./store.js";

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function tempDatabase(): string {
  const folder = mkdtempSync(join(tmpdir(), "wxgate-checkpoint-"));
  folders.push(folder);
  return join(folder, "test.db");
}

/** Fills the log with `rows` rows of about a kilobyte, in one transaction. */
function write(database: SqliteDatabase.Database, rows: number): void {
  const insert = database.prepare("INSERT INTO t (body) VALUES (?)");
  database.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run("x".repeat(1000));
  })();
}

describe("the checkpoint thread", () => {
  it("copies the log into the database off the main thread, so the log starts over instead of growing", async () => {
    const path = tempDatabase();
    const database = new SqliteDatabase(path);
    database.pragma("journal_mode = WAL");
    database.pragma("wal_autocheckpoint = 0");
    database.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)");
    const results: CheckpointResult[] = [];
    let next: ((result: CheckpointResult) => void) | undefined;
    const checkpointer = startCheckpointer({
      path,
      intervalMs: 3_600_000, // only when asked, in this test
      onCheckpoint: (result) => {
        results.push(result);
        next?.(result);
      },
    });
    const checkpoint = () =>
      new Promise<CheckpointResult>((resolve) => {
        next = resolve;
        checkpointer.checkpointNow();
      });
    try {
      write(database, 5_000);
      const logAfterFirst = statSync(`${path}-wal`).size;
      expect(logAfterFirst).toBeGreaterThan(4_000_000);
      const first = await checkpoint();
      expect(first.log).toBeGreaterThan(1000);
      expect(first.checkpointed).toBe(first.log);
      // Everything copied: the next writes reuse the log from its start.
      for (let round = 0; round < 3; round++) {
        write(database, 5_000);
        expect(statSync(`${path}-wal`).size).toBeLessThanOrEqual(logAfterFirst * 1.1);
        const again = await checkpoint();
        expect(again.checkpointed).toBe(again.log);
      }
      expect(database.prepare("SELECT count(*) AS n FROM t").get()).toEqual({ n: 20_000 });
    } finally {
      await checkpointer.stop();
      database.close();
    }
    // A reader that opens the file alone sees every row.
    const reader = new SqliteDatabase(path, { readonly: true });
    expect(reader.prepare("SELECT count(*) AS n FROM t").get()).toEqual({ n: 20_000 });
    reader.close();
  });

  it("keeps a SQLite store's log bounded under steady writes: the thread copies, the writer starts the log over", async () => {
    const path = tempDatabase();
    const store = await openStore(`sqlite:${path}`);
    try {
      await sql`CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)`.execute(store.db);
      const body = "x".repeat(2000);
      let largest = 0;
      // About 120 MB written in small commits, with no pause for a checkpoint to find the log quiet.
      for (let i = 0; i < 6_000; i++) {
        await sql`INSERT INTO t (body) SELECT ${body} FROM (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9 UNION ALL SELECT 10)`.execute(
          store.db,
        );
        if (i % 100 === 0) largest = Math.max(largest, statSync(`${path}-wal`).size);
      }
      expect(largest).toBeGreaterThan(0);
      expect(largest).toBeLessThan(40 * 1024 * 1024);
      const limit = await sql<{ journal_size_limit: number }>`PRAGMA journal_size_limit`.execute(store.db);
      expect(limit.rows[0]?.journal_size_limit).toBe(64 * 1024 * 1024);
    } finally {
      await store.close();
    }
    const memory = await openStore("sqlite::memory:");
    await memory.close();
  });
});
