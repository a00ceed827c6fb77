import pg from "pg";
import { randomToken } from "../platform/secrets.js";
import { pgTestsOff, testPgUrl } from "../platform/store/test-stores.js";

/** A fresh, empty database for one test server, and how to throw it away. */
export interface TestDatabase {
  /** WXGATE_* settings that point a server at it (none for SQLite: its file is in the data folder). */
  env: Record<string, string>;
  /** Drops what the server left; call it after the server is closed. */
  dispose(): Promise<void>;
}

/**
 * An engine an end-to-end suite runs on, through the server's own configuration: the server is
 * told `WXGATE_DATABASE_URL` exactly as an operator would tell it.
 *
 * PostgreSQL: WXGATE_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/test), each database
 * a schema of its own (`?schema=wxgate_e2e_<random>`), dropped by `dispose`. WXGATE_TEST_PG=off
 * leaves PostgreSQL out (and says so); otherwise an unreachable server fails the suite.
 */
export interface TestEngine {
  name: "sqlite" | "postgres";
  database(): Promise<TestDatabase>;
}

const sqliteEngine: TestEngine = {
  name: "sqlite",
  async database() {
    return { env: {}, dispose: async () => {} };
  },
};

/** A schema name no other test uses. */
function freshSchema(): string {
  const random = randomToken(8)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
  return `wxgate_e2e_${random}${process.pid}`;
}

/** Runs one statement on the test PostgreSQL with a connection of its own. */
async function onPostgres(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: testPgUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** The test PostgreSQL's URL with `schema` set as the server reads it. */
export function postgresUrlWithSchema(schema: string): string {
  const url = new URL(testPgUrl);
  url.searchParams.set("schema", schema);
  return url.toString();
}

const postgresEngine: TestEngine = {
  name: "postgres",
  async database() {
    const schema = freshSchema();
    return {
      env: { WXGATE_DATABASE_URL: postgresUrlWithSchema(schema) },
      dispose: () => onPostgres(`DROP SCHEMA IF EXISTS ${schema} CASCADE`),
    };
  },
};

/** The engines end-to-end suites run on: `describe.each(testEngines)("… on $name", …)`. */
export const testEngines: readonly TestEngine[] = pgTestsOff
  ? [sqliteEngine]
  : [sqliteEngine, postgresEngine];
