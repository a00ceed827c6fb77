import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/**
 * The worker's code, run as a CommonJS script (`eval`), so it needs no build step and no
 * TypeScript loader in either the built server or the tests. It opens its own connection to
 * the database and checkpoints the write-ahead log every `intervalMs`.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
// The thread keeps the normal priority on purpose. A checkpoint holds SQLite's checkpoint
// lock, and while it does the writer's own checkpoint (the one that starts the log over) is
// refused. At the lowest priority, on a machine whose cores were busy, the thread was
// preempted inside a checkpoint for seconds, and a test's 120 MB of small commits all piled
// up in the log (130-160 MB of it, against 16-35 MB at the normal priority).
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma("busy_timeout = 5000");
let stopped = false;
function checkpoint() {
  try {
    // PASSIVE: copies what no reader still needs, never waits for or blocks a writer. Once
    // every frame is copied, the next writer starts the log from its beginning again.
    const [result] = db.pragma("wal_checkpoint(PASSIVE)");
    parentPort.postMessage({ kind: "checkpoint", log: result.log, checkpointed: result.checkpointed });
  } catch (error) {
    parentPort.postMessage({ kind: "error", message: String(error && error.message || error) });
  }
}
// The pause is counted from the end of a checkpoint, not its start: however long one takes,
// the lock is free for a whole interval after it, for the writer's checkpoint to find.
let timer;
function schedule() {
  timer = setTimeout(() => {
    if (stopped) return;
    checkpoint();
    schedule();
  }, workerData.intervalMs);
}
schedule();
parentPort.on("message", (message) => {
  if (message === "stop") {
    stopped = true;
    clearTimeout(timer);
    checkpoint();
    db.close();
    parentPort.postMessage({ kind: "stopped" });
  } else if (message === "now") {
    checkpoint();
  }
});
`;

/** What one checkpoint did: the log's frames, and how many of them are in the database now. */
export interface CheckpointResult {
  log: number;
  checkpointed: number;
}

/** Options of {@link startCheckpointer}. */
export interface CheckpointerOptions {
  /** The database file (WAL mode). */
  path: string;
  /** How often to checkpoint, in ms (50). An idle log costs nothing: nothing to copy, no sync. */
  intervalMs?: number;
  /** Told of each checkpoint (tests) and of failures (logs). */
  onCheckpoint?: (result: CheckpointResult) => void;
  onError?: (message: string) => void;
}

/** A running checkpointer thread. */
export interface Checkpointer {
  /** Asks for a checkpoint now (it is reported through `onCheckpoint`). */
  checkpointNow(): void;
  /** Checkpoints once more, closes the thread's connection and ends the thread. */
  stop(): Promise<void>;
}

/**
 * Checkpoints a SQLite database's write-ahead log on a thread of its own. Left to SQLite, the
 * checkpoint runs inside the commit that crosses the threshold — on the event loop, copying
 * the whole log and syncing the file while every request waits. This thread copies the log
 * into the database twenty times a second, in passive mode, beside the main thread's reads and
 * writes, so when the main connection's own (small) checkpoint comes, nearly everything is
 * copied and synced already: what is left to sync is a twentieth of a second's writes. Copying
 * every second instead left a second's worth to the main connection's sync, which stopped the
 * event loop for 25–37 ms every few seconds under sustained pushes. Ten times a second still
 * left a commit of the soak's pushes taking 5–20 ms about once a second; twenty times, about
 * a quarter as often (each transaction timed within its turn of the event loop). The main
 * connection's own checkpoint is still needed: only the writing connection can start the log
 * over, and under steady writes a checkpoint from elsewhere never finds the log quiet.
 */
export function startCheckpointer(options: CheckpointerOptions): Checkpointer {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { path: options.path, driver, intervalMs: options.intervalMs ?? 50 },
  });
  // The thread must not keep a process alive that has nothing else to do.
  worker.unref();
  let stopped: Promise<void> | undefined;
  let onStopped: (() => void) | undefined;
  worker.on("message", (message: { kind: string; log?: number; checkpointed?: number; message?: string }) => {
    if (message.kind === "checkpoint") {
      options.onCheckpoint?.({ log: message.log ?? 0, checkpointed: message.checkpointed ?? 0 });
    } else if (message.kind === "error") {
      options.onError?.(message.message ?? "checkpoint failed");
    } else if (message.kind === "stopped") {
      onStopped?.();
    }
  });
  worker.on("error", (error) => options.onError?.(error.message));
  return {
    checkpointNow() {
      worker.postMessage("now");
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        const done = () => {
          void worker.terminate().then(() => resolve());
        };
        onStopped = done;
        worker.once("exit", () => resolve());
        worker.postMessage("stop");
      });
      return stopped;
    },
  };
}
