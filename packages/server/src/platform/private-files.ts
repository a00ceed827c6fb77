import { chmodSync, closeSync, openSync, statSync } from "node:fs";
import type { Logger } from "./logger.js";

/** Bits that let the group or others read, write or enter. */
const OPEN_TO_OTHERS = 0o077;

/** The mode of a folder wxgate creates for its data (the umask can only narrow it). */
export const PRIVATE_DIR_MODE = 0o700;

/** What a tightening warning needs of a logger. */
export type WarnLogger = Pick<Logger, "warn">;

/** The permission bits of `path`, or undefined when it does not exist. */
function modeOf(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o777;
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") return undefined;
    throw error;
  }
}

/** Takes the group's and others' bits off `path` where it has them; true when it did. */
function tighten(path: string, mode: number): boolean {
  if ((mode & OPEN_TO_OTHERS) === 0) return false;
  chmodSync(path, mode & ~OPEN_TO_OTHERS);
  return true;
}

/**
 * Folders wxgate creates for its data are owner-only (0700: `mkdirSync` with
 * {@link PRIVATE_DIR_MODE}). This tightens one that already exists and that the group or
 * others may read or enter, with a warning: the database and the master key inside it hold
 * personal data and every stored secret. Nothing happens when the folder does not exist.
 */
export function tightenPrivateDir(path: string, logger?: WarnLogger): void {
  const mode = modeOf(path);
  if (mode !== undefined && tighten(path, mode)) {
    logger?.warn(
      { path, mode: mode.toString(8), now: (mode & ~OPEN_TO_OTHERS).toString(8) },
      "the data folder was open to other users; it is now owner-only",
    );
  }
}

/** The files SQLite keeps beside a database: write-ahead log, shared-memory index, rollback journal. */
const SQLITE_SIDE_FILES = ["-wal", "-shm", "-journal"] as const;

/**
 * Makes a SQLite database owner-only (0600) before SQLite opens it: the file is created here
 * when missing (an empty file is an empty database), and one left wider by an older version
 * or by hand is tightened, with its side files, with a warning. SQLite creates the -wal,
 * -shm and -journal files later with the database file's own mode, whatever the umask, so
 * they are 0600 as well.
 */
export function ensurePrivateDatabaseFile(path: string, logger?: WarnLogger): void {
  try {
    closeSync(openSync(path, "wx", 0o600));
    // The umask may have narrowed the mode further, never widened it; make it exact anyway.
    chmodSync(path, 0o600);
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "EEXIST")) throw error;
  }
  const tightened: Array<{ path: string; mode: string }> = [];
  for (const file of [path, ...SQLITE_SIDE_FILES.map((suffix) => `${path}${suffix}`)]) {
    const mode = modeOf(file);
    if (mode !== undefined && tighten(file, mode)) tightened.push({ path: file, mode: mode.toString(8) });
  }
  if (tightened.length > 0) {
    logger?.warn(
      { files: tightened },
      "database files were readable by other users; they are now owner-only",
    );
  }
}
