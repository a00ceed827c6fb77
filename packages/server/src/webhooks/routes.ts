import { z } from "zod";
import { defineRoute, type Route } from "../http/route.js";
import { type DeliveryRow, deliveryStatuses } from "./repository.js";
import type { WebhookService } from "./service.js";

const filterEntry = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_*.-]+$/, "letters, digits, _ . - or *");
const webhookFields = {
  name: z.string().trim().max(100),
  url: z.string().trim().min(1).max(2048),
  events: z.array(filterEntry).min(1).max(100),
  accounts: z.array(filterEntry).min(1).max(1000),
  forwardOriginal: z.boolean(),
  reply: z.boolean(),
  enabled: z.boolean(),
  maxAttempts: z.number().int().min(1).max(20),
};

const createBody = z.strictObject({
  name: webhookFields.name.optional(),
  url: webhookFields.url,
  events: webhookFields.events.optional(),
  accounts: webhookFields.accounts.optional(),
  forwardOriginal: webhookFields.forwardOriginal.optional(),
  reply: webhookFields.reply.optional(),
  enabled: webhookFields.enabled.optional(),
  maxAttempts: webhookFields.maxAttempts.optional(),
});
const updateBody = createBody.partial();

const webhookView = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  accounts: z.array(z.string()),
  forwardOriginal: z.boolean(),
  reply: z.boolean(),
  enabled: z.boolean(),
  maxAttempts: z.number(),
  createdAt: z.number(),
  updatedAt: z.number(),
});

const deliveryView = z.object({
  id: z.string(),
  webhookId: z.string(),
  eventId: z.string(),
  appId: z.string(),
  kind: z.string(),
  status: z.string(),
  attempts: z.number(),
  lastStatusCode: z.number().nullable(),
  lastError: z.string().nullable(),
  lastAttemptAt: z.number().nullable(),
  deliveredAt: z.number().nullable(),
  createdAt: z.number(),
});

function deliveryOf(row: DeliveryRow): z.input<typeof deliveryView> {
  return {
    id: row.id,
    webhookId: row.webhook_id,
    eventId: row.event_id,
    appId: row.appid,
    kind: row.kind,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    lastAttemptAt: row.last_attempt_at === null ? null : Number(row.last_attempt_at),
    deliveredAt: row.delivered_at === null ? null : Number(row.delivered_at),
    createdAt: Number(row.created_at),
  };
}

const idParams = z.object({ id: z.string().min(1).max(64) });

/** The webhooks API (scope `webhooks:write`). */
export function webhookRoutes(service: WebhookService): Route[] {
  const tags = ["webhooks"];
  return [
    defineRoute({
      method: "POST",
      url: "/webhooks",
      action: "webhooks.manage",
      tags,
      summary: "Create a webhook",
      description:
        "`events`: MsgTypes (`text`, `image`, …), event names (`subscribe`, `CLICK`, …) or `*` (every push), and wxgate's own notices by name: `risk_operation` (a risk operation on an account, `{ id, kind, appId, at, data }`). `accounts`: appids or `*`. " +
        "`forwardOriginal`: POST WeChat's original body with its original query string instead of JSON " +
        "(the receiver then sees the push's `signature`, `timestamp` and `nonce`; wxgate refuses other content under a pair it accepted, and signs its copy with `x-wxgate-signature`). " +
        '`reply`: called synchronously for each push; may answer `{"reply": {…}}` within the reply budget. ' +
        "The signing `secret` is in this response only. " +
        "A webhook is in a caller's reach when every account it names is (`*` only for a caller reaching every account): a caller sees and changes only those, and names only accounts in its reach (otherwise 403 `forbidden`, `details.reason = out_of_reach`).",
      body: createBody,
      status: 201,
      response: webhookView.extend({ secret: z.string() }),
      handler: ({ body, actor }) => service.create(actor, body),
    }),
    defineRoute({
      method: "GET",
      url: "/webhooks",
      action: "webhooks.read",
      tags,
      summary: "List webhooks (those in the caller's reach)",
      response: z.object({ items: z.array(webhookView) }),
      handler: async ({ actor }) => ({ items: await service.list(actor) }),
    }),
    defineRoute({
      method: "GET",
      url: "/webhooks/:id",
      action: "webhooks.read",
      tags,
      summary: "One webhook",
      params: idParams,
      response: webhookView,
      handler: ({ params, actor }) => service.get(actor, params.id),
    }),
    defineRoute({
      method: "PATCH",
      url: "/webhooks/:id",
      action: "webhooks.manage",
      tags,
      summary: "Change a webhook",
      description:
        "Disabling takes effect for deliveries already queued: each is marked `skipped` (not sent) " +
        "when its turn comes, including one whose attempt a crash cut short.",
      params: idParams,
      body: updateBody,
      response: webhookView,
      handler: ({ params, body, actor }) => service.update(actor, params.id, body),
    }),
    defineRoute({
      method: "DELETE",
      url: "/webhooks/:id",
      action: "webhooks.manage",
      tags,
      summary: "Delete a webhook and its delivery log",
      params: idParams,
      async handler({ params, actor }) {
        await service.remove(actor, params.id);
        return undefined;
      },
    }),
    defineRoute({
      method: "GET",
      url: "/webhooks/:id/deliveries",
      action: "webhooks.read",
      tags,
      summary: "The delivery log of a webhook, newest first",
      params: idParams,
      query: z.object({
        status: z.enum(deliveryStatuses).optional(),
        cursor: z.string().max(64).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
      response: z.object({ items: z.array(deliveryView), nextCursor: z.string().nullable() }),
      async handler({ params, query, actor }) {
        const rows = await service.deliveries(actor, params.id, query);
        const last = rows.at(-1);
        return {
          items: rows.map(deliveryOf),
          nextCursor: rows.length === query.limit && last ? last.id : null,
        };
      },
    }),
    defineRoute({
      method: "POST",
      url: "/webhooks/:id/deliveries/:deliveryId/retry",
      action: "webhooks.manage",
      tags,
      summary: "Send a finished delivery again",
      description: "Refused (409) while the webhook is disabled.",
      params: z.object({ id: z.string().min(1).max(64), deliveryId: z.string().min(1).max(64) }),
      status: 202,
      response: deliveryView,
      handler: async ({ params, actor }) =>
        deliveryOf(await service.redeliver(actor, params.id, params.deliveryId)),
    }),
  ];
}
