import type { ModuleFactory, ModuleWorker } from "../module.js";
import type { Logger } from "../platform/logger.js";
import { notificationsPolicy } from "./policy.js";
import { NotificationsRepository } from "./repository.js";
import { notificationRoutes } from "./routes.js";
import { type NotificationCenter, NotificationsService } from "./service.js";

export { notificationsMigrations } from "./migrations/index.js";
export { notificationsPolicy } from "./policy.js";
export type { Notice, NotificationCenter, NotificationView } from "./service.js";
export { NOTIFICATION_RETENTION_DAYS, NotificationsService } from "./service.js";

declare module "../platform/services.js" {
  interface ModuleServices {
    /** Sends console users notifications (the risk module's alerts). */
    notifications: NotificationCenter;
  }
}

const PURGE_EVERY_MS = 6 * 60 * 60 * 1000;

/** Purges old notifications at start and every six hours. */
class NotificationsPurge implements ModuleWorker {
  readonly name = "notifications";
  private timer: NodeJS.Timeout | undefined;
  private purging: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly service: NotificationsService,
    private readonly logger: Logger,
  ) {}

  start(): void {
    const purge = () => {
      this.purging = this.service.purgeExpired().catch((error: unknown) => {
        this.logger.error({ err: error }, "the notifications purge failed; it runs again later");
      });
    };
    purge();
    this.timer = setInterval(purge, PURGE_EVERY_MS).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.purging;
  }

  runDue(): Promise<number> {
    return this.service.purgeExpired();
  }
}

/**
 * The notifications module: each console user's notices (the bell and list in the console),
 * which other modules send through the `notifications` service. Like the audit log, they are a
 * record of what was done and outlive the account they name (the deletion itself is one): they
 * go by age only.
 */
export const notificationsModule: ModuleFactory = (ctx) => {
  const repository = new NotificationsRepository(ctx.db);
  const logger = ctx.logger.child({ module: "notifications" });
  const service = new NotificationsService({ repository, clock: ctx.clock, logger });
  ctx.provide("notifications", service);
  return {
    name: "notifications",
    policies: [notificationsPolicy],
    routes: notificationRoutes(service),
    workers: [new NotificationsPurge(service, logger)],
  };
};
