import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { randomToken } from "../secrets.js";
import { openStore, type Store } from "./store.js";

/**
 * Stores for tests, one per engine, so every port's contract runs on both adapters.
 *
 * PostgreSQL: WXGATE_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/test); each
 * store gets its own schema `wxgate_test_<random>`, dropped by `dispose`. Set
 * WXGATE_TEST_PG=off to skip the PostgreSQL runs — only then; an unreachable server fails.
 */
export interface TestStoreFactory {
  name: "sqlite" | "postgres";
  /** Opens a fresh, empty store; `reopen` opens another connection to the same data. */
  create(): Promise<{ store: Store; reopen(): Promise<Store>; dispose(): Promise<void> }>;
}

export const testPgUrl = process.env["WXGATE_TEST_PG_URL"] ?? "postgres://postgres@127.0.0.1:5432/test";
export const pgTestsOff = process.env["WXGATE_TEST_PG"] === "off";

if (pgTestsOff) {
  console.warn("\n!!! WXGATE_TEST_PG=off: the PostgreSQL adapter is NOT being tested in this run. !!!\n");
}

/**
 * A store handle whose `reopen` opens the same database again (another process, or after a
 * restart) and whose `dispose` closes every store it opened, then runs `cleanUp`.
 */
async function trackedStores(open: () => Promise<Store>, cleanUp: () => Promise<void> | void) {
  const opened: Store[] = [];
  const reopen = async () => {
    const store = await open();
    opened.push(store);
    return store;
  };
  const store = await reopen();
  return {
    store,
    reopen,
    async dispose() {
      for (const s of opened) await s.close().catch(() => {});
      await cleanUp();
    },
  };
}

const sqliteFactory: TestStoreFactory = {
  name: "sqlite",
  async create() {
    const dir = mkdtempSync(join(tmpdir(), "wxgate-store-"));
    const url = `sqlite:${join(dir, "wxgate.db")}`;
    return trackedStores(
      () => openStore(url),
      () => rmSync(dir, { recursive: true, force: true }),
    );
  },
};

const postgresFactory: TestStoreFactory = {
  name: "postgres",
  async create() {
    const schema = `wxgate_test_${randomToken(6)
      .toLowerCase()
      .replace(/[^a-z0-9]/g, "")}${Date.now() % 100000}`;
    return trackedStores(
      () => openStore(testPgUrl, { schema }),
      async () => {
        const client = new pg.Client({ connectionString: testPgUrl });
        await client.connect();
        try {
          await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        } finally {
          await client.end();
        }
      },
    );
  },
};

/** The engines to run contract tests against. */
export const testStoreFactories: TestStoreFactory[] = pgTestsOff
  ? [sqliteFactory]
  : [sqliteFactory, postgresFactory];
