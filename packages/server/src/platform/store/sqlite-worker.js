// @ts-check
/**
 * The embedded store's one SQLite connection, on a thread of its own.
 *
 * better-sqlite3 is synchronous: on the main thread every statement, commit and WAL checkpoint
 * stops the event loop for as long as it takes. Here it stops only this thread, and the main
 * thread keeps answering requests while rows are written. One connection also means one
 * writer: nothing in the process waits on SQLite's busy handler.
 *
 * Plain JavaScript, type-checked by tsc (checkJs), so the same file runs from the sources
 * under the test runner and from the build.
 *
 * Messages in: `{ id, sql, parameters }` (one statement) or `{ id, close: true }`.
 * Messages out: `{ id, rows }`, `{ id, changes, lastInsertRowid }`, `{ id, error }`, and
 * `{ id: 0, ready: true }` once the database is open (or `{ id: 0, error }`).
 */
import { parentPort, workerData } from "node:worker_threads";
import SqliteDatabase from "better-sqlite3";

/** Prepared statements kept, by SQL text: preparing costs as much as running a small insert. */
const MAX_STATEMENTS = 500;

const port = parentPort;
if (!port) throw new Error("sqlite-worker.js runs as a worker thread");

/** @param {unknown} error */
function describe(error) {
  if (error instanceof Error) {
    const code = "code" in error && typeof error.code === "string" ? error.code : undefined;
    return { name: error.name, message: error.message, code };
  }
  return { name: "Error", message: String(error), code: undefined };
}

/** @param {string} path */
function open(path) {
  const database = new SqliteDatabase(path);
  // WAL: readers (other processes, e.g. `wxgate admin create`) never block the writer, and
  // busy_timeout rides out their short write locks.
  database.pragma("journal_mode = WAL");
  database.pragma("busy_timeout = 5000");
  database.pragma("foreign_keys = ON");
  database.pragma("synchronous = NORMAL");
  // Checkpoints (which sync the database file) every ~40 MB of log instead of every ~4 MB:
  // the gateway appends an event per push.
  database.pragma("wal_autocheckpoint = 10000");
  return database;
}

/** @type {Map<string, import("better-sqlite3").Statement>} */
const statements = new Map();

/**
 * @param {SqliteDatabase.Database} database
 * @param {string} sql
 */
function prepare(database, sql) {
  const cached = statements.get(sql);
  if (cached) {
    // Re-inserted so that the first key of the Map is always the least recently used.
    statements.delete(sql);
    statements.set(sql, cached);
    return cached;
  }
  const statement = database.prepare(sql);
  statements.set(sql, statement);
  if (statements.size > MAX_STATEMENTS) {
    const oldest = statements.keys().next().value;
    if (oldest !== undefined) statements.delete(oldest);
  }
  return statement;
}

/**
 * Buffers arrive as plain Uint8Arrays after crossing threads; better-sqlite3 binds Buffers.
 * @param {readonly unknown[]} parameters
 */
function bindable(parameters) {
  let copy;
  for (let i = 0; i < parameters.length; i++) {
    const value = parameters[i];
    if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
      copy ??= [...parameters];
      copy[i] = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    }
  }
  return copy ?? parameters;
}

/** @type {SqliteDatabase.Database | undefined} */
let database;
try {
  database = open(String(workerData.path));
} catch (error) {
  // Told to the opener, which rejects; the thread then ends with its port.
  port.postMessage({ id: 0, error: describe(error) });
  port.close();
}
if (database) {
  const db = database;
  port.on(
    "message",
    (/** @type {{ id: number, sql?: string, parameters?: readonly unknown[], close?: boolean }} */ message) =>
      answer(db, message),
  );
  port.postMessage({ id: 0, ready: true });
}

/**
 * @param {SqliteDatabase.Database} database
 * @param {{ id: number, sql?: string, parameters?: readonly unknown[], close?: boolean }} message
 */
function answer(database, message) {
  const { id } = message;
  if (message.close) {
    statements.clear();
    try {
      database.close();
      port?.postMessage({ id, closed: true });
    } catch (error) {
      port?.postMessage({ id, error: describe(error) });
    }
    port?.close();
    return;
  }
  try {
    const statement = prepare(database, message.sql ?? "");
    const parameters = bindable(message.parameters ?? []);
    if (statement.reader) {
      port?.postMessage({ id, rows: statement.all(parameters) });
    } else {
      const { changes, lastInsertRowid } = statement.run(parameters);
      port?.postMessage({ id, changes, lastInsertRowid });
    }
  } catch (error) {
    port?.postMessage({ id, error: describe(error) });
  }
}
