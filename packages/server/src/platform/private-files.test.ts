import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { tightenPrivateDir, type WarnLogger } from "./private-files.js";
import { openStore, type Store } from "./store/store.js";

const modeOf = (path: string) => statSync(path).mode & 0o777;

/** Every entry of a folder with its permission bits, as `name: mode` in octal. */
function modes(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((name) => [name, modeOf(join(dir, name)).toString(8)]));
}

function recordingLogger() {
  const warnings: Array<{ fields: unknown; message: string }> = [];
  const logger: WarnLogger = {
    warn: ((fields: unknown, message: string) => {
      warnings.push({ fields, message });
    }) as WarnLogger["warn"],
  };
  return { logger, warnings };
}

describe("private files", () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  function tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), "wxgate-private-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  async function open(path: string, logger?: WarnLogger): Promise<Store> {
    const store = await openStore(`sqlite:${path}`, logger ? { logger } : {});
    cleanups.push(() => store.close());
    return store;
  }

  async function write(store: Store, n: number): Promise<void> {
    await sql`create table if not exists notes (n integer)`.execute(store.db);
    await sql`insert into notes values (${n})`.execute(store.db);
  }

  it("creates the database folder 0700 and the database, its -wal and -shm 0600", async () => {
    const dir = join(tempDir(), "data", "nested");
    const store = await open(join(dir, "wxgate.db"));
    await write(store, 1);
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(join(dir, ".."))).toBe(0o700);
    expect(modes(dir)).toEqual({ "wxgate.db": "600", "wxgate.db-wal": "600", "wxgate.db-shm": "600" });
    expect(statSync(join(dir, "wxgate.db-wal")).size).toBeGreaterThan(0);

    // A checkpoint that restarts the log keeps the mode: SQLite reuses the files it has.
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(store.db);
    await write(store, 2);
    expect(modes(dir)).toEqual({ "wxgate.db": "600", "wxgate.db-wal": "600", "wxgate.db-shm": "600" });
  });

  it("tightens a database and side files left readable by others, and says so", async () => {
    const dir = tempDir();
    const path = join(dir, "wxgate.db");
    const first = await open(path);
    await write(first, 1);
    await first.close();
    // As an older version (or a copy with cp) left them; a crash leaves the -wal and -shm behind.
    chmodSync(path, 0o644);
    writeFileSync(`${path}-wal`, "");
    writeFileSync(`${path}-shm`, "");
    chmodSync(`${path}-wal`, 0o664);
    chmodSync(`${path}-shm`, 0o644);
    const { logger, warnings } = recordingLogger();
    const store = await open(path, logger);
    await write(store, 2);
    expect(modes(dir)).toEqual({ "wxgate.db": "600", "wxgate.db-wal": "600", "wxgate.db-shm": "600" });
    expect(warnings).toEqual([
      {
        message: "database files were readable by other users; they are now owner-only",
        fields: {
          files: [
            { path, mode: "644" },
            { path: `${path}-wal`, mode: "664" },
            { path: `${path}-shm`, mode: "644" },
          ],
        },
      },
    ]);
    const rows = await sql<{ n: number }>`select n from notes order by n`.execute(store.db);
    expect(rows.rows.map((r) => r.n)).toEqual([1, 2]);
  });

  it("says nothing when the files are already owner-only", async () => {
    const dir = tempDir();
    const path = join(dir, "wxgate.db");
    await (await open(path)).close();
    const { logger, warnings } = recordingLogger();
    await write(await open(path, logger), 1);
    expect(warnings).toEqual([]);
  });

  it("tightens a data folder the group or others may enter, and leaves a private or missing one alone", () => {
    const root = tempDir();
    const wide = join(root, "open");
    mkdirSync(wide);
    chmodSync(wide, 0o755);
    const { logger, warnings } = recordingLogger();
    tightenPrivateDir(wide, logger);
    expect(modeOf(wide)).toBe(0o700);
    expect(warnings).toEqual([
      {
        message: "the data folder was open to other users; it is now owner-only",
        fields: { path: wide, mode: "755", now: "700" },
      },
    ]);

    const group = join(root, "group");
    mkdirSync(group);
    chmodSync(group, 0o750);
    tightenPrivateDir(group, logger);
    expect(modeOf(group)).toBe(0o700);

    const narrow = join(root, "narrow");
    mkdirSync(narrow);
    chmodSync(narrow, 0o500);
    tightenPrivateDir(narrow, logger);
    expect(modeOf(narrow)).toBe(0o500);
    chmodSync(narrow, 0o700);

    tightenPrivateDir(join(root, "missing"), logger);
    expect(readdirSync(root).sort()).toEqual(["group", "narrow", "open"]);
    expect(warnings).toHaveLength(2);
  });
});
