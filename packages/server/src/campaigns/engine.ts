import { createOfficialAccountApi, type OfficialAccountApi } from "@wxgate/wechat";
import type { Kysely } from "kysely";
import type { AccountClients } from "../accounts/index.js";
import type { FollowerLookup, LastInteraction } from "../followers/index.js";
import type { ModuleWorker } from "../module.js";
import { newId } from "../platform/ids.js";
import type { Logger } from "../platform/logger.js";
import { type Clock, defineJob, type ModuleJob, type Queue } from "../platform/ports.js";
import type { Database } from "../platform/store/schema.js";
import { sendTo } from "./channels.js";
import type { ConsentsRepository } from "./consents.js";
import { sendMass } from "./mass.js";
import type { MassBatchesRepository } from "./mass-batches.js";
import { sendMassBatch } from "./mass-openids.js";
import type { Audience, Channel, Content } from "./model.js";
import { outcomeOfError } from "./outcomes.js";
import { type Pacer, SendRates } from "./pacing.js";
import { type Outcome, type RecipientsRepository, UNCONFIRMED } from "./recipients.js";
import type { CampaignsRepository } from "./repository.js";
import type { CampaignsTable } from "./tables.js";

declare module "../platform/ports.js" {
  interface JobPayloads {
    /** One page of a campaign's audience written as delivery rows (the campaign's cursor says which). */
    "campaigns.expand": { campaignId: string };
    /** One batch of a campaign's due rows sent; enqueues the next while rows remain. */
    "campaigns.send": { campaignId: string };
    /** A scheduled campaign falling due. */
    "campaigns.start": { campaignId: string };
  }
}

/** Followers read per expansion page (one transaction writes them). */
export const EXPAND_PAGE = 1000;
/** WeChat's window for customer-service messages after a user's message, and after an event. */
const WINDOW_AFTER_MESSAGE_MS = 48 * 60 * 60_000;
const WINDOW_AFTER_EVENT_MS = 60_000;
/** How long a send chain waits for the expansion to write more rows. */
const EXPANSION_WAIT_MS = 500;

/** The engine's delivery settings (from `config.campaigns`). */
export interface DeliverySettings {
  batch: number;
  inFlight: number;
  claimSeconds: number;
  receiptWaitSeconds: number;
  massBatch: number;
}

/**
 * Whether a customer-service message may reach the follower at `now` (WeChat's 48-hour rule):
 * a message within 48 hours, or a menu click, a follow or a scan within a minute.
 */
export function withinWindow(last: LastInteraction | undefined, now: number): boolean {
  if (!last) return false;
  if (last.message !== null && now - last.message <= WINDOW_AFTER_MESSAGE_MS) return true;
  return [last.menuClick, last.follow, last.scan].some(
    (at) => at !== null && now - at <= WINDOW_AFTER_EVENT_MS,
  );
}

/** Runs `work` over `items` with at most `limit` at once. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/**
 * The delivery engine: expands a campaign's audience into one row per recipient, page by page,
 * and sends the due rows batch by batch, each batch a durable job that claims its rows with a
 * conditional update, sends them under the account's rate and writes each outcome as soon as
 * its answer arrives. The rows hold the truth; the jobs only wake the work, so a restarted
 * server continues from the rows (see the README on rows a crash left `sending`).
 */
export class CampaignEngine implements ModuleWorker {
  readonly name = "campaigns.resume";
  readonly rates = new SendRates();
  /** Campaigns paused or cancelled in this process: their running batches stop sending. */
  readonly #halted = new Set<string>();

  constructor(
    private readonly deps: {
      db: Kysely<Database>;
      campaigns: CampaignsRepository;
      recipients: RecipientsRepository;
      batches: MassBatchesRepository;
      followers: FollowerLookup;
      consents: ConsentsRepository;
      clients: AccountClients;
      queue: Queue;
      clock: Clock;
      logger: Logger;
      pacer: Pacer;
      delivery: DeliverySettings;
      sendsPerSecond(appid: string): Promise<number>;
    },
  ) {}

  jobs(): ModuleJob[] {
    return [
      defineJob("campaigns.expand", (job) => this.expandPage(job.payload.campaignId)),
      defineJob("campaigns.send", (job) => this.sendBatch(job.payload.campaignId)),
      defineJob("campaigns.start", (job) => this.startScheduled(job.payload.campaignId)),
    ];
  }

  /** Starts sending a campaign already marked `sending`: its expansion, then its batches. */
  async launch(campaignId: string): Promise<void> {
    this.#halted.delete(campaignId);
    await this.deps.queue.enqueue("campaigns.expand", { campaignId });
  }

  /** Wakes a resumed campaign. */
  async wake(campaignId: string): Promise<void> {
    this.#halted.delete(campaignId);
    await this.deps.queue.enqueue("campaigns.send", { campaignId });
  }

  /** Stops this process's running batches of the campaign after their calls in flight. */
  halt(campaignId: string): void {
    this.#halted.add(campaignId);
  }

  private async startScheduled(campaignId: string): Promise<void> {
    const now = this.deps.clock.now();
    const campaign = await this.deps.campaigns.campaign(campaignId);
    if (campaign?.status !== "scheduled") return;
    if (campaign.scheduled_at !== null && campaign.scheduled_at > now) {
      // Rescheduled later meanwhile: its own job will come.
      return;
    }
    const moved = await this.deps.campaigns.update(campaignId, ["scheduled"], {
      status: "sending",
      started_at: now,
      updated_at: now,
    });
    if (moved) await this.launch(campaignId);
  }

  // --- the audience ------------------------------------------------------------------------

  private audiencePage(
    campaign: CampaignsTable,
    audience: Audience,
    cursor: string | undefined,
  ): Promise<{ openIds: string[]; next: string | null }> {
    const { followers } = this.deps;
    switch (audience.kind) {
      case "all":
        return followers.openIdsPage(campaign.appid, {}, cursor, EXPAND_PAGE);
      case "subscribers":
        return this.deps.consents.page(campaign.appid, audience.templateId, cursor, EXPAND_PAGE);
      case "tag":
        return followers.openIdsPage(campaign.appid, { tagId: audience.tagId }, cursor, EXPAND_PAGE);
      case "active48h": {
        const since = (campaign.started_at ?? this.deps.clock.now()) - WINDOW_AFTER_MESSAGE_MS;
        return followers.openIdsPage(campaign.appid, { activeSince: since }, cursor, EXPAND_PAGE);
      }
      case "list":
        return this.deps.campaigns.listPage(audience.listId, cursor, EXPAND_PAGE).then((openIds) => ({
          openIds,
          next: openIds.length < EXPAND_PAGE ? null : openIds[openIds.length - 1]!,
        }));
    }
  }

  /**
   * Writes one page of the audience as pending rows and moves the campaign's cursor past it,
   * in one transaction; a page already written (a job run twice) moves nothing.
   */
  async expandPage(campaignId: string): Promise<void> {
    const { campaigns, recipients, clock, db, queue } = this.deps;
    const campaign = await campaigns.campaign(campaignId);
    if (!campaign || campaign.expanded === 1) return;
    if (campaign.status !== "sending" && campaign.status !== "paused") return;
    const audience = JSON.parse(campaign.audience) as Audience;
    const page = await this.audiencePage(campaign, audience, campaign.expand_cursor ?? undefined);
    const now = clock.now();
    const moved = await db.transaction().execute(async (trx) => {
      const advanced = await campaigns.advanceExpansion(
        trx,
        campaignId,
        campaign.expand_cursor,
        page.next,
        now,
      );
      if (!advanced) return false;
      await recipients.insert(
        trx,
        campaignId,
        page.openIds.map((openid) => ({
          id: newId(now),
          campaign_id: campaignId,
          appid: campaign.appid,
          openid,
          channel: campaign.channel,
          status: "pending",
          next_attempt_at: now,
          locked_until: null,
          errcode: null,
          rid: null,
          msgid: null,
          reason: null,
          receipt: null,
          sent_at: null,
          updated_at: now,
          mass_batch: null,
        })),
      );
      return true;
    });
    if (!moved) return;
    if (page.next !== null) await queue.enqueue("campaigns.expand", { campaignId });
    // The first page starts the send chain; the last one makes sure a chain sees the end.
    if (campaign.expand_cursor === null || page.next === null) {
      await queue.enqueue("campaigns.send", { campaignId });
    }
  }

  // --- sending -----------------------------------------------------------------------------

  /**
   * A row a stopped worker left `sending` (its claim lapsed): the call may or may not have
   * reached WeChat. A template row waits for its receipt (TEMPLATESENDJOBFINISH, which WeChat
   * sends for every accepted message); if none came within the wait, the call did not reach
   * WeChat and the row is sent again. A customer-service or subscription message has no
   * receipt: its row fails as `outcome_unknown` rather than risk a second message.
   */
  private recover(channel: Channel, reason: string | null, now: number): Outcome {
    if (channel === "template") {
      if (reason === UNCONFIRMED)
        return { kind: "retry", at: now, errcode: null, rid: null, reason: "no_receipt" };
      return { kind: "unconfirmed", until: now + this.deps.delivery.receiptWaitSeconds * 1000 };
    }
    if (channel === "mass") return { kind: "retry", at: now, errcode: null, rid: null, reason: "resent" };
    return { kind: "failed", errcode: null, rid: null, reason: "outcome_unknown" };
  }

  private async attempt(
    api: OfficialAccountApi,
    content: Exclude<Content, { channel: "mass" }>,
    row: { openid: string; attempts: number },
    windows: ReadonlyMap<string, LastInteraction> | undefined,
  ): Promise<Outcome> {
    const now = this.deps.clock.now();
    if (content.channel === "custom" && !withinWindow(windows?.get(row.openid), now)) {
      return { kind: "skipped", reason: "outside_48h" };
    }
    try {
      const { msgid } = await sendTo(api, content, row.openid);
      return { kind: "sent", msgid };
    } catch (error) {
      return outcomeOfError(error, {
        channel: content.channel,
        attempt: row.attempts,
        now: this.deps.clock.now(),
        receiptWaitMs: this.deps.delivery.receiptWaitSeconds * 1000,
      });
    }
  }

  /**
   * What a subscription message's outcome does to the user's consent, written with the outcome:
   * a sent one uses one of the user's messages, 43101 (`no_consent`) marks the consent refused.
   */
  private consentAfter(
    content: Exclude<Content, { channel: "mass" }>,
    appid: string,
    openid: string,
    outcome: Outcome,
    now: number,
  ): ((db: Kysely<Database>) => Promise<void>) | undefined {
    if (content.channel !== "subscribe") return undefined;
    const verdict =
      outcome.kind === "sent"
        ? "sent"
        : outcome.kind === "skipped" && outcome.reason === "no_consent"
          ? "no_consent"
          : undefined;
    if (verdict === undefined) return undefined;
    const key = { appid, templateId: content.templateId, openid };
    return (db) => this.deps.consents.afterSend(db, key, verdict, now);
  }

  /** One batch of a campaign: lapsed claims resolved, due rows claimed and sent, the next batch enqueued. */
  async sendBatch(campaignId: string): Promise<void> {
    const { campaigns, recipients, clock, queue, delivery, logger } = this.deps;
    const campaign = await campaigns.campaign(campaignId);
    if (campaign?.status !== "sending") return;
    const content = JSON.parse(campaign.content) as Content;
    if (content.channel === "mass") {
      const audience = JSON.parse(campaign.audience) as Audience;
      if (audience.kind === "all" || audience.kind === "tag") {
        await sendMass(this.deps, campaign, content, EXPANSION_WAIT_MS);
        if ((await campaigns.campaign(campaignId))?.status === "completed")
          this.rates.note(campaignId, clock.now());
        return;
      }
      // By OpenIDs: batches are cut once every row is written (none is left a single row).
      if (campaign.expanded !== 1) {
        await queue.enqueue("campaigns.send", { campaignId }, { delayMs: EXPANSION_WAIT_MS });
        return;
      }
      await sendMassBatch({ ...this.deps, rates: this.rates }, campaign, content);
      await this.next(campaignId);
      return;
    }
    const channel = content.channel;
    const now = clock.now();

    const lapsed = await recipients.claim(
      campaignId,
      "sending",
      now,
      delivery.batch,
      now + delivery.claimSeconds * 1000,
    );
    for (const row of lapsed)
      await recipients.write(campaignId, row.id, row.attempts, this.recover(channel, row.reason, now), now);
    if (lapsed.length > 0)
      logger.info({ campaignId, rows: lapsed.length }, "campaign rows left sending recovered");

    const perSecond = await this.deps.sendsPerSecond(campaign.appid);
    // Rows claimed but not yet called are what a crash leaves ambiguous; without a receipt to
    // tell (customer-service, subscription) they would fail as outcome_unknown, so those
    // channels claim no more than they call at once.
    const batch = channel === "template" ? delivery.batch : Math.min(delivery.batch, delivery.inFlight);
    const lockMs = Math.ceil((batch / perSecond) * 1000) + delivery.claimSeconds * 1000;
    const rows = await recipients.claim(campaignId, "pending", now, batch, now + lockMs);
    if (rows.length > 0) {
      // The 48-hour window of the whole batch, read in one call (each row is judged when its turn comes).
      let windows: Map<string, LastInteraction> | undefined;
      if (channel === "custom") {
        try {
          windows = await this.deps.followers.lastInteractionsOf(
            campaign.appid,
            rows.map((row) => row.openid),
          );
        } catch (error) {
          // Nothing was called: the rows go back to pending rather than wait for their claim to lapse.
          for (const row of rows)
            await recipients.write(campaignId, row.id, row.attempts, { kind: "release" }, clock.now());
          throw error;
        }
      }
      let api: OfficialAccountApi | undefined;
      let unavailable: unknown;
      try {
        api = createOfficialAccountApi(await this.deps.clients.clientFor(campaign.appid));
      } catch (error) {
        unavailable = error;
      }
      await eachLimited(rows, delivery.inFlight, async (row) => {
        if (this.#halted.has(campaignId)) {
          await recipients.write(campaignId, row.id, row.attempts, { kind: "release" }, clock.now());
          return;
        }
        let outcome: Outcome;
        if (!api) {
          outcome = outcomeOfError(unavailable, {
            channel,
            attempt: row.attempts,
            now: clock.now(),
            receiptWaitMs: delivery.receiptWaitSeconds * 1000,
          });
        } else {
          await this.deps.pacer.slot(campaign.appid, perSecond);
          outcome = await this.attempt(api, content, row, windows);
        }
        const at = clock.now();
        await recipients.write(
          campaignId,
          row.id,
          row.attempts,
          outcome,
          at,
          this.consentAfter(content, campaign.appid, row.openid, outcome, at),
        );
        if (outcome.kind === "sent") this.rates.note(campaignId, at);
      });
    }

    await this.next(campaignId);
  }

  /** After a batch: the campaign completed when no row is left, else the next batch enqueued when due. */
  private async next(campaignId: string): Promise<void> {
    const { campaigns, recipients, clock, queue, logger } = this.deps;
    const now = clock.now();
    const next = await recipients.nextDue(campaignId);
    if (next === undefined) {
      const current = await campaigns.campaign(campaignId);
      if (current?.expanded === 1) {
        if (
          await campaigns.update(campaignId, ["sending"], {
            status: "completed",
            finished_at: now,
            updated_at: now,
          })
        ) {
          logger.info({ campaignId }, "campaign completed");
        }
      } else if (current?.status === "sending") {
        await queue.enqueue("campaigns.send", { campaignId }, { delayMs: EXPANSION_WAIT_MS });
      }
      return;
    }
    await queue.enqueue("campaigns.send", { campaignId }, { delayMs: Math.max(0, next - now) });
  }

  // --- the worker: campaigns left sending by a stopped server --------------------------------

  start(): void {
    void this.resumeAll().catch((error: unknown) =>
      this.deps.logger.error({ err: error }, "campaigns not resumed"),
    );
  }

  async stop(): Promise<void> {}

  runDue(): Promise<number> {
    return Promise.resolve(0);
  }

  /** Wakes every campaign a stopped server left sending (its jobs would otherwise wait for their claims). */
  async resumeAll(): Promise<number> {
    const sending = await this.deps.campaigns.inStatus("sending", 10_000);
    for (const campaign of sending) {
      if (campaign.expanded === 0)
        await this.deps.queue.enqueue("campaigns.expand", { campaignId: campaign.id });
      await this.deps.queue.enqueue("campaigns.send", { campaignId: campaign.id });
    }
    return sending.length;
  }
}
