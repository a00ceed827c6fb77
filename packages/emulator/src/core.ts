import { type Clock, ControllableClock, Scheduler } from "./clock.js";
import type { EmulatorControl } from "./control/control.js";
import { createControl } from "./control/control.js";
import type { BaseUrls, ResolvedEmulatorOptions } from "./http/context.js";
import { errmsgText } from "./http/errmsg.js";
import { FaultBook } from "./http/faults.js";
import { QuotaBook } from "./http/quota.js";
import { IdGenerator } from "./ids.js";
import { TokenStore } from "./tokens/store.js";
import { loadDemoPreset } from "./world/demo.js";
import { readSnapshotFile, snapshotText } from "./world/snapshot.js";
import { SnapshotSaver } from "./world/snapshot-saver.js";
import { World } from "./world/world.js";

/** Options shared by {@link createEmulator} and the Fastify plugin. */
export interface EmulatorCoreOptions {
  /** Defaults to a {@link ControllableClock} running with real time. */
  clock?: Clock;
  /** Same seed → same tokens, OpenIDs and demo data. Random when absent. */
  seed?: number | string;
  /** `demo` fills the world with a platform, three accounts and followers; `empty` (default) does not. */
  preset?: "demo" | "empty";
  /**
   * Load the world from this file when it exists; save it there after changes (gathered for
   * `snapshotDelayMs`, written atomically), on close and on request.
   */
  snapshotFile?: string;
  /** Real milliseconds changes gather before `snapshotFile` is written (default 1000). */
  snapshotDelayMs?: number;
  /** Mount prefix (e.g. `/sandbox`); empty by default. */
  prefix?: string;
  /** Daily limit overrides, API path → calls a day (e.g. `{"/cgi-bin/token": 5}` in tests). */
  limits?: Record<string, number>;
}

/** The emulator without HTTP: state, time, ids and the shared books. */
export interface EmulatorCore {
  world: World;
  clock: Clock;
  scheduler: Scheduler;
  ids: IdGenerator;
  tokens: TokenStore;
  quota: QuotaBook;
  faults: FaultBook;
  options: ResolvedEmulatorOptions;
  control: EmulatorControl;
  /** Keeps `snapshotFile` current (absent without one); {@link closeCore} flushes it. */
  snapshots: SnapshotSaver | undefined;
  errmsg(errcode: number): string;
  /** Set when the base URLs become known (listen, or the host app's origin). */
  setOrigin(origin: string): void;
  baseUrls(): BaseUrls;
  closeHooks: (() => void | Promise<void>)[];
}

function normalizePrefix(prefix: string | undefined): string {
  if (!prefix || prefix === "/") return "";
  const withSlash = prefix.startsWith("/") ? prefix : `/${prefix}`;
  return withSlash.replace(/\/+$/, "");
}

/** Builds the state side of an emulator (loads the snapshot or the preset). */
export async function createEmulatorCore(options: EmulatorCoreOptions = {}): Promise<EmulatorCore> {
  const clock = options.clock ?? new ControllableClock();
  const snapshot = options.snapshotFile ? await readSnapshotFile(options.snapshotFile) : undefined;
  const ids = new IdGenerator(snapshot?.seed ?? options.seed);
  if (snapshot) ids.prng.state = snapshot.prngState;
  const world = new World();
  if (snapshot) {
    world.state = snapshot.world;
    if (clock instanceof ControllableClock && clock.now() < snapshot.clockNow) clock.set(snapshot.clockNow);
  }
  const resolved: ResolvedEmulatorOptions = {
    seed: ids.seed,
    preset: options.preset ?? "empty",
    prefix: normalizePrefix(options.prefix),
    snapshotFile: options.snapshotFile,
    limits: { ...(options.limits ?? {}) },
  };
  let origin = "http://127.0.0.1";
  const scheduler = new Scheduler(clock, {
    onError: (error) => {
      process.emitWarning(`emulator task failed: ${error instanceof Error ? error.message : String(error)}`);
    },
    // Ticket pushes, retries and mass sends change the world with no request to announce them.
    afterRun: () => world.markChanged(),
  });
  const core: EmulatorCore = {
    world,
    clock,
    scheduler,
    ids,
    tokens: new TokenStore(world, ids, clock),
    quota: new QuotaBook(clock, resolved.limits),
    faults: new FaultBook(world),
    options: resolved,
    control: undefined as unknown as EmulatorControl,
    snapshots: undefined,
    errmsg: errmsgText,
    setOrigin: (value) => {
      origin = value.replace(/\/+$/, "");
    },
    baseUrls: () => {
      const base = `${origin}${resolved.prefix}`;
      return { api: base, mp: base, open: base, control: `${base}/__emulator` };
    },
    closeHooks: [],
  };
  core.control = createControl(core);
  if (!snapshot && resolved.preset === "demo") loadDemoPreset(world, ids, clock.now());
  if (options.snapshotFile) {
    core.snapshots = new SnapshotSaver({
      file: options.snapshotFile,
      world,
      text: () => snapshotText(world, ids, clock.now()),
      loadedFromFile: snapshot !== undefined,
      ...(options.snapshotDelayMs !== undefined ? { delayMs: options.snapshotDelayMs } : {}),
      onError: (error) => {
        process.emitWarning(
          `emulator snapshot not saved: ${error instanceof Error ? error.message : String(error)}`,
        );
      },
    });
  }
  return core;
}
