import { buildXml, componentLimits } from "@wxgate/wechat";
import type { EmulatorContext } from "../http/context.js";
import type { PushResult } from "../push/types.js";
import type { Platform } from "../world/types.js";

/** A ticket stays valid this long after it was pushed. */
export const TICKET_VALIDITY_MS = componentLimits.ticketValiditySeconds * 1000;
/** WeChat pushes a fresh ticket this often. */
export const TICKET_INTERVAL_MS = componentLimits.ticketPushIntervalSeconds * 1000;
/** Expired tickets are remembered this much longer (61005 rather than 61006), then forgotten. */
const EXPIRED_MEMORY_MS = TICKET_VALIDITY_MS;

/** Makes a new ticket the platform's latest one (the previous ones stay valid for their 12 hours). */
export function issueTicket(ctx: EmulatorContext, platform: Platform, at: number): string {
  const value = ctx.ids.verifyTicket();
  if (platform.ticket) platform.previousTickets.push(platform.ticket);
  const horizon = at - TICKET_VALIDITY_MS - EXPIRED_MEMORY_MS;
  platform.previousTickets = platform.previousTickets.filter((t) => t.issuedAt > horizon).slice(-300);
  platform.ticket = { value, issuedAt: at };
  return value;
}

/**
 * Whether `value` is a ticket WeChat would accept now: 0, or 61005 (one of the platform's,
 * older than 12 hours) / 61006 (not one of its tickets).
 */
export function ticketRefusal(platform: Platform, value: string, now: number): 0 | 61005 | 61006 {
  if (!value) return 61006;
  const known = [...(platform.ticket ? [platform.ticket] : []), ...platform.previousTickets].find(
    (t) => t.value === value,
  );
  if (!known) return 61006;
  return now >= known.issuedAt + TICKET_VALIDITY_MS ? 61005 : 0;
}

/** The decrypted ticket push, as WeChat writes it. */
export function ticketXml(platform: Platform, ticket: string, at: number): string {
  return buildXml({
    AppId: platform.componentAppId,
    CreateTime: Math.floor(at / 1000),
    InfoType: "component_verify_ticket",
    ComponentVerifyTicket: ticket,
  });
}

/** Issues a ticket dated `at` and pushes it to the platform's authorization-event URL. */
export async function pushTicket(
  ctx: EmulatorContext,
  platform: Platform,
  at: number,
): Promise<{ ticket: string; push: PushResult }> {
  const ticket = issueTicket(ctx, platform, at);
  const push = await ctx
    .use("push")
    .pushToPlatform(
      platform.componentAppId,
      ticketXml(platform, ticket, at),
      "info:component_verify_ticket",
      "ticket",
    );
  return { ticket, push };
}

/**
 * The 10-minute ticket push of every platform that has it on. When the clock jumps, each
 * missed period still gets its ticket (dated when it fell due); periods whose ticket would
 * already have expired are skipped. During such a catch-up, a platform whose last push failed
 * gets its missed tickets issued without pushing them (only the latest period pushes again),
 * so a jump of hours over a server that never answers waits for one failed push, not dozens.
 */
export function scheduleTicketPushes(ctx: EmulatorContext): void {
  const unreachable = new Set<string>();
  const task = ctx.scheduler.every(TICKET_INTERVAL_MS, async (dueAt) => {
    const now = ctx.clock.now();
    if (dueAt + TICKET_VALIDITY_MS <= now) return;
    const catchUp = dueAt + TICKET_INTERVAL_MS <= now;
    for (const platform of Object.values(ctx.world.state.platforms)) {
      if (!platform.ticketPush) continue;
      if (catchUp && unreachable.has(platform.componentAppId)) {
        issueTicket(ctx, platform, dueAt);
        continue;
      }
      const { push } = await pushTicket(ctx, platform, dueAt);
      if (push.outcome === "failed") unreachable.add(platform.componentAppId);
      else unreachable.delete(platform.componentAppId);
    }
  });
  ctx.onClose(() => task.cancel());
}
