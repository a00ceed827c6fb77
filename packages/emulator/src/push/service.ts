import { openReply, type Reply, sealPush } from "@wxgate/wechat";
import type { EmulatorContext } from "../http/context.js";
import { sendOnce } from "./send.js";
import { AGENT_SESSION_IDLE_MS, pushState, sessionKey } from "./state.js";
import { accountTarget, platformTarget } from "./targets.js";
import type {
  AccountPush,
  AgentSession,
  PushAttempt,
  PushResult,
  PushService,
  PushTarget,
  PushTryOutcome,
} from "./types.js";

interface DeliverOptions {
  openId?: string | undefined;
  /** Platform pushes expect `success` only; account pushes may be answered with a passive reply. */
  expectReply?: boolean;
}

interface ReadReply {
  outcome: Extract<PushTryOutcome, "success" | "reply" | "invalid_reply">;
  reply?: Reply;
  replyXml?: string;
  detail?: string;
}

/** Items kept per follower's inbox (the newest are the ones anyone looks at). */
const INBOX_CAPACITY = 500;

function problemText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Reads a 200 answer the way WeChat does. */
function readAnswer(target: PushTarget, body: string, expectReply: boolean): ReadReply {
  if (!expectReply) {
    const trimmed = body.trim();
    return trimmed === "" || trimmed === "success"
      ? { outcome: "success" }
      : { outcome: "invalid_reply", detail: "a platform push must be answered with success" };
  }
  try {
    const opened = openReply(body, {
      token: target.token,
      appId: target.cipherAppId,
      encodingAESKey: target.encodingAESKey,
      requireEncrypted: target.mode === "safe",
    });
    if (opened.xml === null || opened.reply === undefined) return { outcome: "success" };
    return { outcome: "reply", reply: opened.reply, replyXml: opened.xml };
  } catch (error) {
    return { outcome: "invalid_reply", detail: problemText(error) };
  }
}

/** Builds the push service of one emulator instance. */
export function createPushService(ctx: EmulatorContext): PushService {
  const { world, clock, ids, faults } = ctx;
  const pending = new Set<Promise<unknown>>();

  function record(attempt: PushAttempt): void {
    const state = pushState(world);
    state.log.push(attempt);
    const extra = state.log.length - state.settings.logCapacity;
    if (extra > 0) state.log.splice(0, extra);
    // Pushes finish after the request or task that started them: their outcome is a change too.
    world.markChanged();
  }

  function activeSession(appId: string, openId: string): AgentSession | undefined {
    const sessions = pushState(world).agentSessions;
    const key = sessionKey(appId, openId);
    const session = sessions[key];
    if (!session) return undefined;
    if (clock.now() >= session.lastActivityAt + AGENT_SESSION_IDLE_MS) {
      delete sessions[key];
      return undefined;
    }
    return session;
  }

  async function deliver(
    target: PushTarget,
    xml: string,
    event: string,
    options: DeliverOptions = {},
  ): Promise<PushResult> {
    const state = pushState(world);
    const pushId = state.nextPushId++;
    const base = { pushId, target: target.label, event, url: target.url, mode: target.mode };
    if (faults.takePushDrop(target.label)) {
      record({ ...base, at: clock.now(), try: 1, status: 0, latencyMs: 0, outcome: "dropped" });
      return { pushId, outcome: "dropped", tries: 0, status: 0, target: target.label };
    }
    const { attempts, replyTimeoutMs } = state.settings;
    let last: PushResult = { pushId, outcome: "failed", tries: 0, status: 0, target: target.label };
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const at = clock.now();
      const sealed = sealPush(xml, {
        token: target.token,
        appId: target.cipherAppId,
        encodingAESKey: target.encodingAESKey,
        mode: target.mode,
        timestamp: String(Math.floor(at / 1000)),
        nonce: String(ids.prng.nextUint32()),
        openId: options.openId,
      });
      const url = new URL(target.url);
      for (const [key, value] of Object.entries(sealed.query)) url.searchParams.set(key, value);
      const answer = await sendOnce(url.toString(), sealed.body, replyTimeoutMs);
      if (answer.outcome !== "answered") {
        record({
          ...base,
          at,
          try: attempt,
          status: answer.status,
          latencyMs: answer.latencyMs,
          outcome: answer.outcome,
          ...(answer.detail === undefined ? {} : { detail: answer.detail }),
        });
        last = {
          pushId,
          outcome: "failed",
          tries: attempt,
          status: answer.status,
          target: target.label,
          detail: answer.detail ?? `HTTP ${answer.status}`,
        };
        continue;
      }
      const read = readAnswer(target, answer.body, options.expectReply ?? true);
      record({
        ...base,
        at,
        try: attempt,
        status: answer.status,
        latencyMs: answer.latencyMs,
        outcome: read.outcome,
        ...(read.detail === undefined ? {} : { detail: read.detail }),
      });
      return {
        pushId,
        outcome: read.outcome,
        tries: attempt,
        status: answer.status,
        target: target.label,
        ...(read.reply === undefined ? {} : { reply: read.reply }),
        ...(read.replyXml === undefined ? {} : { replyXml: read.replyXml }),
        ...(read.detail === undefined ? {} : { detail: read.detail }),
      };
    }
    return last;
  }

  /** Hands a passive reply to the follower, or the conversation to an agent. */
  function receiveReply(push: AccountPush, result: PushResult): void {
    const { reply, replyXml } = result;
    if (!reply || replyXml === undefined || push.openId === undefined) return;
    const now = clock.now();
    if (reply.type === "transfer_customer_service") {
      // Only a user message can be handed over; WeChat ignores the transfer after an event.
      if (!push.userMessage) return;
      const session: AgentSession = {
        appId: push.appId,
        openId: push.openId,
        startedAt: now,
        lastActivityAt: now,
        forwarded: 0,
      };
      if (reply.kfAccount !== undefined) session.kfAccount = reply.kfAccount;
      pushState(world).agentSessions[sessionKey(push.appId, push.openId)] = session;
      return;
    }
    const follower = world.follower(push.appId, push.openId);
    if (!follower) return;
    follower.inbox.push({ at: now, via: "reply", msgType: reply.type, content: replyXml });
    if (follower.inbox.length > INBOX_CAPACITY)
      follower.inbox.splice(0, follower.inbox.length - INBOX_CAPACITY);
  }

  const service: PushService = {
    deliver: (target, xml, event, options) => deliver(target, xml, event, { openId: options?.openId }),

    async pushToAccount(push) {
      if (push.userMessage && push.openId !== undefined) {
        const session = activeSession(push.appId, push.openId);
        if (session) {
          session.lastActivityAt = clock.now();
          session.forwarded += 1;
          const pushId = pushState(world).nextPushId++;
          return { pushId, outcome: "with_agent", tries: 0, status: 0, target: push.appId };
        }
      }
      const target = accountTarget(world, push.appId);
      if (!target) {
        const pushId = pushState(world).nextPushId++;
        return { pushId, outcome: "no_target", tries: 0, status: 0, target: push.appId };
      }
      const result = await deliver(target, push.xml, push.event, { openId: push.openId, expectReply: true });
      receiveReply(push, result);
      return result;
    },

    targetForAccount: (appId) => accountTarget(world, appId),

    async pushToPlatform(componentAppId, xml, event, label) {
      const platform = world.platform(componentAppId);
      const target = platform ? platformTarget(platform, label ?? componentAppId) : undefined;
      if (!target) {
        const pushId = pushState(world).nextPushId++;
        return { pushId, outcome: "no_target", tries: 0, status: 0, target: label ?? componentAppId };
      }
      return deliver(target, xml, event, { expectReply: false });
    },

    track(work) {
      const settled = work.then(
        () => undefined,
        (error: unknown) => {
          ctx.log.warn({ err: error }, "emulator background push failed");
        },
      );
      pending.add(settled);
      void settled.finally(() => pending.delete(settled));
    },

    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },

    agentSession: (appId, openId) => activeSession(appId, openId),

    settings: () => ({ ...pushState(world).settings }),
  };
  return service;
}
