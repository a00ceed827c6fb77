import { qrLimits } from "@wxgate/wechat";
import { z } from "zod";
import { defineRoute, type Route } from "../http/route.js";
import { errors } from "../platform/errors.js";
import type { Clock } from "../platform/ports.js";
import type { QrCodeBatches } from "./batches.js";
import { cstDay, daysBefore } from "./days.js";
import { MAX_DAYS, type QrCodeFigures } from "./figures.js";
import { BATCH_MAX, NAME_MAX_CHARS, type QrCodeService } from "./service.js";
import {
  batchOf,
  batchView,
  codeOf,
  codeView,
  seriesOf,
  seriesView,
  treeNodeOf,
  treeNodeView,
} from "./views.js";

const appid = z.object({ appid: z.string().min(1).max(64) });
const oneCode = appid.extend({ id: z.string().min(1).max(64) });
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a day is YYYY-MM-DD");
const range = z.object({
  from: day.optional().describe("First day (China Standard Time); 30 days before `to` by default."),
  to: day.optional().describe("Last day (China Standard Time); today by default."),
});
// Lengths are checked by the service, so a refusal carries its reason and the limit.
const channel = z.object({
  name: z.string().max(1000).describe(`The channel's name, 1 to ${NAME_MAX_CHARS} characters.`),
  scene: z
    .string()
    .max(1000)
    .optional()
    .describe(`The scene_str, 1 to ${qrLimits.sceneStrMaxChars} characters; the name when omitted.`),
});

const REFUSALS =
  "Checked before WeChat is asked (`details.reason`): `name_invalid`, `scene_invalid` (400, with `details.limit`); `scene_taken`, `permanent_limit` (409: WeChat keeps at most 100,000 permanent codes).";

/**
 * The range asked for: `to` today by default, `from` 30 days before it; refused when `from` is
 * after `to` or the range is longer than {@link MAX_DAYS} days.
 */
function rangeOf(query: { from?: string | undefined; to?: string | undefined }, clock: Clock) {
  const to = query.to ?? cstDay(clock.now());
  const from = query.from ?? daysBefore(to, 30);
  if (from > to) throw errors.validation("`from` is after `to`", { reason: "range_invalid" });
  if (from < daysBefore(to, MAX_DAYS)) {
    throw errors.validation(`at most ${MAX_DAYS} days at a time`, {
      reason: "range_invalid",
      limit: MAX_DAYS,
    });
  }
  return { from, to };
}

/** The qrcodes module's routes: codes, their images, daily figures, the fission tree, CSV. */
export function qrcodesRoutes(
  service: QrCodeService,
  batches: QrCodeBatches,
  figures: QrCodeFigures,
  clock: Clock,
): Route[] {
  return [
    defineRoute({
      method: "POST",
      url: "/accounts/:appid/qrcodes/channels",
      action: "qrcodes.manage",
      account: (p) => p.appid,
      tags: ["qrcodes"],
      summary: "Create a channel code (permanent, QR_LIMIT_STR_SCENE)",
      description: REFUSALS,
      params: appid,
      body: channel,
      response: codeView,
      status: 201,
      handler: async ({ actor, params, body }) =>
        codeOf(await service.createChannel(actor, params.appid, body)),
    }),
    defineRoute({
      method: "POST",
      url: "/accounts/:appid/qrcodes/channels/batch",
      action: "qrcodes.manage",
      account: (p) => p.appid,
      tags: ["qrcodes"],
      summary: "Create many channel codes at once",
      description: `Up to ${BATCH_MAX} channels. The rules are checked for every item at once (those refused say why in the answer); a job then asks WeChat for the others one after the other. Follow the progress (\`done\` of \`total\`) and each item's outcome with \`GET /accounts/{appid}/qrcodes/batches/{id}\`; one refused item does not stop the others.`,
      params: appid,
      body: z.object({ channels: z.array(channel).min(1).max(BATCH_MAX) }),
      response: batchView,
      status: 202,
      handler: async ({ actor, params, body }) =>
        batchOf(await batches.start(actor, params.appid, body.channels)),
    }),
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/qrcodes/batches/:id",
      action: "qrcodes.read",
      account: (p) => p.appid,
      tags: ["qrcodes"],
      summary: "A batch's progress and each item's outcome",
      params: oneCode,
      response: batchView,
      handler: async ({ params }) => batchOf(await batches.state(params.appid, params.id)),
    }),
    defineRoute({
      method: "POST",
      url: "/accounts/:appid/qrcodes/fission",
      action: "qrcodes.manage",
      account: (p) => p.appid,
      tags: ["qrcodes"],
      summary: "The fission code of an inviting follower (temporary, QR_STR_SCENE)",
      description: `One per inviter: the live one is returned as it is (\`created: false\`); once expired, the same code gets a new ticket. Followers who follow through it are recorded as the inviter's. Refusals (400): \`inviter_invalid\`, \`expire_invalid\` (1 to ${qrLimits.tempMaxExpireSeconds} seconds, \`details.limit\`).`,
      params: appid,
      body: z.object({
        inviterOpenId: z.string().max(200),
        expireSeconds: z.number().int().default(qrLimits.tempMaxExpireSeconds),
      }),
      response: z.object({ code: codeView, created: z.boolean() }),
      handler: async ({ actor, params, body }) => {
        const made = await service.createFission(actor, params.appid, body);
        return { code: codeOf(made.code), created: made.created };
      },
    }),
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/qrcodes",
      action: "qrcodes.read",
      account: (p) => p.appid,
      tags: ["qrcodes"],
      summary: "List an account's QR codes with their all-time figures",
      params: appid,
      query: z.object({
        kind: z.enum(["channel", "fission"]).optional(),
        cursor: z.string().max(64).optional().describe("`nextCursor` of the previous page."),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
      response: z.object({ items: z.array(codeView), nextCursor: z.string().nullable() }),
      handler: async ({ params, query }) => {
        const page = await service.list(params.appid, query);
        return {
          items: page.items.map((item) => codeOf(item.code, item.totals)),
          nextCursor: page.nextCursor,
        };
      },
    }),
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/qrcodes/stats",
      action: "qrcodes.read",
      account: (p) => p.appid,
      tags: ["qrcodes"],
      summary: "Scans, new followers and unfollows per day per code",
      description: `Days in China Standard Time, every day of the range present; at most ${MAX_DAYS} days. Series busiest first. Scenes of codes not made in wxgate appear when neither \`kind\` nor \`codeId\` is given.`,
      params: appid,
      query: range.extend({
        kind: z.enum(["channel", "fission"]).optional(),
        codeId: z.string().max(64).optional(),
      }),
      response: z.object({
        from: z.string(),
        to: z.string(),
        days: z.array(z.string()),
        series: z.array(seriesView),
      }),
      handler: async ({ params, query }) => {
        const at = rangeOf(query, clock);
        const result = await figures.daily(params.appid, at, { kind: query.kind, codeId: query.codeId });
        return { ...at, days: result.days, series: result.series.map(seriesOf) };
      },
    }),
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/qrcodes/stats/export",
      action: "qrcodes.read",
      account: (p) => p.appid,
      tags: ["qrcodes"],
      summary: "Export the daily figures as CSV",
      description:
        "One row per day and scene with anything counted: day, scene, code_id, kind, name, scans, new_followers, unfollows. `text/csv` (UTF-8 with a byte-order mark), streamed a day at a time.",
      params: appid,
      query: range,
      status: 200,
      async handler({ params, query, reply }) {
        const at = rangeOf(query, clock);
        reply
          .header("content-type", "text/csv; charset=utf-8")
          .header(
            "content-disposition",
            `attachment; filename="qrcodes-${params.appid}-${at.from}-${at.to}.csv"`,
          );
        return reply.send(figures.exportCsv(params.appid, at));
      },
    }),
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/qrcodes/fission/tree",
      action: "qrcodes.read",
      account: (p) => p.appid,
      tags: ["qrcodes"],
      summary: "Who brought whom through fission codes",
      description:
        "Flat, depth-first: each node names its inviter (`invitedBy`) and depth; roots are inviters no fission code brought. Counts per inviter: `invited`, `stillFollowing`, `descendants`. Drawn from at most 10,000 invitations (`truncated` says when there were more).",
      params: appid,
      response: z.object({
        nodes: z.array(treeNodeView),
        invitations: z.number().int(),
        truncated: z.boolean(),
      }),
      handler: async ({ params }) => {
        const tree = await figures.fissionTree(params.appid);
        return { ...tree, nodes: tree.nodes.map(treeNodeOf) };
      },
    }),
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/qrcodes/:id",
      action: "qrcodes.read",
      account: (p) => p.appid,
      tags: ["qrcodes"],
      summary: "One QR code with its all-time figures",
      params: oneCode,
      response: codeView,
      handler: async ({ params }) => {
        const found = await service.one(params.appid, params.id);
        return codeOf(found.code, found.totals);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/qrcodes/:id/image",
      action: "qrcodes.read",
      account: (p) => p.appid,
      tags: ["qrcodes"],
      summary: "The code's image (PNG)",
      description:
        "WeChat's image (`showqrcode?ticket=`), or the same content drawn by wxgate when WeChat cannot be reached. An expired temporary code: 409 `code_expired`.",
      params: oneCode,
      status: 200,
      async handler({ params, reply }) {
        const image = await service.image(params.appid, params.id);
        reply
          .header("content-type", "image/png")
          .header("x-image-source", image.source)
          .header("content-disposition", `attachment; filename="qrcode-${params.id}.png"`);
        return reply.send(image.png);
      },
    }),
  ];
}
