import SqliteDatabase from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { cachingSqliteDatabase } from "./statement-cache.js";

describe("cachingSqliteDatabase", () => {
  const raw = new SqliteDatabase(":memory:");
  const db = cachingSqliteDatabase(raw, 2);
  raw.exec("create table t (n integer)");

  afterEach(() => {
    raw.exec("delete from t");
  });

  it("prepares a statement once and reuses it", () => {
    const first = db.prepare("insert into t (n) values (?)");
    first.run([1]);
    const again = db.prepare("insert into t (n) values (?)");
    expect(again).toBe(first);
    again.run([2]);
    expect(db.prepare("select count(*) as c from t").all([])).toEqual([{ c: 2 }]);
  });

  it("hands out a fresh statement while the cached one is still iterating", () => {
    db.prepare("insert into t (n) values (?)").run([1]);
    db.prepare("insert into t (n) values (?)").run([2]);
    const sql = "select n from t order by n";
    const streaming = db.prepare(sql);
    const rows = streaming.iterate([]);
    rows.next();
    const other = db.prepare(sql);
    expect(other).not.toBe(streaming);
    expect(other.all([])).toEqual([{ n: 1 }, { n: 2 }]);
    rows.return?.();
  });

  it("keeps at most the configured number of statements, dropping the least recently used", () => {
    const a = db.prepare("select 1");
    db.prepare("select 2");
    expect(db.prepare("select 1")).toBe(a);
    db.prepare("select 3");
    // "select 2" was the least recently used: it was dropped; "select 1" is still cached.
    expect(db.prepare("select 1")).toBe(a);
    const b = db.prepare("select 2");
    expect(db.prepare("select 2")).toBe(b);
  });
});
