import type { World } from "../world/world.js";

/** One follower's mass messages received in one month (Beijing time). */
export interface MonthlyCount {
  month: string;
  count: number;
}

/** State of the APIs module that the shared world types do not carry; snapshotted with the world. */
export interface ApisState {
  /** appId → OpenIDs of followers who refuse the account's template messages (接收消息: 拒收). */
  blocked: Record<string, Record<string, true>>;
  /** appId → the current minute's mass-send requests. */
  massMinute: Record<string, { minute: number; count: number }>;
  /** appId → OpenID → mass messages received this month (service accounts: 4 a month). */
  massReceived: Record<string, Record<string, MonthlyCount>>;
  /** appIds whose template sends push no TEMPLATESENDJOBFINISH (a benchmark's switch; on by default). */
  templateReceiptsOff: Record<string, true>;
}

export const APIS_EXTENSION = "apis";

/**
 * The module's state inside the world. Looked up on every use: restoring a snapshot replaces
 * `world.state`, so a reference kept across calls would go stale.
 */
export function apisState(world: World): ApisState {
  const state = world.extension<Partial<ApisState>>(APIS_EXTENSION, () => ({}));
  state.blocked ??= {};
  state.massMinute ??= {};
  state.massReceived ??= {};
  state.templateReceiptsOff ??= {};
  return state as ApisState;
}

/** Whether the follower refuses the account's template messages. */
export function isBlocked(world: World, appId: string, openId: string): boolean {
  return apisState(world).blocked[appId]?.[openId] === true;
}
