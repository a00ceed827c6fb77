import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Generated, type Kysely, sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { SqliteError, SqliteThread, SqliteThreadStoppedError } from "./sqlite-thread.js";
import { openStore, type Store } from "./store.js";

interface Notes {
  notes: { id: Generated<number>; text: string; data: Uint8Array | null };
}

describe("the embedded store's SQLite thread", () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()?.();
  });

  async function notesStore(): Promise<{ store: Store; db: Kysely<Notes> }> {
    const dir = mkdtempSync(join(tmpdir(), "wxgate-thread-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const store = await openStore(`sqlite:${join(dir, "wxgate.db")}`);
    cleanups.push(() => store.close());
    const db = store.db as unknown as Kysely<Notes>;
    await sql`create table notes (id integer primary key, text text not null, data blob)`.execute(db);
    return { store, db };
  }

  const texts = async (db: Kysely<Notes>) =>
    (await db.selectFrom("notes").select("text").orderBy("id").execute()).map((r) => r.text);

  it("runs statements in the order they were sent", async () => {
    const { db } = await notesStore();
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        db
          .insertInto("notes")
          .values({ text: `n${i}`, data: null })
          .execute(),
      ),
    );
    expect(await texts(db)).toEqual(Array.from({ length: 100 }, (_, i) => `n${i}`));
  });

  it("keeps other callers' statements out of an open transaction", async () => {
    const { db } = await notesStore();
    let outside: Promise<unknown> | undefined;
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto("notes").values({ text: "inside", data: null }).execute();
        // Sent while the transaction is open: it must wait, not join it and vanish with it.
        outside = db.insertInto("notes").values({ text: "outside", data: null }).execute();
        await trx.insertInto("notes").values({ text: "inside too", data: null }).execute();
        throw new Error("roll it back");
      }),
    ).rejects.toThrow("roll it back");
    await outside;
    expect(await texts(db)).toEqual(["outside"]);
  });

  it("commits a transaction, and lets the next one start only after it", async () => {
    const { db } = await notesStore();
    const order: string[] = [];
    await Promise.all(
      ["a", "b"].map((name) =>
        db.transaction().execute(async (trx) => {
          order.push(`begin ${name}`);
          await trx.insertInto("notes").values({ text: name, data: null }).execute();
          order.push(`end ${name}`);
        }),
      ),
    );
    expect(order).toEqual(["begin a", "end a", "begin b", "end b"]);
    expect(await texts(db)).toEqual(["a", "b"]);
  });

  it("carries SQLite's error codes across, and binary values both ways", async () => {
    const { db } = await notesStore();
    await db
      .insertInto("notes")
      .values({ id: 1, text: "one", data: Buffer.from([0, 1, 254, 255]) })
      .execute();
    const error = await db
      .insertInto("notes")
      .values({ id: 1, text: "again", data: null })
      .execute()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqliteError);
    expect((error as SqliteError).code).toBe("SQLITE_CONSTRAINT_PRIMARYKEY");
    const row = await db.selectFrom("notes").select("data").where("id", "=", 1).executeTakeFirstOrThrow();
    expect([...(row.data ?? [])]).toEqual([0, 1, 254, 255]);
  });

  it("says so when SQLite cannot open the file, and refuses statements once closed", async () => {
    // A folder where the database file should be.
    await expect(SqliteThread.open(tmpdir())).rejects.toMatchObject({ code: "SQLITE_CANTOPEN" });
    await expect(
      SqliteThread.open(join(tmpdir(), `wxgate-missing-${process.pid}`, "wxgate.db")),
    ).rejects.toThrow("directory does not exist");

    const thread = await SqliteThread.open(":memory:");
    expect(await thread.run("select 1 as one", [])).toEqual({ rows: [{ one: 1 }] });
    await thread.close();
    await expect(thread.run("select 1", [])).rejects.toBeInstanceOf(SqliteThreadStoppedError);
  });
});
