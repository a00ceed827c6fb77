import { randomInt } from "node:crypto";
import {
  type CustomMessageContent,
  createCustomMessageApi,
  type InboundMessage,
  type Reply,
  WeChatApiError,
} from "@wxgate/wechat";
import type { AccountClients } from "../accounts/index.js";
import type { ReplyProvider, ReplyRequest } from "../callbacks/index.js";
import type { Logger } from "../platform/logger.js";
import type { Queue } from "../platform/ports.js";
import type { HitLog } from "./hits.js";
import type { Trigger } from "./matcher.js";
import type { RuleReply } from "./rules.js";
import type { AutomationService, Rule } from "./service.js";

declare module "../platform/ports.js" {
  interface JobPayloads {
    /** The replies of a "reply all" rule after the first, sent as customer-service messages. */
    "automation.follow-up": FollowUp;
  }
}

/** The replies of a "reply all" rule after the first, to one follower. */
export interface FollowUp {
  appId: string;
  openId: string;
  eventId: string;
  replies: RuleReply[];
  /** Runs after failures to reach WeChat (at most three in all). */
  tries?: number;
}

/**
 * Chooses the customer-service agent (`TransInfo/KfAccount`) of a transfer: another module's
 * routing rules. Undefined lets WeChat pick any agent online.
 */
export type TransferRouter = (input: {
  appid: string;
  openid: string;
  keyword?: string;
  menuKey?: string;
}) => Promise<string | undefined>;

/** The passive reply of a rule's reply (the transfer's agent is chosen separately). */
export function passiveReply(reply: RuleReply): Reply {
  switch (reply.type) {
    case "text":
      return { type: "text", content: reply.content };
    case "image":
      return { type: "image", mediaId: reply.mediaId };
    case "voice":
      return { type: "voice", mediaId: reply.mediaId };
    case "video":
      return {
        type: "video",
        mediaId: reply.mediaId,
        ...(reply.title ? { title: reply.title } : {}),
        ...(reply.description ? { description: reply.description } : {}),
      };
    case "news":
      return {
        type: "news",
        articles: [
          {
            title: reply.title,
            url: reply.url,
            ...(reply.description ? { description: reply.description } : {}),
            ...(reply.picUrl ? { picUrl: reply.picUrl } : {}),
          },
        ],
      };
    case "transfer_customer_service":
      return {
        type: "transfer_customer_service",
        ...(reply.kfAccount ? { kfAccount: reply.kfAccount } : {}),
      };
  }
}

/** The customer-service message of a rule's reply (a transfer is never one: rules refuse it). */
export function customContent(reply: RuleReply): CustomMessageContent | undefined {
  switch (reply.type) {
    case "text":
      return { msgtype: "text", text: { content: reply.content } };
    case "image":
      return { msgtype: "image", image: { media_id: reply.mediaId } };
    case "voice":
      return { msgtype: "voice", voice: { media_id: reply.mediaId } };
    case "video":
      return {
        msgtype: "video",
        video: {
          media_id: reply.mediaId,
          thumb_media_id: reply.thumbMediaId ?? "",
          ...(reply.title ? { title: reply.title } : {}),
          ...(reply.description ? { description: reply.description } : {}),
        },
      };
    case "news":
      return {
        msgtype: "news",
        news: {
          articles: [
            {
              title: reply.title,
              url: reply.url,
              ...(reply.description ? { description: reply.description } : {}),
              ...(reply.picUrl ? { picurl: reply.picUrl } : {}),
            },
          ],
        },
      };
    case "transfer_customer_service":
      return undefined;
  }
}

/** What a push asks the rules, in two stages: specific rules before the reply webhooks, default rules after. */
function triggerOf(message: InboundMessage, stage: "rules" | "default"): Trigger | undefined {
  if (message.kind === "message") {
    if (stage === "default") return { kind: "message" };
    return message.msgType === "text" ? { kind: "text", content: message.content } : undefined;
  }
  if (message.kind !== "event" || stage === "default") return undefined;
  if (message.event === "subscribe") return { kind: "follow" };
  if (message.event === "CLICK") return { kind: "click", key: message.eventKey };
  return undefined;
}

/**
 * Automation as the gateway's reply providers. Keyword, follow and click rules answer before
 * the reply webhooks (`automation`); default rules only when no webhook did
 * (`automation-default`). The first reply goes back in the push's response; with "reply all"
 * the rest follow as customer-service messages (the `automation.follow-up` job, a moment
 * later so they arrive after it).
 */
export class AutomationReplier {
  private router: TransferRouter | undefined;
  readonly rules: ReplyProvider = { name: "automation", reply: (r, s) => this.answer(r, s, "rules") };
  readonly defaults: ReplyProvider = {
    name: "automation-default",
    reply: (r, s) => this.answer(r, s, "default"),
  };

  constructor(
    private readonly deps: {
      service: AutomationService;
      hits: HitLog;
      queue: Queue;
      clients: AccountClients;
      logger: Logger;
      /** Delay of the follow-up messages, so they land after the passive reply. */
      followUpDelayMs: number;
      /** Picks a reply of a "random" rule: [0, n). */
      random?: (n: number) => number;
    },
  ) {}

  /** Installs the transfer router (one at a time: the last installed wins). */
  useTransferRouter(router: TransferRouter): void {
    this.router = router;
  }

  private async answer(
    request: ReplyRequest,
    signal: AbortSignal,
    stage: "rules" | "default",
  ): Promise<Reply | undefined> {
    const message = request.message;
    const trigger = triggerOf(message, stage);
    const openId = "fromUserName" in message ? message.fromUserName : undefined;
    if (!trigger || !openId) return undefined;
    const matcher = await this.deps.service.matcherFor(request.appId);
    if (signal.aborted || matcher.size === 0) return undefined;
    const rule =
      trigger.kind === "text"
        ? matcher.matchText(trigger.content, request.receivedAt)
        : matcher.match(trigger, request.receivedAt);
    if (!rule) return undefined;
    const chosen = this.chosenReplies(rule);
    const [first, ...rest] = chosen;
    if (!first) return undefined;
    // Only a transfer without its agent waits for the router; every other reply is ready now.
    const reply =
      first.type === "transfer_customer_service" && !first.kfAccount && this.router
        ? await this.routedTransfer(this.router, request.appId, openId, trigger)
        : passiveReply(first);
    if (signal.aborted) return undefined;
    // Recorded and queued off the reply path: the follower's answer must not wait for either.
    this.deps.hits.record({
      event_id: request.eventId,
      appid: request.appId,
      rule_id: rule.id,
      openid: openId,
      follow_ups: rest.length,
      at: request.receivedAt,
    });
    if (rest.length > 0) {
      void this.deps.queue
        .enqueue(
          "automation.follow-up",
          { appId: request.appId, openId, eventId: request.eventId, replies: rest },
          { delayMs: this.deps.followUpDelayMs, maxAttempts: 1 },
        )
        .catch((error: unknown) =>
          this.deps.logger.error({ err: error }, "could not queue the follow-up replies"),
        );
    }
    return reply;
  }

  private chosenReplies(rule: Rule): RuleReply[] {
    if (rule.mode === "all") return rule.replies;
    const pick = this.deps.random ?? randomInt;
    const reply = rule.replies[pick(rule.replies.length)];
    return reply ? [reply] : [];
  }

  private async routedTransfer(
    router: TransferRouter,
    appid: string,
    openid: string,
    trigger: Trigger,
  ): Promise<Reply> {
    const kfAccount = await router({
      appid,
      openid,
      ...(trigger.kind === "text" ? { keyword: trigger.content } : {}),
      ...(trigger.kind === "click" ? { menuKey: trigger.key } : {}),
    });
    return { type: "transfer_customer_service", ...(kfAccount ? { kfAccount } : {}) };
  }

  /**
   * Sends the follow-up replies in order. WeChat's refusals (45015 outside the window, 45047
   * over its count) end the run: later messages would be refused too. A failure to reach
   * WeChat queues the rest again, never the ones already sent.
   */
  async followUp(payload: FollowUp): Promise<void> {
    const api = createCustomMessageApi(await this.deps.clients.clientFor(payload.appId));
    for (const [index, reply] of payload.replies.entries()) {
      const content = customContent(reply);
      if (!content) continue;
      try {
        await api.sendTo(payload.openId, content);
      } catch (error) {
        if (error instanceof WeChatApiError) {
          this.deps.logger.warn(
            { eventId: payload.eventId, errcode: error.errcode, left: payload.replies.length - index },
            "WeChat refused a follow-up reply; the rest are dropped",
          );
          return;
        }
        const tries = (payload.tries ?? 1) + 1;
        if (tries > 3) {
          this.deps.logger.warn(
            { err: error, eventId: payload.eventId },
            "a follow-up reply failed; dropped",
          );
          return;
        }
        await this.deps.queue.enqueue(
          "automation.follow-up",
          { ...payload, replies: payload.replies.slice(index), tries },
          { delayMs: 1000 * tries, maxAttempts: 1 },
        );
        this.deps.logger.warn(
          { err: error, eventId: payload.eventId },
          "a follow-up reply failed; queued again",
        );
        return;
      }
    }
  }
}
