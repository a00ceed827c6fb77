import type { EventEnvelope, EventEnvelopeSource } from "../callbacks/index.js";
import { newId } from "../platform/ids.js";
import type { Logger } from "../platform/logger.js";
import type { Clock } from "../platform/ports.js";
import { type ActiveWebhook, type ActiveWebhooks, matches } from "./active.js";
import type { ClaimedDelivery, FanoutDelivery, WebhooksRepository } from "./repository.js";

/** Events taken per fan-out transaction. */
export const FANOUT_BATCH = 200;
/**
 * Pending deliveries beyond which the fan-out waits: a receiver that is down holds its
 * deliveries pending, and the store should not fill without bound meanwhile.
 */
export const DEFAULT_BACKLOG_LIMIT = 50_000;
/**
 * How often (on the clock) the backlog is counted: counting reads as many index entries as
 * there are pending deliveries, up to the limit, so it is not done at every batch. In between,
 * the rows created since are added to the last count — an estimate that can only be high,
 * since finished deliveries are not subtracted.
 */
const RECOUNT_MS = 1000;

/** Options of {@link WebhookFanout}. */
export interface WebhookFanoutOptions {
  repository: WebhooksRepository;
  events: EventEnvelopeSource;
  webhooks: ActiveWebhooks;
  clock: Clock;
  logger: Logger;
  batchSize?: number;
  backlogLimit?: number;
}

/** A delivery created claimed, to be sent once its batch has committed. */
export interface SendNow {
  delivery: ClaimedDelivery;
  webhook: ActiveWebhook;
  event: EventEnvelope;
}

/**
 * How a batch may create deliveries already claimed: `take` says whether a webhook has a free
 * sending slot for one now (and takes it); a claim lasts `claimMs`.
 */
export interface ClaimAtBirth {
  take(webhookId: string): boolean;
  claimMs: number;
}

/** What one fan-out batch did. */
export interface FanoutBatch {
  /** Events taken (and marked done). */
  events: number;
  /** Delivery rows created for them. */
  deliveries: number;
  /** True when nothing was taken because the backlog is at its limit. */
  paused: boolean;
  /** The deliveries created claimed (see {@link ClaimAtBirth}), to send now. */
  sendNow: SendNow[];
}

/**
 * Turns recorded events into delivery rows, a batch at a time: the oldest events marked
 * `fanout = 'pending'` become one delivery row per matching enabled webhook, all written by
 * one multi-row insert in the transaction that marks those events done — so a crash leaves
 * either both or neither, and an event is never fanned out twice (a (webhook, event) pair
 * that exists already is kept as it is).
 *
 * While the pending deliveries number {@link DEFAULT_BACKLOG_LIMIT} or more, no batch is
 * taken: events stay pending, nothing is lost, and the fan-out resumes once the receivers
 * have caught up below the mark.
 */
export class WebhookFanout {
  readonly batchSize: number;
  private readonly backlogLimit: number;
  private paused = false;
  /** Pending deliveries: the last count plus the rows created since. */
  private backlog = 0;
  private countedAt = Number.NEGATIVE_INFINITY;
  /** Rows were created since the last count. */
  private grown = false;

  constructor(private readonly options: WebhookFanoutOptions) {
    this.batchSize = options.batchSize ?? FANOUT_BATCH;
    this.backlogLimit = options.backlogLimit ?? DEFAULT_BACKLOG_LIMIT;
  }

  /**
   * One batch, or nothing when there is no pending event or the backlog is at its limit. With
   * `claim`, the deliveries of webhooks that have a free slot are created claimed, to be sent
   * at once: a fresh event then costs its delivery no claim and no second read of the event.
   */
  async runBatch(claim?: ClaimAtBirth): Promise<FanoutBatch> {
    const { repository, clock, logger } = this.options;
    const now = clock.now();
    // Counted again when the last count is old, or when rows created since bring the estimate
    // to the limit (the estimate may be high; the count tells).
    if (now - this.countedAt >= RECOUNT_MS || (this.grown && this.backlog >= this.backlogLimit)) {
      this.backlog = await repository.countPending(this.backlogLimit);
      this.countedAt = now;
      this.grown = false;
    }
    if (this.backlog >= this.backlogLimit) {
      if (!this.paused) {
        logger.warn(
          { pendingDeliveries: this.backlog },
          "webhook deliveries are backed up; the fan-out of new events waits until they are below the limit",
        );
      }
      this.paused = true;
      return { events: 0, deliveries: 0, paused: true, sendNow: [] };
    }
    if (this.paused) {
      logger.info({ pendingDeliveries: this.backlog }, "webhook deliveries caught up; the fan-out resumes");
      this.paused = false;
    }
    const targets = (await this.options.webhooks.load()).filter((w) => w.row.reply === 0);
    let deliveries = 0;
    let sendNow: SendNow[] = [];
    const events = await this.options.events.fanOutPending(this.batchSize, async (batch, transaction) => {
      const at = clock.now();
      const rows: FanoutDelivery[] = [];
      /** The webhook and event of each delivery created claimed, by its id. */
      const claimed = new Map<string, Omit<SendNow, "delivery">>();
      for (const event of batch) {
        for (const webhook of targets) {
          if (!matches(webhook, event.appId, event.msgType, event.event)) continue;
          const id = newId(at);
          const row: FanoutDelivery = {
            id,
            webhookId: webhook.row.id,
            eventId: event.id,
            appId: event.appId,
          };
          if (claim?.take(webhook.row.id)) {
            row.claimUntil = at + claim.claimMs;
            claimed.set(id, { webhook, event });
          }
          rows.push(row);
        }
      }
      const created = await repository.insertFanout(rows, at, transaction);
      deliveries = rows.length;
      sendNow = created.flatMap((delivery) => {
        const target = claimed.get(delivery.id);
        return target ? [{ delivery, ...target }] : [];
      });
    });
    this.backlog += deliveries;
    if (deliveries > 0) this.grown = true;
    return { events, deliveries, paused: false, sendNow };
  }
}
