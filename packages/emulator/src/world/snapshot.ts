import { readFile } from "node:fs/promises";
import writeFileAtomic from "write-file-atomic";
import type { IdGenerator } from "../ids.js";
import type { WorldState } from "./types.js";
import { parseState, type World } from "./world.js";

/** A snapshot file: the world, the emulated time and the id generator's position. */
export interface SnapshotDocument {
  format: "wxgate-emulator-snapshot";
  version: 1;
  savedAt: number;
  /** Emulated time when saved; a restored clock never goes back before it. */
  clockNow: number;
  seed: string;
  prngState: [number, number, number, number];
  world: WorldState;
}

export function snapshotDocument(world: World, ids: IdGenerator, now: number): SnapshotDocument {
  return documentOf(world.toJSON(), ids, now);
}

/**
 * The snapshot as file text. Serialized in one synchronous step, it is one moment of the live
 * state, so the deep copy {@link snapshotDocument} makes for callers who keep the object is
 * not needed here.
 */
export function snapshotText(world: World, ids: IdGenerator, now: number): string {
  return JSON.stringify(documentOf(world.state, ids, now));
}

function documentOf(state: WorldState, ids: IdGenerator, now: number): SnapshotDocument {
  return {
    format: "wxgate-emulator-snapshot",
    version: 1,
    savedAt: Date.now(),
    clockNow: now,
    seed: ids.seed,
    prngState: ids.prng.state,
    world: state,
  };
}

function isPrngState(value: unknown): value is [number, number, number, number] {
  return (
    Array.isArray(value) &&
    value.length === 4 &&
    value.every((n) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 32)
  );
}

/** Validates a parsed snapshot file; throws a TypeError that names the problem. */
export function parseSnapshotDocument(value: unknown): SnapshotDocument {
  if (typeof value !== "object" || value === null) throw new TypeError("snapshot must be a JSON object");
  const doc = value as Record<string, unknown>;
  if (doc.format !== "wxgate-emulator-snapshot" || doc.version !== 1) {
    throw new TypeError("not a wxgate emulator snapshot (format/version)");
  }
  if (typeof doc.clockNow !== "number" || typeof doc.seed !== "string" || !isPrngState(doc.prngState)) {
    throw new TypeError("snapshot: clockNow, seed or prngState is missing");
  }
  return {
    format: "wxgate-emulator-snapshot",
    version: 1,
    savedAt: typeof doc.savedAt === "number" ? doc.savedAt : 0,
    clockNow: doc.clockNow,
    seed: doc.seed,
    prngState: doc.prngState,
    world: parseState(doc.world),
  };
}

/**
 * Writes a snapshot (a document, or its {@link snapshotText}) atomically: a temp file in the
 * same folder, flushed to disk, then renamed over the old one, so a crash or power loss leaves
 * the old snapshot or the new one, never half of one. Mode 0600: it holds the AppSecrets.
 * Writes to one file from this process are queued, never interleaved.
 */
export async function writeSnapshotFile(file: string, snapshot: SnapshotDocument | string): Promise<void> {
  const text = typeof snapshot === "string" ? snapshot : JSON.stringify(snapshot);
  await writeFileAtomic(file, text, { mode: 0o600, fsync: true });
}

/** Reads a snapshot file; undefined when it does not exist yet. */
export async function readSnapshotFile(file: string): Promise<SnapshotDocument | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return parseSnapshotDocument(JSON.parse(text));
}
