import { z } from "zod";
import { keywordMatches, replyModes, ruleKinds } from "./rules.js";
import type { Rule } from "./service.js";

// Sizes here only bound the request; WeChat's limits are checked by `rules.ts`, each with its
// own refusal reason, so the console can say which rule was broken and where.
const text = (max: number) => z.string().max(max);

export const keywordSchema = z.object({
  text: text(200),
  match: z.enum(keywordMatches).describe("`exact`: the whole message; `contains`: anywhere in it."),
});

export const replySchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text"), content: text(8192) }),
  z.object({ type: z.literal("image"), mediaId: text(256) }),
  z.object({ type: z.literal("voice"), mediaId: text(256) }),
  z.object({
    type: z.literal("video"),
    mediaId: text(256),
    thumbMediaId: text(256).optional(),
    title: text(200).optional(),
    description: text(1000).optional(),
  }),
  z.object({
    type: z.literal("news"),
    title: text(200),
    description: text(1000).optional(),
    url: text(4096),
    picUrl: text(4096).optional(),
  }),
  z.object({ type: z.literal("transfer_customer_service"), kfAccount: text(200).optional() }),
]);

export const scheduleSchema = z
  .object({
    days: z.array(z.number().int()).max(7).describe("Weekdays, 0 Sunday … 6 Saturday."),
    from: text(5).describe("HH:MM, local time."),
    to: text(5).describe("HH:MM, excluded; before `from`: the window spans midnight."),
    utcOffsetMinutes: z.number().int().default(480).describe("Local time's offset (default +08:00)."),
  })
  .describe("When the rule is active; null: always.");

const ruleFields = {
  name: text(200),
  kind: z
    .enum(ruleKinds)
    .describe(
      "`keyword`: a follower's text matches a keyword; `follow`: a subscribe event; `default`: a follower message nothing else answered (after the reply webhooks); `click`: a CLICK menu event with `menuKey`.",
    ),
  keywords: z.array(keywordSchema).max(100),
  menuKey: text(1024).nullable(),
  priority: z.number().int().min(-1_000_000).max(1_000_000).describe("Higher answers first."),
  schedule: scheduleSchema.nullable(),
  mode: z
    .enum(replyModes)
    .describe(
      "`all`: the first reply passively, the others as customer-service messages within WeChat's window; `random`: one of the replies.",
    ),
  replies: z.array(replySchema).max(20),
  enabled: z.boolean(),
};

export const createRuleBody = z.object({
  name: ruleFields.name.default(""),
  kind: ruleFields.kind,
  keywords: ruleFields.keywords.default([]),
  menuKey: ruleFields.menuKey.default(null),
  priority: ruleFields.priority.default(0),
  schedule: ruleFields.schedule.default(null),
  mode: ruleFields.mode.default("all"),
  replies: ruleFields.replies,
  enabled: ruleFields.enabled.default(true),
});

export const updateRuleBody = z.object({
  name: ruleFields.name.optional(),
  kind: ruleFields.kind.optional(),
  keywords: ruleFields.keywords.optional(),
  menuKey: ruleFields.menuKey.optional(),
  priority: ruleFields.priority.optional(),
  schedule: ruleFields.schedule.optional(),
  mode: ruleFields.mode.optional(),
  replies: ruleFields.replies.optional(),
  enabled: ruleFields.enabled.optional(),
});

export const ruleView = z.object({
  id: z.string(),
  appId: z.string(),
  ...ruleFields,
  schedule: z
    .object({ days: z.array(z.number()), from: z.string(), to: z.string(), utcOffsetMinutes: z.number() })
    .nullable(),
  position: z.number().int(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  updatedBy: z.string().nullable(),
});

export const testBody = z.object({
  message: z.discriminatedUnion("type", [
    z.object({ type: z.literal("text"), content: text(8192) }),
    z.object({ type: z.literal("other").describe("Any other follower message (image, voice, location…).") }),
    z.object({ type: z.literal("follow") }),
    z.object({ type: z.literal("click"), key: text(1024) }),
  ]),
  at: z.number().int().optional().describe("When the message arrives (epoch ms); now by default."),
});

export const testView = z.object({
  rule: ruleView.nullable(),
  via: z.enum(["keyword", "default", "follow", "click", "none"]),
});

export const hitView = z.object({
  eventId: z.string(),
  ruleId: z.string(),
  openId: z.string(),
  followUps: z.number().int().describe("Replies sent after the passive one as customer-service messages."),
  at: z.number().int(),
});

export function ruleViewOf(rule: Rule): z.input<typeof ruleView> {
  return rule;
}
