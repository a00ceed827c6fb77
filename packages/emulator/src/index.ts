/**
 * @wxgate/emulator — WeChat's servers, offline: the same paths, JSON, error codes, limits and
 * token rules, with a controllable clock and a control API under `/__emulator`.
 */

export {
  type ApisControl,
  CUSTOMER_SERVICE_EXTENSION,
  type CustomerServiceBook,
  MATERIALS_EXTENSION,
  type MaterialsBook,
  type NewTemplate,
} from "./apis/index.js";
export { mediaSamples } from "./apis/media-samples.js";
export type { CreateEmulatorOptions, EmulatorPluginOptions, RunningEmulator } from "./app.js";
export { closeCore, createEmulator, emulatorPlugin } from "./app.js";
export {
  type Clock,
  ControllableClock,
  type ControllableClockOptions,
  type ScheduledTask,
  Scheduler,
  systemClock,
} from "./clock.js";
export type {
  ComponentAuthorizeInput,
  ComponentAuthorizeResult,
  ComponentControl,
} from "./component/index.js";
export {
  CoreControl,
  type EmulatorControl,
  type EmulatorControlExtensions,
  type FollowerSummary,
  type InvalidateTokenOptions,
  type RequestLogFilter,
} from "./control/control.js";
export { createEmulatorCore, type EmulatorCore, type EmulatorCoreOptions } from "./core.js";
export type * from "./follower/index.js";
export { type ResolvedAccount, resolveAccount, resolveComponent } from "./http/access.js";
export type { BaseUrls, EmulatorContext, EmulatorModule, EmulatorServices } from "./http/context.js";
export { CONTROL_PREFIX, ControlError, controlRoute } from "./http/control-route.js";
export type { FaultSpec } from "./http/faults.js";
export { beijingDay, beijingMonth, defaultDailyLimits } from "./http/quota.js";
export { type WxCall, type WxRouteDefinition, wxRoute } from "./http/route.js";
export { WxFault, wxError } from "./http/wx-error.js";
export { IdGenerator, Prng } from "./ids.js";
export type * from "./push/index.js";
export { TOKEN_MAX_LENGTH, TOKEN_OVERLAP_MS, TOKEN_TTL_MS, TokenStore } from "./tokens/store.js";
export type { DemoIds } from "./world/demo.js";
export type { NewAccount, NewFollower, NewPlatform } from "./world/factory.js";
export { SNAPSHOT_DELAY_MS, SnapshotSaver, type SnapshotSaverOptions } from "./world/snapshot-saver.js";
export type * from "./world/types.js";
export { World, type WorldChangeListener, type WorldSummary } from "./world/world.js";
