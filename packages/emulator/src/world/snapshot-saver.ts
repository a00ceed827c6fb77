import { writeSnapshotFile } from "./snapshot.js";
import type { World } from "./world.js";

/** How long changes gather before the snapshot file is written, by default. */
export const SNAPSHOT_DELAY_MS = 1000;

export interface SnapshotSaverOptions {
  file: string;
  world: World;
  /** The file's text at this moment ({@link snapshotText}). */
  text: () => string;
  /** Real milliseconds between the first change and the write that includes it. */
  delayMs?: number;
  /** Receives a failed background write; the next change tries again. */
  onError?: (error: unknown) => void;
  /** True when the world was just loaded from `file`: nothing to write until it changes. */
  loadedFromFile?: boolean;
}

/**
 * Keeps a snapshot file current: the first change after a write arms one timer, and the write
 * it fires includes every change made meanwhile, so a burst of thousands of changes costs one
 * write per interval. One write runs at a time; changes during it arm the next. Real time, not
 * the emulated clock: this is about the disk, and a frozen emulated clock must still save.
 */
export class SnapshotSaver {
  readonly #options: SnapshotSaverOptions;
  readonly #delayMs: number;
  readonly #unsubscribe: () => void;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #savedRevision: number;
  #writes = 0;
  #closed = false;
  #waiters: (() => void)[] = [];

  constructor(options: SnapshotSaverOptions) {
    this.#options = options;
    this.#delayMs = options.delayMs ?? SNAPSHOT_DELAY_MS;
    this.#savedRevision = options.world.revision;
    this.#unsubscribe = options.world.onChange(() => this.#arm());
    // A world built from a preset is not in the file yet.
    if (!options.loadedFromFile) options.world.markChanged();
  }

  /** Files written so far. */
  get writes(): number {
    return this.#writes;
  }

  /** True when every change announced so far is in the file. */
  get saved(): boolean {
    return this.#savedRevision === this.#options.world.revision;
  }

  /** Resolves once every change announced so far is in the file, without hurrying the write. */
  whenSaved(): Promise<void> {
    if (this.saved) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Writes now when anything changed since the last write (after the one under way, if any). */
  async flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#save();
  }

  /** Stops listening and writes what is left; later changes are not saved. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#unsubscribe();
    await this.flush();
  }

  #arm(): void {
    if (this.#closed || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#save().catch((error: unknown) => this.#options.onError?.(error));
    }, this.#delayMs);
    // A pending write must not keep a process alive; shutting down flushes instead.
    this.#timer.unref();
  }

  async #save(): Promise<void> {
    while (this.#writing) await this.#writing.catch(() => {});
    const revision = this.#options.world.revision;
    if (revision === this.#savedRevision) return;
    const write = writeSnapshotFile(this.#options.file, this.#options.text()).then(() => {
      this.#savedRevision = revision;
      this.#writes++;
      if (this.saved) for (const resolve of this.#waiters.splice(0)) resolve();
    });
    this.#writing = write;
    try {
      await write;
    } finally {
      if (this.#writing === write) this.#writing = undefined;
    }
  }
}
