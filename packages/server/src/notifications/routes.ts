import { z } from "zod";
import { defineRoute, type Route } from "../http/route.js";
import type { NotificationsService } from "./service.js";

const notification = z.object({
  id: z.string(),
  kind: z
    .string()
    .describe(
      "`risk_operation`, `risk_operations_burst`, `sign_in_failures` or `new_sign_in_range`; `data` holds its facts.",
    ),
  appid: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  createdAt: z.number().int(),
  readAt: z.number().int().nullable(),
});
const unread = z.number().int().describe("How many of the user's notifications are unread.");

/** `/api/v1/notifications…`: the signed-in user's own, in the console only. */
export function notificationRoutes(service: NotificationsService): Route[] {
  return [
    defineRoute({
      method: "GET",
      url: "/notifications",
      action: "notifications.read",
      summary: "The signed-in user's notifications, newest first",
      description:
        "Risk operations on the accounts the user administers and alerts about abnormal operations. `unread=true` lists only the unread ones; pass `nextCursor` as `cursor` for the next page.",
      query: z.object({
        unread: z.enum(["true", "false"]).optional(),
        cursor: z.string().max(64).optional(),
        limit: z.coerce.number().int().min(1).max(100).default(20),
      }),
      response: z.object({ items: z.array(notification), nextCursor: z.string().nullable(), unread }),
      handler: ({ actor, query }) =>
        service.list(actor, {
          unreadOnly: query.unread === "true",
          cursor: query.cursor,
          limit: query.limit,
        }),
    }),
    defineRoute({
      method: "GET",
      url: "/notifications/unread",
      action: "notifications.read",
      summary: "How many of the signed-in user's notifications are unread (the header's bell)",
      response: z.object({ unread }),
      handler: ({ actor }) => service.unread(actor),
    }),
    defineRoute({
      method: "POST",
      url: "/notifications/read",
      action: "notifications.mark",
      summary: "Mark notifications read: those named, or every unread one",
      body: z.object({ ids: z.array(z.string().min(1).max(64)).max(100).optional() }),
      response: z.object({ marked: z.number().int(), unread }),
      handler: ({ actor, body }) => service.markRead(actor, body.ids),
    }),
  ];
}
