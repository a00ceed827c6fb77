import { z } from "zod";
import { defineRoute, type Route } from "../http/route.js";
import type { EventReader } from "./reading.js";
import type { EventRow } from "./repository.js";

const eventSummary = z.object({
  id: z.string(),
  appId: z.string(),
  dedupeKey: z.string(),
  kind: z.string(),
  msgType: z.string().nullable(),
  event: z.string().nullable(),
  fromOpenId: z.string().nullable(),
  createTime: z.number().nullable(),
  receivedAt: z.number(),
  mode: z.string(),
  status: z.string(),
  replied: z.boolean(),
});

const eventDetail = eventSummary.extend({
  plaintextXml: z.string(),
  replyXml: z.string().nullable(),
  query: z.string().describe("The push's query string without `signature`, `msg_signature` and `nonce`"),
  body: z.string(),
});

/** Parameters a reader of the events API never sees: with them, a push could be signed again. */
const UNSIGNED_PARAMS = new Set(["signature", "msg_signature", "nonce"]);

/** The query of a push as the API shows it: WeChat's signature and nonce taken out. */
export function unsignedQuery(rawQuery: string): string {
  return rawQuery
    .split("&")
    .filter((pair) => {
      const at = pair.indexOf("=");
      const name = at < 0 ? pair : pair.slice(0, at);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, " "));
      } catch {
        // An undecodable name is shown as it came; it names no protocol parameter.
      }
      return pair !== "" && !UNSIGNED_PARAMS.has(decoded.toLowerCase());
    })
    .join("&");
}

function summaryOf(row: EventRow): z.input<typeof eventSummary> {
  return {
    id: row.id,
    appId: row.appid,
    dedupeKey: row.dedupe_key,
    kind: row.kind,
    msgType: row.msg_type,
    event: row.event,
    fromOpenId: row.from_openid,
    createTime: row.create_time === null ? null : Number(row.create_time),
    receivedAt: Number(row.received_at),
    mode: row.mode,
    status: row.status,
    replied: row.reply_xml !== null,
  };
}

const listQuery = z.object({
  appid: z.string().min(1).max(64).optional(),
  type: z
    .string()
    .min(1)
    .max(64)
    .refine((type) => type !== "event", "name the event (subscribe, CLICK, …): every event is not one type")
    .optional(),
  from: z.coerce.number().int().min(0).optional(),
  to: z.coerce.number().int().min(0).optional(),
  cursor: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** `GET /events` and `GET /events/:id`. */
export function eventRoutes(events: EventReader): Route[] {
  return [
    defineRoute({
      method: "GET",
      url: "/events",
      action: "events.read",
      tags: ["events"],
      summary: "List received pushes",
      description:
        "Newest first, of the accounts in the caller's reach (an `appid` out of reach: 403 `forbidden`, `details.reason = out_of_reach`). Filter by `appid`, `type` (a MsgType such as `text`, an event name such as `subscribe`, or a platform InfoType) and `from`/`to` (received time, epoch ms). Pass `nextCursor` as `cursor` for the next page. Every combination of filters is read through an index in page order, so a page costs the same however many events are kept.",
      query: listQuery,
      response: z.object({ items: z.array(eventSummary), nextCursor: z.string().nullable() }),
      async handler({ query, actor }) {
        const rows = await events.list(actor, {
          appId: query.appid,
          type: query.type,
          from: query.from,
          to: query.to,
          before: query.cursor,
          limit: query.limit,
        });
        const last = rows.at(-1);
        return {
          items: rows.map(summaryOf),
          nextCursor: rows.length === query.limit && last ? last.id : null,
        };
      },
    }),
    defineRoute({
      method: "GET",
      url: "/events/:id",
      action: "events.read",
      tags: ["events"],
      summary: "One received push, with its XML, the original request and the reply",
      description:
        "An event of an account out of the caller's reach: 403 `forbidden`, `details.reason = out_of_reach`. The query is shown without WeChat's `signature`, `msg_signature` and `nonce`: they prove nothing to a reader, and could only help someone sign another push.",
      params: z.object({ id: z.string().min(1).max(64) }),
      response: eventDetail,
      async handler({ params, actor }) {
        const row = await events.get(actor, params.id);
        return {
          ...summaryOf(row),
          plaintextXml: row.plaintext_xml,
          replyXml: row.reply_xml,
          query: unsignedQuery(row.query),
          body: row.body,
        };
      },
    }),
  ];
}
