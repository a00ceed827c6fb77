import { PlatformError } from "../platform/errors.js";

/**
 * Why a QR code operation is refused before WeChat is asked (or when it cannot be): the same
 * word as the refusal's `details.reason`, which the console translates.
 */
export type QrCodeRefusal =
  /** The scene is empty or over 64 characters (WeChat's `scene_str`). */
  | "scene_invalid"
  /** The account has a code with that scene already: its events would be indistinguishable. */
  | "scene_taken"
  /** Two items of one batch share a scene. */
  | "scene_repeated"
  /** The channel's name is empty or too long. */
  | "name_invalid"
  /** The account has WeChat's 100,000 permanent codes already. */
  | "permanent_limit"
  /** The account asked WeChat for 100,000 codes today (China Standard Time) already. */
  | "daily_limit"
  /** expire_seconds outside 1 … 2,592,000 (30 days). */
  | "expire_invalid"
  /** Not an OpenID. */
  | "inviter_invalid"
  /** The temporary code's time is over: WeChat no longer shows its image. */
  | "code_expired"
  /** WeChat refused the call (the item's `errcode` says why). */
  | "wechat_refused"
  /** WeChat could not be reached. */
  | "wechat_unreachable";

const STATUS_OF: Record<QrCodeRefusal, "validation_failed" | "conflict"> = {
  scene_invalid: "validation_failed",
  scene_taken: "conflict",
  scene_repeated: "validation_failed",
  name_invalid: "validation_failed",
  permanent_limit: "conflict",
  daily_limit: "conflict",
  expire_invalid: "validation_failed",
  inviter_invalid: "validation_failed",
  code_expired: "conflict",
  wechat_refused: "conflict",
  wechat_unreachable: "conflict",
};

/** A refusal with its reason in `details.reason` (and whatever else the caller should see). */
export function refusal(reason: QrCodeRefusal, message: string, details: Record<string, unknown> = {}) {
  return new PlatformError(STATUS_OF[reason], message, { reason, ...details });
}

/** The reason a refusal carries, when the error is one of ours. */
export function refusalOf(error: unknown): QrCodeRefusal | undefined {
  if (!(error instanceof PlatformError)) return undefined;
  const details = error.details;
  if (typeof details !== "object" || details === null || !("reason" in details)) return undefined;
  const reason = (details as { reason: unknown }).reason;
  return typeof reason === "string" && reason in STATUS_OF ? (reason as QrCodeRefusal) : undefined;
}
