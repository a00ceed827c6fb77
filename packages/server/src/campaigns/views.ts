import { z } from "zod";
import type { Actor } from "../platform/policy.js";
import { audienceSchema, campaignStatuses, channels, contentSchema, recipientStatuses } from "./model.js";
import type { RowCounts } from "./recipients.js";
import { abilitiesOf } from "./service.js";
import type { CampaignRecipientsTable, CampaignsTable } from "./tables.js";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const person = z.object({ id: z.string(), name: z.string() }).nullable();

export const progressView = z.object({
  total: z.number().int(),
  byStatus: z.object({
    pending: z.number().int(),
    sending: z.number().int(),
    sent: z.number().int(),
    failed: z.number().int(),
    skipped: z.number().int(),
  }),
  ratePerSecond: z.number().describe("Sent per second over the last minute."),
  etaSeconds: z.number().int().nullable(),
  errcodes: z.array(z.object({ errcode: z.number().int(), count: z.number().int() })),
  skipped: z.array(z.object({ reason: z.string(), count: z.number().int() })),
  receipts: z.object({ confirmed: z.number().int(), failed: z.number().int() }),
});
export type ProgressView = z.infer<typeof progressView>;

export function toProgressView(counts: RowCounts, ratePerSecond: number, finished: boolean): ProgressView {
  const { byStatus } = counts;
  const total = byStatus.pending + byStatus.sending + byStatus.sent + byStatus.failed + byStatus.skipped;
  const left = byStatus.pending + byStatus.sending;
  return {
    total,
    byStatus,
    ratePerSecond: Math.round(ratePerSecond * 10) / 10,
    etaSeconds: finished || left === 0 ? 0 : ratePerSecond > 0 ? Math.ceil(left / ratePerSecond) : null,
    errcodes: counts.errcodes,
    skipped: counts.skipped,
    receipts: counts.receipts,
  };
}

export const campaignView = z.object({
  id: z.string(),
  appId: z.string(),
  name: z.string(),
  channel: z.enum(channels),
  audience: audienceSchema,
  content: contentSchema,
  scheduledAt: z.string().nullable(),
  status: z.enum(campaignStatuses),
  createdBy: person,
  approvedBy: person,
  rejectReason: z.string().nullable(),
  createdAt: z.string(),
  submittedAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  progress: progressView,
  abilities: z.array(z.enum(["edit", "submit", "approve", "pause", "resume", "cancel", "preview"])),
});
export type CampaignView = z.infer<typeof campaignView>;

export function toCampaignView(row: CampaignsTable, progress: ProgressView, actor: Actor): CampaignView {
  return {
    id: row.id,
    appId: row.appid,
    name: row.name,
    channel: row.channel as CampaignView["channel"],
    audience: JSON.parse(row.audience) as CampaignView["audience"],
    content: JSON.parse(row.content) as CampaignView["content"],
    scheduledAt: iso(row.scheduled_at),
    status: row.status as CampaignView["status"],
    createdBy: row.created_by_id ? { id: row.created_by_id, name: row.created_by_name ?? "" } : null,
    approvedBy: row.approved_by_id ? { id: row.approved_by_id, name: row.approved_by_name ?? "" } : null,
    rejectReason: row.reject_reason,
    createdAt: new Date(row.created_at).toISOString(),
    submittedAt: iso(row.submitted_at),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    progress,
    abilities: abilitiesOf(row, actor) as CampaignView["abilities"],
  };
}

export const recipientView = z.object({
  openId: z.string(),
  status: z.enum(recipientStatuses),
  attempts: z.number().int(),
  msgid: z.string().nullable(),
  errcode: z.number().int().nullable(),
  rid: z.string().nullable(),
  reason: z.string().nullable(),
  receipt: z.string().nullable(),
  sentAt: z.string().nullable(),
});

export function toRecipientView(row: CampaignRecipientsTable): z.infer<typeof recipientView> {
  return {
    openId: row.openid,
    status: row.status as z.infer<typeof recipientView>["status"],
    attempts: row.attempts,
    msgid: row.msgid,
    errcode: row.errcode,
    rid: row.rid,
    reason: row.reason,
    receipt: row.receipt,
    sentAt: iso(row.sent_at),
  };
}
