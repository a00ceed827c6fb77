export type { EventPayload } from "./payload.js";
export type { DeliveryKind, DeliveryRow, DeliveryStatus, WebhookRow } from "./repository.js";
export { WebhooksRepository } from "./repository.js";
export { webhookRoutes } from "./routes.js";
export type { WebhookInput, WebhookView } from "./service.js";
export { DEFAULT_MAX_ATTEMPTS, DELIVER_QUEUE, FANOUT_QUEUE, WebhookService } from "./service.js";
export {
  DELIVERY_ID_HEADER,
  EVENT_ID_HEADER,
  SIGNATURE_HEADER,
  signWebhookBody,
  verifyWebhookSignature,
} from "./signature.js";
export { isInternalAddress, urlProblem } from "./url-guard.js";
