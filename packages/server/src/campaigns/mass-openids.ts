import { createOfficialAccountApi, WeChatApiError } from "@wxgate/wechat";
import type { AccountClients } from "../accounts/index.js";
import type { Logger } from "../platform/logger.js";
import type { Clock } from "../platform/ports.js";
import { massContentOf } from "./channels.js";
import {
  type BatchRow,
  beijingMonthStart,
  MASS_PER_USER_MONTHLY,
  MASS_SEND_MIN,
  type MassBatchesRepository,
  SINGLE_RECIPIENT,
} from "./mass-batches.js";
import type { ContentOf } from "./model.js";
import { outcomeOfError } from "./outcomes.js";
import type { Pacer, SendRates } from "./pacing.js";
import type { Outcome } from "./recipients.js";
import type { CampaignsTable } from "./tables.js";

/** WeChat takes 60 mass requests a minute per account: one call a second. */
const MASS_CALLS_PER_SECOND = 1;

/** What a mass send by OpenIDs needs of the engine. */
export interface MassBatchDeps {
  batches: MassBatchesRepository;
  clients: AccountClients;
  clock: Clock;
  logger: Logger;
  pacer: Pacer;
  rates: SendRates;
  delivery: { claimSeconds: number; massBatch: number; receiptWaitSeconds: number };
}

/**
 * One `message/mass/send` call of a mass campaign to a list or the 48-hour audience: a batch
 * left `sending` (a stopped worker's, or a retry now due) is called again with the same rows
 * and clientmsgid — WeChat refuses a repeat of one it took (45065 / 45066), which then reads
 * as sent; otherwise the next batch of due rows is claimed (its followers already at their
 * four mass messages this month skipped as `quota` first, a lone last follower skipped as
 * `mass_single_recipient`: see `claimNext`), and called. The outcome is written on every row
 * of the batch, with the call's msg_id. Never calls WeChat with a single OpenID. Returns
 * whether anything was done (a call, or rows skipped).
 */
export async function sendMassBatch(
  deps: MassBatchDeps,
  campaign: CampaignsTable,
  content: ContentOf<"mass">,
): Promise<boolean> {
  const { batches, clock, delivery, logger } = deps;
  const campaignId = campaign.id;
  const now = clock.now();
  const lockedUntil = now + delivery.claimSeconds * 1000;
  let batch = await batches.lapsedBatch(campaignId, now);
  let rows: BatchRow[];
  if (batch !== undefined) {
    rows = await batches.reclaim(campaignId, batch, now, lockedUntil);
    if (rows.length > 0) logger.info({ campaignId, batch, rows: rows.length }, "mass batch called again");
  } else {
    const claimed = await batches.claimNext({
      campaignId,
      appid: campaign.appid,
      now,
      max: delivery.massBatch,
      lockedUntil,
      quota: { since: beijingMonthStart(now), limit: MASS_PER_USER_MONTHLY },
    });
    if (!claimed) return false;
    if (claimed.batch === null) return true;
    batch = claimed.batch;
    rows = claimed.rows;
  }
  if (rows.length === 0) return true;
  if (rows.length < MASS_SEND_MIN) {
    // A batch of one (cut before claims checked for it): WeChat would answer 40130, nothing to merge into.
    await batches.resolve(campaignId, batch, { kind: "skipped", reason: SINGLE_RECIPIENT }, now);
    logger.warn({ campaignId, batch }, "mass batch of a single recipient skipped");
    return true;
  }
  const attempt = await batches.noteAttempt(campaignId, batch, now);
  const outcome = await call(deps, campaign, content, batch, rows, attempt);
  const at = clock.now();
  await batches.resolve(campaignId, batch, outcome, at);
  if (outcome.kind === "sent") deps.rates.note(campaignId, at, rows.length);
  else if (outcome.kind === "retry")
    logger.warn({ campaignId, batch, attempt, reason: outcome.reason }, "mass batch failed, will retry");
  return true;
}

async function call(
  deps: MassBatchDeps,
  campaign: CampaignsTable,
  content: ContentOf<"mass">,
  batch: number,
  rows: readonly BatchRow[],
  attempt: number,
): Promise<Outcome> {
  const record = await deps.batches.batch(campaign.id, batch);
  try {
    const api = createOfficialAccountApi(await deps.clients.clientFor(campaign.appid));
    await deps.pacer.slot(`${campaign.appid}#mass`, MASS_CALLS_PER_SECOND);
    const answer = await api.message.mass.send(
      rows.map((row) => row.openid),
      massContentOf(content),
      { clientmsgid: record!.clientmsgid },
    );
    return { kind: "sent", msgid: String(answer.msg_id) };
  } catch (error) {
    // The clientmsgid was taken already: the first call got through, its answer was lost.
    if (error instanceof WeChatApiError && (error.errcode === 45065 || error.errcode === 45066))
      return { kind: "sent", msgid: null };
    return outcomeOfError(error, {
      channel: "mass",
      attempt,
      now: deps.clock.now(),
      receiptWaitMs: deps.delivery.receiptWaitSeconds * 1000,
    });
  }
}
