import type { WxCall } from "../http/route.js";
import { WxFault } from "../http/wx-error.js";
import type { Account, Follower } from "../world/types.js";
import type { World } from "../world/world.js";

/** A plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The JSON body as an object; anything else is WeChat's 47001 data format error. */
export function bodyOf(call: WxCall): Record<string, unknown> {
  if (!isRecord(call.body)) throw new WxFault(47001);
  return call.body;
}

/** The object under `key`, or undefined. */
export function recordAt(body: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const value = body[key];
  return isRecord(value) ? value : undefined;
}

/** A batch of 1 to `max` entries; an empty, oversized or missing list is WeChat's 40032. */
export function batchOf(value: unknown, max: number): unknown[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > max) throw new WxFault(40032);
  return value;
}

/** A non-empty string, or undefined. */
export function filled(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** A safe integer given as a JSON number or a decimal string (WeChat accepts both). */
export function integerOf(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === "string" && /^-?\d{1,16}$/.test(value)) return Number(value);
  return undefined;
}

/** The calling account (every route of this module authenticates with access_token). */
export function accountOf(call: WxCall): Account {
  const caller = call.caller;
  if (!caller) throw new WxFault(41001);
  return caller.account;
}

/** A follower of the account by OpenID, or the fault WeChat answers for an unknown OpenID (40003). */
export function followerOf(world: World, appId: string, openId: unknown, errcode = 40003): Follower {
  if (typeof openId !== "string" || openId === "") throw new WxFault(errcode);
  const follower = world.follower(appId, openId);
  if (!follower) throw new WxFault(errcode);
  return follower;
}

/** Like {@link followerOf} for reading only: a crowd member is not stored by the look-up. */
export function peekFollowerOf(world: World, appId: string, openId: unknown): Follower {
  if (typeof openId !== "string" || openId === "") throw new WxFault(40003);
  const follower = world.peekFollower(appId, openId);
  if (!follower) throw new WxFault(40003);
  return follower;
}

/** Seconds since the epoch, as WeChat's JSON and XML carry times. */
export function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}
