import type { Reply } from "@wxgate/wechat";
import type { Dispatcher } from "undici";
import type { ReplyProvider, ReplyRequest } from "../callbacks/index.js";
import { eventFields } from "../callbacks/index.js";
import { newId } from "../platform/ids.js";
import type { Logger } from "../platform/logger.js";
import type { Clock } from "../platform/ports.js";
import { type ActiveWebhook, type ActiveWebhooks, matches } from "./active.js";
import { eventPayload, readReplyAnswer } from "./payload.js";
import type { WebhooksRepository } from "./repository.js";
import { sendWebhook } from "./sender.js";

/**
 * The reply webhooks, as a reply provider of the gateway: each enabled reply webhook matching
 * the push is called in creation order within the reply budget, and the call is logged as a
 * delivery off the reply path.
 */
export class ReplyWebhooks implements ReplyProvider {
  constructor(
    private readonly options: {
      repository: WebhooksRepository;
      webhooks: ActiveWebhooks;
      clock: Clock;
      logger: Logger;
      /** Where reply webhook calls go out: see `outboundDispatcher`. */
      dispatcher: Dispatcher;
    },
  ) {}

  readonly name = "reply-webhooks";

  /** Each enabled reply webhook matching the push, in creation order, within the budget. */
  async reply(request: ReplyRequest, signal: AbortSignal): Promise<Reply | undefined> {
    const fields = eventFields(request.message);
    const candidates = (await this.options.webhooks.load()).filter(
      (w) => w.row.reply === 1 && matches(w, request.appId, fields.msgType, fields.event),
    );
    for (const webhook of candidates) {
      if (signal.aborted) return undefined;
      const reply = await this.callReplyWebhook(webhook, request, signal);
      if (reply) return reply;
    }
    return undefined;
  }

  private async callReplyWebhook(
    webhook: ActiveWebhook,
    request: ReplyRequest,
    signal: AbortSignal,
  ): Promise<Reply | undefined> {
    const now = this.options.clock.now();
    const deliveryId = newId(now);
    const body = JSON.stringify(
      eventPayload({
        eventId: request.eventId,
        appId: request.appId,
        message: request.message,
        xml: request.plaintextXml,
        mode: request.mode,
        receivedAt: request.receivedAt,
        replyExpected: true,
      }),
    );
    const response = await sendWebhook(
      {
        url: webhook.row.url,
        body,
        contentType: "application/json; charset=utf-8",
        secret: webhook.secret,
        eventId: request.eventId,
        deliveryId,
        timestampSeconds: Math.floor(now / 1000),
        signal,
      },
      this.options.dispatcher,
    );
    // Recorded off the reply path: the follower's answer must not wait for the log.
    void this.options.repository
      .ensureDelivery({
        id: deliveryId,
        webhook_id: webhook.row.id,
        event_id: request.eventId,
        appid: request.appId,
        kind: "reply",
        status: response.ok ? "delivered" : "failed",
        attempts: 1,
        last_status_code: response.status,
        last_error: response.ok ? null : response.error,
        last_attempt_at: now,
        delivered_at: response.ok ? now : null,
        created_at: now,
        updated_at: now,
        next_attempt_at: null,
        locked_until: null,
        round_base: 0,
        notice: null,
      })
      .catch((error: unknown) => this.options.logger.error({ err: error }, "could not record a reply call"));
    return response.ok ? readReplyAnswer(response.body) : undefined;
  }
}
