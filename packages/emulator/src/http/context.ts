import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import type { Scheduler } from "../clock.js";
import type { EmulatorControl, EmulatorControlExtensions } from "../control/control.js";
import type { FaultBook } from "./faults.js";
import type { QuotaBook } from "./quota.js";
import type { WxRuntime } from "./request-state.js";

/**
 * Services modules offer each other (e.g. push offers `deliver`). A module declares its
 * entry by augmentation:
 *
 * ```ts
 * declare module "../http/context.js" {
 *   interface EmulatorServices { push: PushService }
 * }
 * ```
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by module augmentation
export interface EmulatorServices {}

/** The three WeChat hosts (all served by one app) and the control API, as absolute URLs. */
export interface BaseUrls {
  /** Stands for https://api.weixin.qq.com. */
  api: string;
  /** Stands for https://mp.weixin.qq.com. */
  mp: string;
  /** Stands for https://open.weixin.qq.com. */
  open: string;
  /** The emulator's own control API (`…/__emulator`). */
  control: string;
}

export interface ResolvedEmulatorOptions {
  seed: string;
  preset: "demo" | "empty";
  prefix: string;
  snapshotFile: string | undefined;
  /** Daily limit overrides (API path → calls a day). */
  limits: Record<string, number>;
}

/** Everything a module gets in `register(app, ctx)`. */
export interface EmulatorContext extends WxRuntime {
  scheduler: Scheduler;
  quota: QuotaBook;
  faults: FaultBook;
  log: FastifyBaseLogger;
  options: ResolvedEmulatorOptions;
  /** The control surface; modules add their namespace with {@link extendControl}. */
  control: EmulatorControl;
  /** Adds `control[name]` (declare it in `EmulatorControlExtensions` by augmentation). */
  extendControl<K extends keyof EmulatorControlExtensions>(
    name: K,
    methods: EmulatorControlExtensions[K],
  ): void;
  /** Offers a service to other modules. */
  provide<K extends keyof EmulatorServices>(name: K, service: EmulatorServices[K]): void;
  /** A service another module offered; throws when that module is not registered. */
  use<K extends keyof EmulatorServices>(name: K): EmulatorServices[K];
  /** Runs when the emulator closes (stop timers, flush state). */
  onClose(fn: () => void | Promise<void>): void;
  /** The base URLs, known once the emulator listens (or the host app told its origin). */
  baseUrls(): BaseUrls;
}

/**
 * A plug-in folder of the emulator (component/, push/, follower/, apis/). `register` adds
 * WeChat routes with `wxRoute`, control routes with `controlRoute`, scheduled tasks with
 * `ctx.scheduler`, services with `ctx.provide`, and control methods with `ctx.extendControl`.
 */
export interface EmulatorModule {
  name: string;
  register(app: FastifyInstance, ctx: EmulatorContext): void | Promise<void>;
}
