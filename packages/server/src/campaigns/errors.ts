import { PlatformError } from "../platform/errors.js";

/**
 * The campaigns' refusals: the word is the error's `code` (the contract's stable codes, which
 * the console translates), each with the HTTP status the edge maps it to.
 */
export const campaignRefusals = {
  campaign_not_found: 404,
  /** The action is not allowed in the campaign's status (`details.status`). */
  campaign_state: 409,
  /** A pre-flight check failed (`details.checks`). */
  preflight_failed: 409,
  audience_invalid: 400,
  /** `details.problems`: `[{ field, reason, limit? }]`. */
  content_invalid: 400,
  list_invalid: 400,
  /** The campaign waits for approval and the caller, who may not approve, asked to start it (submit, resume). */
  approval_required: 403,
} as const;

export type CampaignRefusal = keyof typeof campaignRefusals;

/** A refusal with its own code, mapped once at the HTTP edge. */
export class CampaignError extends PlatformError {
  constructor(code: CampaignRefusal, message: string, details: Record<string, unknown> = {}) {
    super("conflict", message, details);
    Object.defineProperty(this, "code", { value: code });
    Object.defineProperty(this, "status", { value: campaignRefusals[code] });
  }
}
