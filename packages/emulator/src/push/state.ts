import { pushLimits } from "@wxgate/wechat";
import type { World } from "../world/world.js";
import type { AgentSession, PushAttempt, PushSettings } from "./types.js";

/** The push module's part of the world (snapshotted with it). */
export interface PushState {
  settings: PushSettings;
  nextPushId: number;
  log: PushAttempt[];
  /** `${appId}\u0000${openId}` → customer-service session. */
  agentSessions: Record<string, AgentSession>;
}

export const PUSH_EXTENSION = "push";

export const DEFAULT_PUSH_SETTINGS: PushSettings = {
  replyTimeoutMs: pushLimits.replyTimeoutSeconds * 1000,
  attempts: pushLimits.attempts,
  logCapacity: 10_000,
};

/** Idle time after which a customer-service session ends by itself. */
export const AGENT_SESSION_IDLE_MS = pushLimits.customerServiceSessionIdleSeconds * 1000;

export function pushState(world: World): PushState {
  const state = world.extension<PushState>(PUSH_EXTENSION, () => ({
    settings: { ...DEFAULT_PUSH_SETTINGS },
    nextPushId: 1,
    log: [],
    agentSessions: {},
  }));
  // Snapshots written before a setting existed get its default.
  state.settings = { ...DEFAULT_PUSH_SETTINGS, ...state.settings };
  return state;
}

export function sessionKey(appId: string, openId: string): string {
  return `${appId}\u0000${openId}`;
}

/** Checks settings from the control API; returns the problem or undefined. */
export function settingsProblem(settings: Partial<PushSettings>): string | undefined {
  const { replyTimeoutMs, attempts, logCapacity } = settings;
  if (
    replyTimeoutMs !== undefined &&
    !(Number.isInteger(replyTimeoutMs) && replyTimeoutMs >= 1 && replyTimeoutMs <= 120_000)
  ) {
    return "replyTimeoutMs must be a whole number of milliseconds between 1 and 120000";
  }
  if (attempts !== undefined && !(Number.isInteger(attempts) && attempts >= 1 && attempts <= 10)) {
    return "attempts must be between 1 and 10";
  }
  if (
    logCapacity !== undefined &&
    !(Number.isInteger(logCapacity) && logCapacity >= 1 && logCapacity <= 1_000_000)
  ) {
    return "logCapacity must be between 1 and 1000000";
  }
  return undefined;
}
