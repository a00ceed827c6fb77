import { z } from "zod";

/** The ways a campaign reaches people (seed 001). */
export const channels = ["mass", "template", "custom", "subscribe"] as const;
export type Channel = (typeof channels)[number];

export const campaignStatuses = [
  "draft",
  "awaiting_approval",
  "scheduled",
  "sending",
  "paused",
  "completed",
  "cancelled",
] as const;
export type CampaignStatus = (typeof campaignStatuses)[number];

export const recipientStatuses = ["pending", "sending", "sent", "failed", "skipped"] as const;
export type RecipientStatus = (typeof recipientStatuses)[number];

const openIdish = z.string().min(1).max(128);

export const audienceSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("all") }),
  z.object({ kind: z.literal("tag"), tagId: z.number().int().min(0) }),
  z.object({ kind: z.literal("active48h") }),
  z.object({ kind: z.literal("list"), listId: openIdish }),
  z.object({ kind: z.literal("subscribers"), templateId: openIdish }),
]);
export type Audience = z.infer<typeof audienceSchema>;

const text = z.string().max(20_000);

export const contentSchema = z.discriminatedUnion("channel", [
  z.object({
    channel: z.literal("mass"),
    type: z.enum(["mpnews", "text", "image", "voice", "mpvideo"]),
    mediaId: z.string().max(200).optional(),
    text: text.optional(),
  }),
  z.object({
    channel: z.literal("template"),
    templateId: openIdish,
    data: z.record(z.string().max(64), z.object({ value: text, color: z.string().max(16).optional() })),
    url: z.string().max(2048).optional(),
    miniprogram: z
      .object({ appid: z.string().max(64), pagepath: z.string().max(2048).optional() })
      .optional(),
  }),
  z.object({
    channel: z.literal("custom"),
    type: z.enum(["text", "image", "voice", "video", "news", "miniprogrampage"]),
    text: text.optional(),
    mediaId: z.string().max(200).optional(),
    title: z.string().max(200).optional(),
    description: z.string().max(2000).optional(),
    url: z.string().max(2048).optional(),
    picUrl: z.string().max(2048).optional(),
    appid: z.string().max(64).optional(),
    pagepath: z.string().max(2048).optional(),
    thumbMediaId: z.string().max(200).optional(),
  }),
  z.object({
    channel: z.literal("subscribe"),
    templateId: openIdish,
    data: z.record(z.string().max(64), z.object({ value: text })),
    page: z.string().max(2048).optional(),
  }),
]);
export type Content = z.infer<typeof contentSchema>;
export type ContentOf<C extends Channel> = Extract<Content, { channel: C }>;

/** What one call came to, written on the row in one statement. */
export type Outcome =
  | { kind: "sent"; msgid: string | null }
  | { kind: "retry"; at: number; errcode: number | null; rid: string | null; reason: string }
  | { kind: "failed"; errcode: number | null; rid: string | null; reason: string }
  | { kind: "skipped"; reason: string; errcode?: number | null }
  | { kind: "unconfirmed"; until: number }
  /** Not sent after all (the campaign was paused mid-batch): pending again, the attempt not counted. */
  | { kind: "release" };

/** Counts of a campaign's rows as the progress shows them. */
export interface RowCounts {
  byStatus: Record<"pending" | "sending" | "sent" | "failed" | "skipped", number>;
  errcodes: Array<{ errcode: number; count: number }>;
  skipped: Array<{ reason: string; count: number }>;
  receipts: { confirmed: number; failed: number };
}
