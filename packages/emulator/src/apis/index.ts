import type { EmulatorModule } from "../http/context.js";
import { registerApisControl } from "./control.js";
import { registerCustom } from "./custom.js";
import { registerCustomerService } from "./customer-service.js";
import { DeliveryLedger } from "./deliveries.js";
import { registerDiagnostics } from "./diagnostics.js";
import { EventOutbox } from "./events.js";
import { registerMass } from "./mass.js";
import { registerMaterials } from "./materials.js";
import { registerMenus } from "./menus.js";
import { registerQrCodes } from "./qrcodes.js";
import { registerSubscribe } from "./subscribe.js";
import { registerTags } from "./tags.js";
import { registerTemplates } from "./templates.js";
import { registerUsers } from "./users.js";

export type { ApisControl } from "./control.js";
export type { ApisSettings } from "./control-deliveries.js";
export { CUSTOMER_SERVICE_EXTENSION, type CustomerServiceBook } from "./customer-service.js";
export {
  DELIVERY_CHANNELS,
  type DeliveryChannel,
  type DeliveryQuery,
  type DeliverySummary,
  DUPLICATES_LISTED,
  MISSING_LISTED,
  PER_OPENID_MAX,
} from "./deliveries.js";
export { EVENT_PUSHES_IN_FLIGHT, type RaisedEvent } from "./events.js";
export { MASS_JOB_DELAY_MS, MASS_JOB_FAULT } from "./mass.js";
export { MATERIALS_EXTENSION, type MaterialsBook, type StoredMedia } from "./materials.js";
export { CONDITIONAL_MENU_LIMIT } from "./menus.js";
export { tagLimits } from "./tags.js";
export { type NewTemplate, TEMPLATE_JOB_DELAY_MS, TEMPLATE_JOB_FAULT } from "./templates.js";

/**
 * The account APIs: menus, QR codes, followers and tags, customer-service, template, mass and
 * subscription messages, quotas and rids, plus `control.apis`.
 */
export const apisModule: EmulatorModule = {
  name: "apis",
  register(app, ctx) {
    const outbox = new EventOutbox(ctx);
    const ledger = new DeliveryLedger(ctx.world);
    registerMenus(app, ctx);
    registerQrCodes(app, ctx);
    registerUsers(app, ctx);
    registerTags(app, ctx);
    registerCustom(app, ctx, ledger);
    registerTemplates(app, ctx, outbox, ledger);
    registerMass(app, ctx, outbox, ledger);
    registerSubscribe(app, ctx, ledger);
    registerDiagnostics(app, ctx);
    registerApisControl(app, ctx, outbox, ledger);
    registerMaterials(app, ctx);
    registerCustomerService(app, ctx);
  },
};
