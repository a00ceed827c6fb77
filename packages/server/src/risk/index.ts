import type { ModuleFactory, ModuleWorker } from "../module.js";
import type { Logger } from "../platform/logger.js";
import type { Clock } from "../platform/ports.js";
import { RiskAlerts, SIGNAL_RETENTION_MS } from "./alerts.js";
import { riskPolicy } from "./policy.js";
import { RiskRepository } from "./repository.js";
import { AuthorizationReview } from "./review.js";
import { riskRoutes } from "./routes.js";
import { RiskSettings } from "./settings.js";

export { addressRange, RiskAlerts, type SignInNotice } from "./alerts.js";
export { riskConfig } from "./config.js";
export { riskMigrations } from "./migrations/index.js";
export { riskPolicy } from "./policy.js";
export { AuthorizationReview, type ReviewRow } from "./review.js";
export { RiskSettings } from "./settings.js";

const PURGE_EVERY_MS = 60 * 60 * 1000;

/** The alerts' background part: waits for alerts under way, purges old signals hourly. */
class RiskWorker implements ModuleWorker {
  readonly name = "risk";
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly alerts: RiskAlerts,
    private readonly repository: RiskRepository,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  start(): void {
    const purge = () => {
      this.repository.purgeSignals(this.clock.now() - SIGNAL_RETENTION_MS).catch((error: unknown) => {
        this.logger.error({ err: error }, "the risk signals purge failed; it runs again later");
      });
    };
    purge();
    this.timer = setInterval(purge, PURGE_EVERY_MS).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.alerts.settle();
  }

  async runDue(): Promise<number> {
    const settled = await this.alerts.settle();
    await this.repository.purgeSignals(this.clock.now() - SIGNAL_RETENTION_MS);
    return settled;
  }
}

/**
 * The risk module: each account's risk protection (the edge's {@link RiskSettings} as its
 * confirmation policy) and alerts switches, the alerts about risk and abnormal operations (to
 * the `notifications` service and the webhooks' `risk_operation` notice), and the authorization
 * review. After the team, notifications and webhooks modules in the registry.
 */
export const riskModule: ModuleFactory = (ctx) => {
  const repository = new RiskRepository(ctx.db);
  const logger = ctx.logger.child({ module: "risk" });
  const settings = new RiskSettings({ repository, clock: ctx.clock });
  const users = ctx.use("users");
  const roster = ctx.use("teamRoster");
  const accounts = ctx.use("accountDirectory");
  const webhooks = ctx.use("webhooks");
  const alerts = new RiskAlerts({
    repository,
    settings,
    users,
    roster,
    notifications: ctx.use("notifications"),
    announce: (notice) => webhooks.announce(notice),
    clock: ctx.clock,
    logger,
    thresholds: {
      riskOperationsPerHour: ctx.config.risk.riskOperationsPerHour,
      failedSignIns: ctx.config.risk.failedSignIns,
      failedSignInMinutes: ctx.config.risk.failedSignInMinutes,
    },
  });
  const review = new AuthorizationReview({
    accounts,
    roster,
    users,
    clock: ctx.clock,
    thresholds: {
      idleDays: ctx.config.risk.reviewIdleDays,
      expiringDays: ctx.config.risk.reviewExpiringDays,
    },
  });
  ctx.bus.on("auth.sign_in", (notice) => {
    alerts.signedIn(notice);
    return undefined;
  });
  ctx.bus.on("accounts.purge", async (appId) => ({ risk_settings: await repository.purgeAccount(appId) }));
  return {
    name: "risk",
    policies: [riskPolicy],
    routes: riskRoutes(settings, review, accounts),
    requestObservers: [alerts.observe],
    confirmationPolicy: settings,
    workers: [new RiskWorker(alerts, repository, ctx.clock, logger)],
  };
};
