import { setImmediate as nextTurnOfTheLoop } from "node:timers/promises";
import type { EventEnvelope, EventEnvelopeSource } from "../callbacks/index.js";
import type { ModuleWorker } from "../module.js";
import { BackgroundJob } from "../platform/background-job.js";
import type { Logger } from "../platform/logger.js";
import type { Clock } from "../platform/ports.js";
import type { ActiveWebhook, ActiveWebhooks } from "./active.js";
import { DEFAULT_CONCURRENCY, DEFAULT_CONCURRENCY_PER_WEBHOOK } from "./config.js";
import type { DeliveryAttempts } from "./delivery.js";
import type { ClaimAtBirth, WebhookFanout } from "./fanout.js";
import { Outstanding } from "./outstanding.js";
import type { ClaimedDelivery, FinishedAttempt, WebhooksRepository } from "./repository.js";

export { DEFAULT_CONCURRENCY, DEFAULT_CONCURRENCY_PER_WEBHOOK };

/** How often the worker looks for due work when nothing wakes it (retries after a backoff). */
export const DEFAULT_POLL_MS = 500;
/**
 * How long recorded events may gather before a fan-out that is not full: one transaction for
 * the pushes of 20 ms, not one for every group the gateway commits. Gathering for 100 ms made
 * each fan-out five times larger — a burst of inserts and requests the event loop had to
 * get through at once — and added 50 ms to every delivery's lag on average.
 */
const FANOUT_GATHER_MS = 20;
/** Deliveries of a disabled webhook ended `skipped` per statement. */
const SKIP_BATCH = 500;
/**
 * Requests sent before the event loop may answer what came in meanwhile: a claim of 64 sent in
 * one go (a body, a signature and a request each) held the gateway's pushes and /healthz behind it.
 */
const SEND_SLICE = 8;

/** Options of {@link DeliveryWorker}. */
export interface DeliveryWorkerOptions {
  repository: WebhooksRepository;
  events: EventEnvelopeSource;
  webhooks: ActiveWebhooks;
  fanout: WebhookFanout;
  attempts: DeliveryAttempts;
  clock: Clock;
  logger: Logger;
  /** How long a claim holds a delivery: WXGATE_JOB_CLAIM_TIMEOUT_SECONDS. */
  claimMs: number;
  concurrency?: number;
  concurrencyPerWebhook?: number;
  pollMs?: number;
}

/** What one turn of the worker did. */
export interface WorkerTurn {
  /** Events fanned out. */
  fannedOut: number;
  /** Deliveries taken: sent (their requests now out) or ended `skipped`. */
  handled: number;
  /** Outcomes of finished requests written. */
  finished: number;
}

/** A claimed delivery about to be sent, with its webhook and event. */
interface Taken {
  delivery: ClaimedDelivery;
  webhook: ActiveWebhook;
  event?: EventEnvelope | undefined;
}

/**
 * The in-process worker of the delivery queue (`webhook_deliveries`). A turn fans out one
 * batch of recorded events when some are waiting, then, in one transaction, writes the
 * outcomes of the requests that ended since the last turn and refills the sending slots they
 * freed: per webhook, one statement claims as many due deliveries as it has free slots
 * (overall and its own). The requests go out after the commit. A webhook that keeps up (its
 * last claim found nothing more due) has the fan-out's new deliveries created claimed and sent
 * as soon as the fan-out commits, without a claim of their own. A request that ends wakes the
 * worker; so do recorded events (gathered for up to 20 ms) and a redelivery; otherwise it
 * looks every {@link DEFAULT_POLL_MS} for retries that fell due.
 *
 * Memory is bounded by the slots, never by the backlog: only claimed deliveries are read, and
 * no more are claimed than there are free slots. Each webhook's state is read when its
 * deliveries' turn comes (within a second; at once after a change made here): a disabled one
 * has its due deliveries ended `skipped` (nothing sent, no attempt counted); a deleted one
 * took its deliveries with it.
 */
export class DeliveryWorker extends BackgroundJob<WorkerTurn> implements ModuleWorker {
  readonly name = "webhook deliveries";
  private readonly concurrency: number;
  private readonly perWebhook: number;
  private readonly pollMs: number;
  /** Free slots of a busy webhook worth a claim. */
  private readonly refill: number;
  /** Requests out now. */
  private readonly inFlight = new Outstanding<Promise<void>>();
  /** Requests out now, per webhook id. */
  private readonly busy = new Map<string, number>();
  /** Requests that ended, whose outcomes the next turn writes. */
  private finished: FinishedAttempt[] = [];
  /** Which webhook's claim comes first in a turn, so none is always served last. */
  private rotation = 0;
  private started = false;
  /**
   * Events may be waiting for their fan-out: set when some are recorded here, and after a
   * full batch. Otherwise a turn looks for them only once per poll interval (for events
   * another process recorded), not at every turn a finished request asks for.
   */
  private fanoutDue = true;
  private fanoutAt = Number.NEGATIVE_INFINITY;
  /** Events recorded here since the last fan-out, and the timer that ends their gathering. */
  private gathered = 0;
  private gathering: NodeJS.Timeout | undefined;
  /**
   * Webhooks whose last claim found nothing more due, and until when (on the clock) a turn
   * does not ask again — unless new deliveries are left pending for them meanwhile. A turn that
   * comes because one webhook's requests ended asks only the webhooks that may have work. The
   * fan-out creates the deliveries of these webhooks claimed (see {@link claimAtBirth}).
   */
  private readonly drained = new Map<string, number>();
  /** When a turn last asked every webhook, disabled ones included. */
  private lookedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: DeliveryWorkerOptions) {
    super("the webhook delivery worker", options.logger);
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.perWebhook = Math.min(
      this.concurrency,
      options.concurrencyPerWebhook ?? DEFAULT_CONCURRENCY_PER_WEBHOOK,
    );
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.refill = Math.ceil(this.perWebhook / 2);
  }

  /** Deliveries were made due (a redelivery): the next turn looks for them. */
  deliveriesDue(): void {
    this.drained.clear();
    this.wake();
  }

  /** Requests out now. */
  get sending(): number {
    return this.inFlight.size;
  }

  /** Resolves once the requests out now have ended (their outcomes wait for the next turn). */
  async settled(): Promise<void> {
    await Promise.allSettled(this.inFlight.items());
  }

  /** Events marked for fan-out were committed: a turn takes them soon. */
  eventsRecorded(): void {
    if (!this.started) {
      // Driven by runDue: its next turn takes them.
      this.fanoutDue = true;
      return;
    }
    if (++this.gathered >= this.options.fanout.batchSize) this.fanoutNow();
    else this.gathering ??= setTimeout(() => this.fanoutNow(), FANOUT_GATHER_MS).unref();
  }

  override start(intervalMs: number = this.pollMs): void {
    this.started = true;
    super.start(intervalMs);
  }

  /**
   * Stops taking work, waits for the turn in progress and, when it was started, for the
   * requests it has out, and writes their outcomes before the store closes.
   */
  override async stop(): Promise<void> {
    clearTimeout(this.gathering);
    this.gathering = undefined;
    await super.stop();
    if (!this.started) return;
    this.started = false;
    await this.settled();
    try {
      await this.writeFinished();
    } catch (error) {
      // Their claims lapse, and the deliveries are sent again: at least once.
      this.options.logger.error({ err: error }, "could not record the last webhook deliveries");
    }
  }

  /**
   * Runs turns, waiting for the requests each sends, until one finds nothing to do; returns
   * how many deliveries were handled. How a worker that is not started is driven (tests, on a
   * manual clock); the caller waits for the requests itself.
   */
  async runDue(): Promise<number> {
    let handled = 0;
    this.fanoutDue = true;
    for (;;) {
      const turn = await this.run();
      await this.settled();
      handled += turn.handled;
      if (turn.handled === 0 && turn.fannedOut === 0 && this.finished.length === 0) return handled;
    }
  }

  protected async work(): Promise<WorkerTurn> {
    let fannedOut = 0;
    let sentAtBirth = 0;
    const now = this.options.clock.now();
    if (this.fanoutDue || now - this.fanoutAt >= this.pollMs) {
      this.fanoutDue = false;
      this.fanoutAt = now;
      const batch = await this.options.fanout.runBatch(this.claimAtBirth());
      fannedOut = batch.events;
      sentAtBirth = batch.sendNow.length;
      // Deliveries left pending: the claims look for them.
      if (batch.deliveries > sentAtBirth) this.drained.clear();
      await this.sendAll(batch.sendNow);
      // A full batch leaves more behind: another turn at once.
      if (fannedOut >= this.options.fanout.batchSize) {
        this.fanoutDue = true;
        this.wake();
      }
    }
    const finished = this.finished.length;
    const handled = sentAtBirth + (await this.fill());
    return { fannedOut, handled, finished };
  }

  /**
   * The fan-out creates a delivery claimed, and it is sent right after the commit, when its
   * webhook has a slot free and its last claim found nothing more due: no older delivery
   * waits, so the fresh one overtakes none (a webhook with a backlog has its new deliveries
   * queued behind it). A webhook that keeps up is then served without a claim per batch.
   */
  private claimAtBirth(): ClaimAtBirth {
    let free = this.concurrency - this.inFlight.size;
    const taken = new Map<string, number>();
    return {
      claimMs: this.options.claimMs,
      take: (webhookId) => {
        if (free <= 0 || !this.isDrained(webhookId)) return false;
        const mine = taken.get(webhookId) ?? 0;
        if ((this.busy.get(webhookId) ?? 0) + mine >= this.perWebhook) return false;
        taken.set(webhookId, mine + 1);
        free--;
        return true;
      },
    };
  }

  /** Sends claimed deliveries, a slice at a time (see {@link SEND_SLICE}). */
  private async sendAll(taken: readonly Taken[]): Promise<void> {
    for (const [i, { delivery, webhook, event }] of taken.entries()) {
      if (i > 0 && i % SEND_SLICE === 0) await nextTurnOfTheLoop();
      this.send(delivery, webhook, event);
    }
  }

  private fanoutNow(): void {
    clearTimeout(this.gathering);
    this.gathering = undefined;
    this.gathered = 0;
    this.fanoutDue = true;
    this.wake();
  }

  /**
   * Writes the outcomes waiting and claims due deliveries into the free slots, in one
   * transaction; then sends what it claimed. Returns how many deliveries it took.
   */
  private async fill(): Promise<number> {
    const { repository, clock } = this.options;
    const finished = this.finished;
    let free = this.concurrency - this.inFlight.size;
    if (free <= 0) {
      await this.writeFinished();
      return 0;
    }
    const { all, active } = await this.options.webhooks.list();
    const byId = new Map(active.map((webhook) => [webhook.row.id, webhook]));
    const now = clock.now();
    // Every webhook is asked at each poll (retries that fell due, claims that lapsed, deliveries
    // of a disabled webhook to end) — a tick may come a little early, hence the half — and at
    // every turn of a worker driven by runDue.
    const everyone = !this.started || now - this.lookedAt >= this.pollMs / 2;
    if (everyone) this.lookedAt = now;
    const first = all.length === 0 ? 0 : this.rotation++ % all.length;
    this.finished = [];
    let taken: Taken[];
    let skipped = 0;
    try {
      taken = await repository.transaction(async (tx) => {
        await tx.finish(finished);
        const claimed: Taken[] = [];
        for (let k = 0; k < all.length; k++) {
          const row = all[(first + k) % all.length];
          if (!row) continue;
          const webhook = byId.get(row.id);
          if (webhook && free <= 0) continue;
          if (!everyone && (!webhook || this.isDrained(row.id))) continue;
          if (!webhook) {
            const ended = await tx.skipDue(row.id, now, SKIP_BATCH);
            if (ended === SKIP_BATCH) {
              // More to end: the next turn asks everyone again.
              this.lookedAt = Number.NEGATIVE_INFINITY;
              this.wake();
            }
            skipped += ended;
            continue;
          }
          const busy = this.busy.get(row.id) ?? 0;
          const room = Math.min(free, this.perWebhook - busy);
          // Slots are filled a batch at a time — half a webhook's share, or all of it when it
          // has nothing out — not one by one as requests end: a claim is a write.
          if (room <= 0 || (busy > 0 && room < this.refill)) continue;
          const rows = await tx.claim(row.id, now, now + this.options.claimMs, room);
          if (rows.length < room) this.drained.set(row.id, now + this.pollMs);
          else this.drained.delete(row.id);
          free -= rows.length;
          for (const delivery of rows) claimed.push({ delivery, webhook });
        }
        return claimed;
      });
    } catch (error) {
      // Nothing was written: the outcomes wait for the next turn.
      this.finished = [...finished, ...this.finished];
      throw error;
    }
    if (taken.length > 0) {
      // A notice carries its own body; only pushes are read from the events.
      const pushes = taken.filter((t) => t.delivery.kind !== "notice");
      const events = await this.options.events.envelopes(pushes.map((t) => t.delivery.event_id));
      for (const t of taken) t.event = events.get(t.delivery.event_id);
      await this.sendAll(taken);
    }
    return skipped + taken.length;
  }

  /** True while a webhook's last claim found nothing more due (see {@link drained}). */
  private isDrained(webhookId: string): boolean {
    const until = this.drained.get(webhookId);
    return until !== undefined && until > this.options.clock.now();
  }

  /** Writes the outcomes waiting, without claiming. */
  private async writeFinished(): Promise<void> {
    const finished = this.finished;
    if (finished.length === 0) return;
    this.finished = [];
    try {
      await this.options.repository.transaction((tx) => tx.finish(finished));
    } catch (error) {
      this.finished = [...finished, ...this.finished];
      throw error;
    }
  }

  private send(delivery: ClaimedDelivery, webhook: ActiveWebhook, event: EventEnvelope | undefined): void {
    const id = webhook.row.id;
    this.busy.set(id, (this.busy.get(id) ?? 0) + 1);
    const request: Promise<void> = this.options.attempts
      .attempt(delivery, webhook, event)
      .then(
        (ended) => {
          this.finished.push(ended);
        },
        (error: unknown) => {
          // Nothing to record: the claim lapses and the delivery is taken again then.
          this.options.logger.error({ err: error, deliveryId: delivery.id }, "a webhook delivery failed");
        },
      )
      .finally(() => {
        this.inFlight.remove(slot);
        const left = (this.busy.get(id) ?? 1) - 1;
        if (left === 0) this.busy.delete(id);
        else this.busy.set(id, left);
        // A turn when there is a batch of slots to refill and the webhook may have work for
        // them, when enough outcomes gathered to be worth a transaction, or when nothing is
        // out any more. A webhook whose last claim came back short waits for the fan-out (which
        // wakes the worker) or the poll: a turn per ended request would write a transaction
        // for a handful of outcomes and claim nothing.
        if (
          (this.perWebhook - left >= this.refill && !this.isDrained(id)) ||
          this.finished.length >= this.refill ||
          this.inFlight.size === 0
        ) {
          this.wake();
        }
      });
    const slot = this.inFlight.add(request);
  }
}
