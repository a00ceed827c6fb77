import type { Clock } from "../platform/ports.js";
import type { SecretBox } from "../platform/secrets.js";
import type { WebhookRow, WebhooksRepository } from "./repository.js";

/** The sealing context of a webhook's signing secret. */
export const secretContext = (id: string) => `webhooks.secret:${id}`;

/** An enabled webhook ready for routing: filters as sets, the secret opened. */
export interface ActiveWebhook {
  row: WebhookRow;
  events: ReadonlySet<string>;
  accounts: ReadonlySet<string>;
  secret: string;
}

/** Does this webhook want a push of this account and type? */
export function matches(
  webhook: ActiveWebhook,
  appId: string,
  msgType: string | null,
  event: string | null,
): boolean {
  if (!webhook.accounts.has("*") && !webhook.accounts.has(appId)) return false;
  if (webhook.events.has("*")) return true;
  return (msgType !== null && webhook.events.has(msgType)) || (event !== null && webhook.events.has(event));
}

const CACHE_MS = 1000;

/** Every webhook, and the enabled ones ready for routing. */
export interface WebhookList {
  all: readonly WebhookRow[];
  active: ActiveWebhook[];
}

/**
 * The webhooks, read at most once a second, and again at once after a change made through
 * this process (another process's change is seen within the second): the gateway asks on
 * every push whether any webhook wants it, the fan-out routes every event, and the delivery
 * worker reads each webhook's state when a delivery's turn comes.
 */
export class ActiveWebhooks {
  private active: WebhookList | undefined;
  private activeAt = 0;
  private loading: Promise<WebhookList> | undefined;
  /** Bumped by each change: a read begun before it must not be kept as current. */
  private generation = 0;

  constructor(
    private readonly repository: WebhooksRepository,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
  ) {}

  /** The enabled webhooks when the list is fresh, without waiting; undefined when it must be read. */
  current(): ActiveWebhook[] | undefined {
    return this.fresh()?.active;
  }

  /** The enabled webhooks. */
  async load(): Promise<ActiveWebhook[]> {
    return (await this.list()).active;
  }

  /** Every webhook (disabled ones too), and the enabled ones. */
  list(): Promise<WebhookList> {
    const fresh = this.fresh();
    if (fresh) return Promise.resolve(fresh);
    const now = this.clock.now();
    const generation = this.generation;
    this.loading ??= this.repository
      .list()
      .then((all) => ({
        all,
        active: all
          .filter((row) => row.enabled === 1)
          .map((row) => ({
            row,
            events: new Set(JSON.parse(row.events) as string[]),
            accounts: new Set(JSON.parse(row.accounts) as string[]),
            secret: this.secrets.open(row.secret, secretContext(row.id)),
          })),
      }))
      .then((active) => {
        if (generation === this.generation) {
          this.active = active;
          this.activeAt = now;
        }
        return active;
      })
      .finally(() => {
        if (generation === this.generation) this.loading = undefined;
      });
    return this.loading;
  }

  private fresh(): WebhookList | undefined {
    return this.active && this.clock.now() - this.activeAt < CACHE_MS ? this.active : undefined;
  }

  /** After a change: the next question reads the table again. */
  invalidate(): void {
    this.generation++;
    this.active = undefined;
    this.loading = undefined;
  }
}
