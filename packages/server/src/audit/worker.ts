import type { ModuleWorker } from "../module.js";
import type { Logger } from "../platform/logger.js";
import type { AuditService } from "./service.js";

/** How often entries past their retention are looked for while the server runs. */
export const PURGE_EVERY_MS = 6 * 60 * 60 * 1000;

/**
 * The audit log's background work: the retention purge at start and every six hours, and, on
 * stop, the entries still waiting written before the store closes.
 */
export class AuditWorker implements ModuleWorker {
  readonly name = "audit";
  private timer: NodeJS.Timeout | undefined;
  private purging: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly service: AuditService,
    private readonly logger: Logger,
  ) {}

  start(): void {
    const purge = () => {
      this.purging = this.service.purgeExpired().catch((error: unknown) => {
        this.logger.error({ err: error }, "the audit purge failed; it runs again later");
      });
    };
    purge();
    this.timer = setInterval(purge, PURGE_EVERY_MS).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.purging;
    await this.service.flush();
  }

  async runDue(): Promise<number> {
    await this.service.flush();
    return this.service.purgeExpired();
  }
}
