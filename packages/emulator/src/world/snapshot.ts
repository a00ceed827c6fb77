import { readFile, rename, writeFile } from "node:fs/promises";
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
  return {
    format: "wxgate-emulator-snapshot",
    version: 1,
    savedAt: Date.now(),
    clockNow: now,
    seed: ids.seed,
    prngState: ids.prng.state,
    world: world.toJSON(),
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

/** Writes atomically (temp file + rename) so a crash never leaves half a snapshot. */
export async function writeSnapshotFile(file: string, doc: SnapshotDocument): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(doc), { mode: 0o600 });
  await rename(temp, file);
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
