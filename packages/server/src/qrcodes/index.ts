import type {} from "../accounts/index.js";
import type {} from "../callbacks/index.js";
import type { DomainModule, ModuleContext, ModuleFactory } from "../module.js";
import { defineJob } from "../platform/ports.js";
import { QrCodeAttribution } from "./attribution.js";
import { QrCodeBatches } from "./batches.js";
import { QrCodeFigures } from "./figures.js";
import { qrcodesPolicy } from "./policy.js";
import { QrCodesRepository } from "./repository.js";
import { qrcodesRoutes } from "./routes.js";
import { QrCodeService } from "./service.js";

export { attributionOf, QrCodeAttribution } from "./attribution.js";
export { QrCodeBatches } from "./batches.js";
export { QrCodeFigures } from "./figures.js";
export { qrcodesMigrations } from "./migrations/index.js";
export { type QrCodesAction, qrcodesPolicy } from "./policy.js";
export type { QrCodeRefusal } from "./refusals.js";
export { QrCodeService } from "./service.js";

/** The qrcodes module with its parts, for tests. */
export interface QrCodes {
  module: DomainModule;
  service: QrCodeService;
  batches: QrCodeBatches;
  figures: QrCodeFigures;
  attribution: QrCodeAttribution;
}

/**
 * Builds the qrcodes module (参数二维码: channel and fission codes, their figures): uses the
 * accounts module's `accountClients` to call WeChat, and registers its attribution with the
 * callbacks module's `eventFanout` (first, so it reads every push). Forgets an account's codes
 * and figures when the account is deleted.
 */
export function createQrCodes(ctx: ModuleContext): QrCodes {
  const repository = new QrCodesRepository(ctx.db);
  const logger = ctx.logger.child({ module: "qrcodes" });
  const service = new QrCodeService({
    repository,
    clients: ctx.use("accountClients"),
    clock: ctx.clock,
    logger,
  });
  const batches = new QrCodeBatches({ repository, service, queue: ctx.queue, clock: ctx.clock, logger });
  const figures = new QrCodeFigures({ repository, logger });
  const attribution = new QrCodeAttribution({ repository, clock: ctx.clock, logger });
  ctx.use("eventFanout").register(attribution, "first");
  ctx.bus.on("accounts.purge", (appId) => repository.purgeAccount(appId));
  return {
    module: {
      name: "qrcodes",
      policies: [qrcodesPolicy],
      routes: qrcodesRoutes(service, batches, figures, ctx.clock),
      jobs: [defineJob("qrcodes.batch", (job) => batches.run(job.payload.batchId))],
    },
    service,
    batches,
    figures,
    attribution,
  };
}

/** The module factory for the registry (after `callbacksModule()`). */
export const qrcodesModule: ModuleFactory = (ctx) => createQrCodes(ctx).module;
