import { createOfficialAccountApi, WeChatApiError } from "@wxgate/wechat";
import type { Kysely } from "kysely";
import type { AccountClients } from "../accounts/index.js";
import type { Logger } from "../platform/logger.js";
import type { Clock, Queue } from "../platform/ports.js";
import type { Database } from "../platform/store/schema.js";
import { massContentOf } from "./channels.js";
import type { Audience, ContentOf } from "./model.js";
import { outcomeOfError } from "./outcomes.js";
import type { Outcome, RecipientsRepository } from "./recipients.js";
import type { CampaignsRepository } from "./repository.js";
import type { CampaignsTable } from "./tables.js";

/** What a mass send needs of the engine. */
export interface MassDeps {
  db: Kysely<Database>;
  campaigns: CampaignsRepository;
  recipients: RecipientsRepository;
  clients: AccountClients;
  queue: Queue;
  clock: Clock;
  logger: Logger;
  delivery: { receiptWaitSeconds: number };
}

/**
 * A mass send: one `sendall` (to all, or to a tag) once the audience's rows are written, with
 * the campaign's id as `clientmsgid` — a repeat after a crash between WeChat's answer and the
 * write is refused by WeChat (45065 / 45066), which means the first got through. The outcome
 * is written on every row at once, with the campaign's msg_id; MASSSENDJOBFINISH later tells
 * how many received it.
 */
export async function sendMass(
  deps: MassDeps,
  campaign: CampaignsTable,
  content: ContentOf<"mass">,
  expansionWaitMs: number,
): Promise<void> {
  const { campaigns, recipients, clock, queue, db, delivery, logger } = deps;
  const campaignId = campaign.id;
  if (campaign.expanded !== 1) {
    await queue.enqueue("campaigns.send", { campaignId }, { delayMs: expansionWaitMs });
    return;
  }
  const audience = JSON.parse(campaign.audience) as Audience;
  const filter = audience.kind === "tag" ? { is_to_all: false, tag_id: audience.tagId } : { is_to_all: true };
  const attempt = campaign.mass_attempts + 1;
  await campaigns.update(campaignId, ["sending"], { mass_attempts: attempt, updated_at: clock.now() });
  let outcome: Outcome;
  let msgid: string | null = null;
  try {
    const api = createOfficialAccountApi(await deps.clients.clientFor(campaign.appid));
    const answer = await api.message.mass.sendAll(filter, massContentOf(content), {
      clientmsgid: campaignId,
    });
    msgid = String(answer.msg_id);
    outcome = { kind: "sent", msgid };
  } catch (error) {
    const repeat = error instanceof WeChatApiError && (error.errcode === 45065 || error.errcode === 45066);
    outcome = repeat
      ? { kind: "sent", msgid: null }
      : outcomeOfError(error, {
          channel: "mass",
          attempt,
          now: clock.now(),
          receiptWaitMs: delivery.receiptWaitSeconds * 1000,
        });
  }
  const now = clock.now();
  if (outcome.kind === "retry") {
    logger.warn({ campaignId, attempt, reason: outcome.reason }, "mass send failed, will retry");
    await queue.enqueue("campaigns.send", { campaignId }, { delayMs: Math.max(0, outcome.at - now) });
    return;
  }
  await db.transaction().execute(async (trx) => {
    await recipients.resolveAll(trx, campaignId, outcome, now);
    await campaigns.update(
      campaignId,
      ["sending", "paused"],
      { status: "completed", finished_at: now, mass_msgid: msgid ?? "", updated_at: now },
      trx,
    );
  });
  logger.info({ campaignId, outcome: outcome.kind }, "mass send done");
}
