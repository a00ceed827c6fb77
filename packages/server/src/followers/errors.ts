import { PlatformError } from "../platform/errors.js";

/**
 * Why a followers operation is refused before (or instead of) asking WeChat: the same word as
 * the refusal's `details.reason`, which the console translates. Each mirrors one WeChat rule,
 * so the operator learns why before WeChat would refuse with its errcode.
 */
export const followersRefusals = {
  /** A remark over 30 characters (WeChat: 45003). */
  remark_too_long: "validation_failed",
  /** An empty tag name, or one another tag of the account has (WeChat: 45157). */
  tag_name_invalid: "validation_failed",
  /** A tag name over 30 UTF-8 bytes (WeChat: 45158). */
  tag_name_too_long: "validation_failed",
  /** The account already has 100 tags of its own (WeChat: 45056). */
  tag_limit: "conflict",
  /** WeChat's own tags (ids 0–2) cannot be renamed, deleted or given (WeChat: 45058). */
  system_tag: "conflict",
  /** A follower would carry more than 20 tags (WeChat: 45059). */
  follower_tag_limit: "conflict",
  /** The follower is not (or no longer) following the account (WeChat: 43004). */
  not_following: "conflict",
  /** An unknown tag id (WeChat: 45159). */
  tag_not_found: "not_found",
  /** An OpenID wxgate does not know for the account (WeChat: 40003); sync first. */
  follower_not_found: "not_found",
} as const;

export type FollowersRefusal = keyof typeof followersRefusals;

/** The refusal as the HTTP edge maps it: `{ error: { code, message, details: { reason, … } } }`. */
export function refuse(
  reason: FollowersRefusal,
  message: string,
  details: Record<string, unknown> = {},
): PlatformError {
  return new PlatformError(followersRefusals[reason], message, { reason, ...details });
}
