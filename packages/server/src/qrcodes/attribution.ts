import type { InboundMessage } from "@wxgate/wechat";
import type { EventFanout } from "../callbacks/index.js";
import type { Logger } from "../platform/logger.js";
import type { Clock } from "../platform/ports.js";
import { cstDay } from "./days.js";
import type { QrCodesRepository } from "./repository.js";

/** What a push means for the codes' figures, or undefined when nothing. */
type Attribution =
  | { kind: "subscribe" | "scan"; openId: string; scene: string; createTime: number }
  | { kind: "unsubscribe"; openId: string; createTime: number };

/** Reads a push: a follow through a code (`qrscene_<scene>`), a follower's SCAN, an unfollow. */
export function attributionOf(message: InboundMessage): Attribution | undefined {
  if (message.kind !== "event") return undefined;
  const base = { openId: message.fromUserName, createTime: message.createTime };
  switch (message.event) {
    case "subscribe":
      // A plain follow (search, a shared card) names no scene: no code brought it.
      return message.scene ? { kind: "subscribe", scene: message.scene, ...base } : undefined;
    case "SCAN":
      return message.scene ? { kind: "scan", scene: message.scene, ...base } : undefined;
    case "unsubscribe":
      return { kind: "unsubscribe", ...base };
    default:
      return undefined;
  }
}

/**
 * Attribution from the callback stream, registered with the gateway's fan-outs: it reads each
 * push as it arrives and records scans, follows and unfollows against the scene they carry.
 * It never asks the gateway to keep a push for fan-out (`wants` answers false), so webhooks
 * are not woken for it.
 *
 * Every write is keyed by the follower and WeChat's CreateTime, so a retried push, or one seen
 * by two processes, counts once. Scenes of codes made elsewhere (another tool, WeChat's own
 * console) are counted too: the figures name them by scene. A failed write is logged and the
 * push answered as usual — the follower's reply must not wait on the figures.
 */
export class QrCodeAttribution implements EventFanout {
  constructor(private readonly options: { repository: QrCodesRepository; clock: Clock; logger: Logger }) {}

  wants(appId: string, message: InboundMessage): boolean | Promise<boolean> {
    const attribution = attributionOf(message);
    if (!attribution) return false;
    return this.record(appId, attribution).then(
      () => false,
      (error: unknown) => {
        this.options.logger.error(
          { err: error, appId, event: attribution.kind },
          "QR attribution not recorded",
        );
        return false;
      },
    );
  }

  recorded(): void {}

  /** Records what the push means (public for the tests that replay pushes). */
  async record(appId: string, attribution: Attribution): Promise<void> {
    const { repository, clock } = this.options;
    const receivedAt = clock.now();
    // The day of the scan as WeChat stamped it (a retried push keeps its CreateTime).
    const at = attribution.createTime > 0 ? attribution.createTime * 1000 : receivedAt;
    const day = cstDay(at);
    if (attribution.kind === "unsubscribe") {
      await repository.recordUnfollow(appId, attribution.openId, at, day);
      return;
    }
    const fresh = await repository.recordScan({
      appid: appId,
      openid: attribution.openId,
      create_time: attribution.createTime,
      kind: attribution.kind,
      scene: attribution.scene,
      day,
      received_at: receivedAt,
    });
    if (!fresh || attribution.kind !== "subscribe") return;
    const code = await repository.byScene(appId, attribution.scene);
    await repository.recordBrought({
      appid: appId,
      openid: attribution.openId,
      scene: attribution.scene,
      // One's own fission code brings no one: a follower re-following through it is no invitation.
      inviter_openid:
        code?.kind === "fission" && code.inviter_openid !== attribution.openId ? code.inviter_openid : null,
      subscribed_at: at,
      subscribed_day: day,
      unsubscribed_at: null,
      unsubscribed_day: null,
    });
  }
}
