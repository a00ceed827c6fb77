import { sendingLimits, utf8ByteLength } from "@wxgate/wechat";
import type { FastifyInstance } from "fastify";
import type { EmulatorContext } from "../http/context.js";
import { tokenRoutes } from "../http/token-routes.js";
import { WxFault } from "../http/wx-error.js";
import type { Follower, InteractionTrigger } from "../world/types.js";
import type { DeliveryLedger } from "./deliveries.js";
import { deliverSent } from "./inbox.js";
import { accountOf, bodyOf, filled, followerOf, isRecord } from "./input.js";

/** Triggers that open the short window (3 messages within a minute). */
const EVENT_TRIGGERS: readonly InteractionTrigger[] = ["click", "subscribe", "scan"];

/** Text content limit of a customer-service text message (UTF-8 bytes); more → 45002. */
export const CUSTOM_TEXT_MAX_BYTES = 2048;

/**
 * Picks the interaction that allows one more customer-service message, and spends it.
 * WeChat's rule: after a user message, 5 messages within 48 hours; after a menu click, a
 * follow or a QR scan, 3 within 1 minute. A window still open but used up → 45047; no open
 * window (or the user unfollowed) → 45015. When both kinds are open, the short event window
 * is spent first, so the long one lasts.
 */
export function spendCustomWindow(follower: Follower, now: number): void {
  if (!follower.subscribed) throw new WxFault(45015);
  const rules: { trigger: InteractionTrigger; limit: number; windowMs: number }[] = [
    ...EVENT_TRIGGERS.map((trigger) => ({ trigger, ...windowOf(sendingLimits.customAfterEvent) })),
    { trigger: "message", ...windowOf(sendingLimits.customAfterMessage) },
  ];
  const candidates = rules.map(({ trigger, limit, windowMs }) => {
    const last = follower.lastInteraction[trigger];
    return { trigger, limit: last && now - last.at <= windowMs ? limit : 0 };
  });
  const open = candidates.filter((c) => c.limit > 0);
  if (open.length === 0) throw new WxFault(45015);
  const usable = open
    .map((c) => ({ ...c, last: follower.lastInteraction[c.trigger]! }))
    .filter((c) => c.last.used < c.limit)
    .sort((a, b) => (a.trigger === "message" ? 1 : 0) - (b.trigger === "message" ? 1 : 0));
  const chosen = usable[0];
  if (!chosen) throw new WxFault(45047);
  chosen.last.used += 1;
}

function windowOf(rule: { count: number; windowSeconds: number }): { limit: number; windowMs: number } {
  return { limit: rule.count, windowMs: rule.windowSeconds * 1000 };
}

/** The field of each msgtype that must be present, and the errcode when it is not. */
const REQUIRED: Record<string, { field: string; errcode: number }[]> = {
  text: [{ field: "content", errcode: 44004 }],
  image: [{ field: "media_id", errcode: 40007 }],
  voice: [{ field: "media_id", errcode: 40007 }],
  video: [{ field: "media_id", errcode: 40007 }],
  music: [{ field: "thumb_media_id", errcode: 40007 }],
  news: [],
  mpnews: [{ field: "media_id", errcode: 40007 }],
  mpnewsarticle: [{ field: "article_id", errcode: 40097 }],
  msgmenu: [{ field: "list", errcode: 40097 }],
  wxcard: [{ field: "card_id", errcode: 40097 }],
  miniprogrampage: [
    { field: "appid", errcode: 40166 },
    { field: "pagepath", errcode: 40165 },
    { field: "thumb_media_id", errcode: 40007 },
  ],
};

/** errmsg texts for codes the shared table does not carry. */
const EXTRA_ERRMSG: Record<number, string> = { 44004: "empty content", 44003: "empty news data" };

function fault(errcode: number): WxFault {
  return new WxFault(errcode, {}, EXTRA_ERRMSG[errcode]);
}

/**
 * Checks a customer-service message body (every msgtype WeChat documents) and returns its
 * msgtype. Unknown msgtype → 40008; missing content → 44004; text over 2048 bytes → 45002;
 * news with more than one article → 45008, none → 44003.
 */
export function checkCustomMessage(body: Record<string, unknown>): string {
  const msgType = filled(body.msgtype);
  if (msgType === undefined || !Object.hasOwn(REQUIRED, msgType)) throw fault(40008);
  const payload = body[msgType];
  if (!isRecord(payload)) throw fault(msgType === "text" ? 44004 : 47001);
  for (const { field, errcode } of REQUIRED[msgType]!) {
    const value = payload[field];
    if (value === undefined || value === null || value === "") throw fault(errcode);
  }
  if (msgType === "text") {
    const content = payload.content;
    if (typeof content !== "string") throw fault(44004);
    if (utf8ByteLength(content) > CUSTOM_TEXT_MAX_BYTES) throw fault(45002);
  }
  if (msgType === "news") {
    const articles = payload.articles;
    if (!Array.isArray(articles) || articles.length === 0) throw fault(44003);
    if (articles.length > sendingLimits.newsArticlesMax) throw fault(45008);
  }
  return msgType;
}

/**
 * message/custom/send. The message lands in the follower's inbox (via "custom") whether or
 * not the conversation was transferred to a customer-service agent.
 */
export function registerCustom(app: FastifyInstance, ctx: EmulatorContext, ledger: DeliveryLedger): void {
  const route = tokenRoutes(app, ctx);
  const { world, ids } = ctx;
  route.post("/cgi-bin/message/custom/send", (call) => {
    const body = bodyOf(call);
    const appId = accountOf(call).appId;
    const follower = followerOf(world, appId, body.touser);
    const msgType = checkCustomMessage(body);
    spendCustomWindow(follower, call.now);
    deliverSent(world, ledger, {
      appId,
      openId: follower.openId,
      channel: "custom",
      item: { at: call.now, via: "custom", msgType, msgId: ids.msgId(), content: body },
    });
    return { errcode: 0, errmsg: "ok" };
  });
}
