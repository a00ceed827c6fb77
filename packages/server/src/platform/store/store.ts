import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import pg from "pg";
import { ensurePrivateDatabaseFile, PRIVATE_DIR_MODE, type WarnLogger } from "../private-files.js";
import { type Checkpointer, startCheckpointer } from "./checkpointer.js";
import { SchemaScopedPostgresDialect } from "./postgres-introspector.js";
import type { Database } from "./schema.js";
import { cachingSqliteDatabase } from "./statement-cache.js";

/** Which SQL engine a store runs on; repositories rarely need to know. */
export type Dialect = "sqlite" | "postgres";

/** The store port: a typed query builder over the portable schema. */
export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /**
   * Proves the database answers (for `/healthz`): rejects when it is out of reach. On SQLite it
   * reads the schema on the connection directly, not through the query builder, whose one
   * connection is handed out in turn: a probe queued behind every request's queries measured
   * the queue, not the database.
   */
  ping(): Promise<void>;
  /** Closes the connection(s). */
  close(): Promise<void>;
}

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /**
   * PostgreSQL only: the schema to work in (created when missing). Lets tests and several
   * deployments share one database. A `schema` query parameter of the URL says the same
   * (`postgres://user@host/db?schema=wxgate`); this option wins over it.
   */
  schema?: string;
  /**
   * Told when SQLite database files open to other users are tightened, and when a PostgreSQL
   * connection drops.
   */
  logger?: WarnLogger;
}

const INT8_OID = 20;

/**
 * Opens the store named by a database URL: `sqlite:<path>` (embedded) or `postgres://…`
 * (with an optional `?schema=<name>`).
 */
export async function openStore(databaseUrl: string, options: OpenStoreOptions = {}): Promise<Store> {
  if (databaseUrl.startsWith("sqlite:")) {
    return openSqlite(databaseUrl.slice("sqlite:".length), options.logger);
  }
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    const { connectionString, schema } = postgresTarget(databaseUrl);
    return openPostgres(connectionString, options.schema ?? schema, options.logger);
  }
  throw new Error("the database URL must start with sqlite: or postgres://");
}

/**
 * Splits a PostgreSQL URL into what the driver connects to and the `schema` query parameter,
 * which is wxgate's, not the driver's (it is taken out of the connection string).
 */
export function postgresTarget(databaseUrl: string): { connectionString: string; schema?: string } {
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get("schema");
  if (schema === null) return { connectionString: databaseUrl };
  url.searchParams.delete("schema");
  return { connectionString: url.toString(), schema };
}

/**
 * SQLite in WAL mode: readers never block the writer; busy_timeout rides out the short
 * write locks of a second process (e.g. `wxgate admin create` while the server runs).
 * The database and its side files are owner-only (0600), in a folder created owner-only (0700).
 */
function openSqlite(path: string, logger: WarnLogger | undefined): Store {
  if (path !== ":memory:") {
    // Only a folder created here gets the mode; an existing one is left as the operator set it.
    mkdirSync(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
    ensurePrivateDatabaseFile(path, logger);
  }
  const database = new SqliteDatabase(path);
  database.pragma("journal_mode = WAL");
  database.pragma("busy_timeout = 5000");
  database.pragma("foreign_keys = ON");
  database.pragma("synchronous = NORMAL");
  // A checkpoint copies the log into the database and syncs it: left to SQLite alone, tens of
  // megabytes at a time inside whichever commit crosses the threshold, on the event loop. A
  // thread of its own copies the log twenty times a second (passive, beside reads and writes), so the
  // main connection's own checkpoint — still needed: only a connection that writes can start
  // the log over, and under steady writes a checkpoint from elsewhere never finds the log
  // quiet — finds nearly everything copied already and costs little. The file is cut back to
  // 64 MiB whenever the log starts over.
  let checkpointer: Checkpointer | undefined;
  if (path !== ":memory:") {
    database.pragma("wal_autocheckpoint = 4000");
    database.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
    checkpointer = startCheckpointer({
      path,
      onError: (message) => {
        logger?.warn({ reason: message }, "the checkpoint thread failed; checkpoints run in commits alone");
      },
    });
  }
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: cachingSqliteDatabase(database) }),
  });
  const schemaVersion = database.prepare("pragma schema_version");
  return {
    db,
    dialect: "sqlite",
    ping: async () => {
      schemaVersion.get();
    },
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

async function openPostgres(
  url: string,
  schema: string | undefined,
  logger: WarnLogger | undefined,
): Promise<Store> {
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error("a PostgreSQL schema name must be lower-case letters, digits and underscores");
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // Epoch-ms timestamps are BIGINT; they fit a double exactly, so read them as numbers.
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === INT8_OID
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // A connection that drops (the database restarts, the network fails) emits 'error' on its
  // client, idle or in use, and an idle one on the pool too. Unheard, either event would end
  // the process; heard, the query in flight fails, the broken connection leaves the pool when
  // it is released, and the next query opens a new one.
  pool.on("connect", (client) => {
    client.on("error", (error) => {
      logger?.warn({ err: error }, "a PostgreSQL connection dropped; the next query opens a new one");
    });
  });
  pool.on("error", () => {
    // Already reported by the client's own listener above.
  });
  if (schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  const db = new Kysely<Database>({ dialect: new SchemaScopedPostgresDialect({ pool }) });
  return {
    db,
    dialect: "postgres",
    ping: async () => {
      await pool.query("select 1");
    },
    close: () => db.destroy(),
  };
}
