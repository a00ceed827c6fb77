import { createOfficialAccountApi } from "@wxgate/wechat";
import { z } from "zod";
import type { AccountClients, AccountDirectory } from "../accounts/index.js";
import { defineRoute, type Route } from "../http/route.js";
import type { Actor } from "../platform/policy.js";
import type { ConsentsRepository } from "./consents.js";
import type { CampaignEngine } from "./engine.js";
import { CampaignError } from "./errors.js";
import type { CampaignLists } from "./lists.js";
import type { MassBatchesRepository } from "./mass-batches.js";
import { audienceSchema, campaignStatuses, channels, contentSchema, recipientStatuses } from "./model.js";
import type { RecipientsRepository } from "./recipients.js";
import type { CampaignsRepository } from "./repository.js";
import type { CampaignsService } from "./service.js";
import type { CampaignsTable } from "./tables.js";
import { templatesOf } from "./templates.js";
import {
  campaignView,
  progressView,
  recipientView,
  toCampaignView,
  toProgressView,
  toRecipientView,
} from "./views.js";

const account = z.object({ appid: z.string().min(1).max(64) });
const campaignId = z.object({ id: z.string().min(1).max(64) });
const page = z.object({
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const when = z.iso
  .datetime({ offset: true })
  .nullable()
  .optional()
  .describe("ISO time; null: send when submitted (or approved).");
const campaignInput = z.object({
  name: z.string().trim().min(1).max(100),
  channel: z.enum(channels),
  audience: audienceSchema,
  content: contentSchema,
  scheduledAt: when,
});

const REFUSALS =
  "Refusals: `campaign_not_found` (404), `campaign_state` (409, `details.status`), `preflight_failed` (409, `details.checks`), `audience_invalid`, `content_invalid` (400, `details.problems` as `[{ field, reason, limit? }]`), `list_invalid` (400), `approval_required` (403: a campaign awaiting approval, submitted again or resumed by someone who may not approve).";

const atMs = (value: string | null | undefined) =>
  value === undefined ? undefined : value === null ? null : Date.parse(value);

/** The campaigns module's routes (the contract in the module's README). */
export function campaignsRoutes(deps: {
  service: CampaignsService;
  engine: CampaignEngine;
  campaigns: CampaignsRepository;
  recipients: RecipientsRepository;
  batches: MassBatchesRepository;
  lists: CampaignLists;
  consents: ConsentsRepository;
  accounts: AccountDirectory;
  clients: AccountClients;
  now: () => number;
}): Route[] {
  const { service, engine, recipients, lists } = deps;
  const tags = ["campaigns"];

  const progressOf = async (row: CampaignsTable) => {
    const counts = await recipients.counts(row.id);
    // A mass send's receipt (MASSSENDJOBFINISH) counts the whole send, not its rows.
    if (row.channel === "mass" && row.mass_sent !== null) {
      counts.receipts = { confirmed: row.mass_sent, failed: row.mass_errors ?? 0 };
    } else if (row.channel === "mass") {
      // By OpenIDs: each batch's MASSSENDJOBFINISH counts its call.
      const { batches, confirmed, failed } = await deps.batches.receipts(row.id);
      if (batches > 0) counts.receipts = { confirmed, failed };
    }
    return toProgressView(
      counts,
      engine.rates.perSecond(row.id, deps.now()),
      row.status === "completed" || row.status === "cancelled",
    );
  };
  const view = async (row: CampaignsTable, actor: Actor) => toCampaignView(row, await progressOf(row), actor);
  const checkList = async (appid: string, audience: z.infer<typeof audienceSchema>) => {
    if (audience.kind === "list" && !(await lists.belongs(audience.listId, appid))) {
      throw new CampaignError("audience_invalid", `no list ${audience.listId} for this account`);
    }
  };

  const lifecycle = (
    verb: "submit" | "approve" | "pause" | "resume" | "cancel",
    action: "campaigns.send" | "campaigns.approve",
    summary: string,
  ) =>
    defineRoute({
      method: "POST",
      url: `/campaigns/:id/${verb}`,
      action,
      tags,
      summary,
      description: REFUSALS,
      params: campaignId,
      response: campaignView,
      handler: async ({ params, actor }) => view(await service[verb](params.id, actor), actor),
    });

  return [
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/campaigns",
      action: "campaigns.read",
      account: (p) => p.appid,
      tags,
      summary: "The account's campaigns, newest first",
      params: account,
      query: page.extend({ status: z.enum(campaignStatuses).optional() }),
      response: z.object({ items: z.array(campaignView), nextCursor: z.string().nullable() }),
      handler: async ({ params, query, actor }) => {
        const rows = await deps.campaigns.list(params.appid, query.status, query.cursor, query.limit + 1);
        const items = rows.slice(0, query.limit);
        return {
          items: await Promise.all(items.map((row) => view(row, actor))),
          nextCursor: rows.length > query.limit ? items[items.length - 1]!.id : null,
        };
      },
    }),
    defineRoute({
      method: "POST",
      url: "/accounts/:appid/campaigns",
      action: "campaigns.create",
      account: (p) => p.appid,
      tags,
      summary: "Create a campaign (a draft)",
      description: REFUSALS,
      params: account,
      body: campaignInput,
      response: campaignView,
      status: 201,
      handler: async ({ params, body, actor }) => {
        await checkList(params.appid, body.audience);
        const row = await service.create(params.appid, actor, {
          name: body.name,
          channel: body.channel,
          audience: body.audience,
          content: body.content,
          scheduledAt: atMs(body.scheduledAt) ?? null,
        });
        return view(row, actor);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/campaigns/:id",
      action: "campaigns.read",
      tags,
      summary: "A campaign with its progress",
      params: campaignId,
      response: campaignView,
      handler: async ({ params, actor }) =>
        view(await service.campaign(params.id, actor, "campaigns.read"), actor),
    }),
    defineRoute({
      method: "PATCH",
      url: "/campaigns/:id",
      action: "campaigns.create",
      tags,
      summary: "Edit a draft campaign",
      description: REFUSALS,
      params: campaignId,
      body: campaignInput.partial(),
      response: campaignView,
      handler: async ({ params, body, actor }) => {
        const current = await service.campaign(params.id, actor, "campaigns.create");
        if (body.audience) await checkList(current.appid, body.audience);
        const scheduledAt = atMs(body.scheduledAt);
        const row = await service.update(params.id, actor, {
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(body.channel !== undefined ? { channel: body.channel } : {}),
          ...(body.audience !== undefined ? { audience: body.audience } : {}),
          ...(body.content !== undefined ? { content: body.content } : {}),
          ...(scheduledAt !== undefined ? { scheduledAt } : {}),
        });
        return view(row, actor);
      },
    }),
    defineRoute({
      method: "DELETE",
      url: "/campaigns/:id",
      action: "campaigns.create",
      tags,
      summary: "Delete a draft campaign",
      params: campaignId,
      handler: async ({ params, actor }) => {
        await service.remove(params.id, actor);
        return undefined;
      },
    }),
    defineRoute({
      method: "POST",
      url: "/campaigns/:id/preflight",
      action: "campaigns.read",
      tags,
      summary: "Every check before sending, each with its reason, and the audience's size",
      params: campaignId,
      response: z.object({
        ok: z.boolean(),
        checks: z.array(
          z.object({
            check: z.string(),
            ok: z.boolean(),
            reason: z.string().optional(),
            details: z.record(z.string(), z.unknown()).optional(),
          }),
        ),
        audience: z.object({
          total: z.number().int(),
          eligible: z.number().int(),
          skipped: z.array(z.object({ reason: z.string(), count: z.number().int() })),
        }),
      }),
      handler: async ({ params, actor }) => service.preflight(params.id, actor),
    }),
    defineRoute({
      method: "POST",
      url: "/campaigns/:id/preview",
      action: "campaigns.create",
      tags,
      summary: "Send the campaign's message to one follower first (mass: mass/preview)",
      params: campaignId,
      body: z.object({ openId: z.string().min(1).max(128) }),
      response: z.object({ sent: z.literal(true), msgid: z.string().optional() }),
      handler: async ({ params, body, actor }) => service.preview(params.id, actor, body.openId),
    }),
    lifecycle("submit", "campaigns.send", "Submit: approval, schedule or send now, after the pre-flight"),
    lifecycle("approve", "campaigns.approve", "Approve a campaign awaiting approval"),
    defineRoute({
      method: "POST",
      url: "/campaigns/:id/reject",
      action: "campaigns.approve",
      tags,
      summary: "Reject a campaign awaiting approval (back to draft)",
      params: campaignId,
      body: z.object({ reason: z.string().max(500).optional() }),
      response: campaignView,
      handler: async ({ params, body, actor }) =>
        view(await service.reject(params.id, actor, body.reason), actor),
    }),
    lifecycle("pause", "campaigns.send", "Pause: no more rows are claimed"),
    lifecycle("resume", "campaigns.send", "Resume a paused campaign"),
    lifecycle("cancel", "campaigns.send", "Cancel: the rows not yet sent are skipped as cancelled"),
    defineRoute({
      method: "GET",
      url: "/campaigns/:id/recipients",
      action: "campaigns.read",
      tags,
      summary: "A campaign's delivery rows, in OpenID order",
      params: campaignId,
      query: page.extend({ status: z.enum(recipientStatuses).optional() }),
      response: z.object({ items: z.array(recipientView), nextCursor: z.string().nullable() }),
      handler: async ({ params, query, actor }) => {
        const row = await service.campaign(params.id, actor, "campaigns.read");
        const rows = await recipients.page(row.id, query.status, query.cursor, query.limit + 1);
        const items = rows.slice(0, query.limit);
        return {
          items: items.map(toRecipientView),
          nextCursor: rows.length > query.limit ? items[items.length - 1]!.openid : null,
        };
      },
    }),
    defineRoute({
      method: "GET",
      url: "/campaigns/:id/progress",
      action: "campaigns.read",
      tags,
      summary: "Totals per state, rate, ETA, errcode histogram and receipts",
      params: campaignId,
      response: progressView,
      handler: async ({ params, actor }) =>
        progressOf(await service.campaign(params.id, actor, "campaigns.read")),
    }),
    defineRoute({
      method: "POST",
      url: "/accounts/:appid/campaigns/lists",
      action: "campaigns.create",
      account: (p) => p.appid,
      tags,
      summary: "Upload a list of the customer's ids, resolved through the account's OpenID mapping",
      params: account,
      body: z.object({ name: z.string().trim().min(1).max(100), csv: z.string().max(10_000_000) }),
      response: z.object({
        listId: z.string(),
        rows: z.number().int(),
        resolved: z.number().int(),
        unknown: z.array(z.object({ row: z.number().int(), id: z.string(), reason: z.string() })),
      }),
      status: 201,
      handler: async ({ params, body }) => lists.upload(params.appid, body.name, body.csv),
    }),
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/campaigns/templates",
      action: "campaigns.read",
      account: (p) => p.appid,
      tags,
      summary:
        "The account's message templates (template/get_all_private_template; a mini program's subscription templates: wxaapi/newtmpl/gettemplate)",
      params: account,
      response: z.object({
        items: z.array(
          z.object({
            templateId: z.string(),
            title: z.string(),
            content: z.string(),
            example: z.string(),
            fields: z.array(z.string()),
            /** A mini program's subscription template: one-time or long-term. */
            subscription: z.enum(["one_time", "long_term"]).optional(),
          }),
        ),
      }),
      handler: async ({ params }) => {
        const api = createOfficialAccountApi(await deps.clients.clientFor(params.appid));
        const miniProgram = (await deps.accounts.facts(params.appid))?.kind === "miniprogram";
        return { items: await templatesOf(api, miniProgram) };
      },
    }),
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/campaigns/subscribers",
      action: "campaigns.read",
      account: (p) => p.appid,
      tags,
      summary: "How many of the mini program's users hold consent to a subscription template now",
      description:
        "Users whose last answer to the template was to accept, with a one-time message left (or a long-term subscription): the `subscribers` audience of a campaign sending that template.",
      params: account,
      query: z.object({ templateId: z.string().min(1).max(128) }),
      response: z.object({ templateId: z.string(), count: z.number().int() }),
      handler: async ({ params, query }) => ({
        templateId: query.templateId,
        count: await deps.consents.count(params.appid, query.templateId),
      }),
    }),
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/campaigns/settings",
      action: "campaigns.read",
      account: (p) => p.appid,
      tags,
      summary: "The account's campaign settings",
      params: account,
      response: z.object({ approvalRequired: z.boolean(), sendsPerSecond: z.number().int() }),
      handler: async ({ params }) => service.settings(params.appid),
    }),
    defineRoute({
      method: "PUT",
      url: "/accounts/:appid/campaigns/settings",
      action: "campaigns.approve",
      account: (p) => p.appid,
      tags,
      summary: "Change the account's campaign settings (approval, sends per second)",
      params: account,
      body: z.object({ approvalRequired: z.boolean(), sendsPerSecond: z.number().int().min(1).max(10_000) }),
      response: z.object({ approvalRequired: z.boolean(), sendsPerSecond: z.number().int() }),
      handler: async ({ params, body }) => service.saveSettings(params.appid, body),
    }),
  ];
}
