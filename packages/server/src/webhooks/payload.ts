import type { InboundMessage, Reply } from "@wxgate/wechat";
import { z } from "zod";
import { eventFields } from "../callbacks/index.js";

/** The JSON body a webhook receives for one push. */
export interface EventPayload {
  /** The event id, also in `x-wxgate-event-id`. */
  id: string;
  appId: string;
  kind: string;
  msgType: string | null;
  event: string | null;
  fromOpenId: string | null;
  createTime: number | null;
  receivedAt: number;
  mode: string;
  /** True when the gateway waits for `{ "reply": … }` (reply webhooks). */
  replyExpected: boolean;
  /** The typed message, as @wxgate/wechat parses it. */
  message: InboundMessage;
  /** The push's plaintext XML. */
  xml: string;
}

export function eventPayload(input: {
  eventId: string;
  appId: string;
  message: InboundMessage;
  xml: string;
  mode: string;
  receivedAt: number;
  replyExpected: boolean;
}): EventPayload {
  const fields = eventFields(input.message);
  return {
    id: input.eventId,
    appId: input.appId,
    kind: fields.kind,
    msgType: fields.msgType,
    event: fields.event,
    fromOpenId: fields.fromOpenId,
    createTime: fields.createTime,
    receivedAt: input.receivedAt,
    mode: input.mode,
    replyExpected: input.replyExpected,
    message: input.message,
    xml: input.xml,
  };
}

const text = (max: number) => z.string().min(1).max(max);

/** What a reply webhook may answer: `{ "reply": Reply }`; anything else means no reply. */
export const replyAnswer = z.object({
  reply: z.discriminatedUnion("type", [
    z.object({ type: z.literal("text"), content: text(2048) }),
    z.object({ type: z.literal("image"), mediaId: text(256) }),
    z.object({ type: z.literal("voice"), mediaId: text(256) }),
    z.object({
      type: z.literal("video"),
      mediaId: text(256),
      title: z.string().max(256).optional(),
      description: z.string().max(1024).optional(),
    }),
    z.object({
      type: z.literal("music"),
      thumbMediaId: text(256),
      title: z.string().max(256).optional(),
      description: z.string().max(1024).optional(),
      musicUrl: z.string().max(2048).optional(),
      hqMusicUrl: z.string().max(2048).optional(),
    }),
    z.object({
      type: z.literal("news"),
      articles: z
        .array(
          z.object({
            title: text(256),
            description: z.string().max(1024).optional(),
            picUrl: z.string().max(2048).optional(),
            url: text(2048),
          }),
        )
        .min(1)
        .max(1),
    }),
    z.object({ type: z.literal("transfer_customer_service"), kfAccount: z.string().max(256).optional() }),
  ]),
});

/** Reads a reply webhook's answer; undefined when it holds no valid reply. */
export function readReplyAnswer(text: string): Reply | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = replyAnswer.safeParse(value);
  if (!parsed.success) return undefined;
  // Optional keys left undefined by zod are dropped so the reply matches the SDK's types exactly.
  return JSON.parse(JSON.stringify(parsed.data.reply)) as Reply;
}
