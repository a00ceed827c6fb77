import type { InboundMessage } from "@wxgate/wechat";
import type { EventFanout } from "../callbacks/index.js";
import type { ModuleWorker } from "../module.js";
import type { Logger } from "../platform/logger.js";
import type { Clock } from "../platform/ports.js";
import type { FollowersRepository, Interaction } from "./repository.js";

/** Menu events besides CLICK and VIEW (the SDK leaves them unparsed): all count as a menu click. */
const MENU_EVENTS = new Set([
  "CLICK",
  "VIEW",
  "view_miniprogram",
  "scancode_push",
  "scancode_waitmsg",
  "pic_sysphoto",
  "pic_photo_or_album",
  "pic_weixin",
  "location_select",
]);

/** The interaction a push stands for, or undefined (template receipts, location reports, …). */
export function interactionOf(appid: string, message: InboundMessage, now: number): Interaction | undefined {
  if (message.kind === "component") return undefined;
  const openid = message.fromUserName;
  if (!openid) return undefined;
  const at = message.createTime !== undefined && message.createTime > 0 ? message.createTime * 1000 : now;
  if (message.kind === "message") return { appid, openid, kind: "message", at };
  const event = message.event;
  if (event === undefined) return undefined;
  if (message.kind === "event" && message.event === "subscribe") {
    const scene = message.eventKey?.startsWith("qrscene_")
      ? message.eventKey.slice("qrscene_".length)
      : undefined;
    return { appid, openid, kind: "follow", at, ...(scene ? { qrScene: scene } : {}) };
  }
  if (event === "unsubscribe") return { appid, openid, kind: "unfollow", at };
  if (event === "SCAN") return { appid, openid, kind: "scan", at };
  if (MENU_EVENTS.has(event)) return { appid, openid, kind: "menu_click", at };
  return undefined;
}

/** Marks collected before one write: a burst of pushes costs one transaction, not one each. */
const MAX_BATCH = 500;

/**
 * Keeps followers current between syncs from the callback stream. Registered as a fan-out, it
 * sees every accepted push of an enabled account on the gateway's path; it never asks for the
 * push to be fanned out (it answers `wants` false) and does no I/O there: it notes the mark and
 * writes marks in batches right after. Marks are derived data — a crash can lose the last
 * moment's, and the next sync puts subscriptions right again.
 */
export class FollowerActivity implements EventFanout, ModuleWorker {
  readonly name = "followers.activity";
  #pending: Interaction[] = [];
  #flushing: Promise<number> | undefined;
  #scheduled = false;

  constructor(private readonly deps: { repository: FollowersRepository; clock: Clock; logger: Logger }) {}

  wants(appId: string, message: InboundMessage): boolean {
    const mark = interactionOf(appId, message, this.deps.clock.now());
    if (mark) {
      this.#pending.push(mark);
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => {
          this.#scheduled = false;
          void this.flush();
        });
      }
    }
    return false;
  }

  recorded(): void {}

  /** Writes the marks noted so far; returns how many. */
  async flush(): Promise<number> {
    if (this.#flushing) await this.#flushing;
    let written = 0;
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, MAX_BATCH);
      this.#flushing = this.deps.repository
        .applyInteractions(batch, this.deps.clock.now())
        .then(() => batch.length)
        .catch((error: unknown) => {
          this.deps.logger.error({ err: error, marks: batch.length }, "follower activity not written");
          return 0;
        });
      written += await this.#flushing;
      this.#flushing = undefined;
    }
    return written;
  }

  start(): void {}

  async stop(): Promise<void> {
    await this.flush();
  }

  runDue(): Promise<number> {
    return this.flush();
  }
}
