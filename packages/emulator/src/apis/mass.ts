import { sendingLimits } from "@wxgate/wechat";
import type { FastifyInstance } from "fastify";
import type { EmulatorContext } from "../http/context.js";
import { beijingDay, beijingMonth } from "../http/quota.js";
import { tokenRoutes } from "../http/token-routes.js";
import { WxFault } from "../http/wx-error.js";
import type { Account, Follower, MassJob } from "../world/types.js";
import type { World } from "../world/world.js";
import type { DeliveryLedger } from "./deliveries.js";
import type { EventOutbox } from "./events.js";
import { takeJobFault } from "./faults.js";
import { deliver, deliverSent } from "./inbox.js";
import { accountOf, bodyOf, filled, followerOf, integerOf, recordAt } from "./input.js";
import { JobQueue } from "./jobs.js";
import { apisState, isBlocked } from "./state.js";
import { jsonMsgId } from "./templates.js";

/** Emulated time between a mass send and its MASSSENDJOBFINISH push. */
export const MASS_JOB_DELAY_MS = 5_000;
/** Pseudo-API name for faults: an `errcode` fault on it makes the next mass job fail. */
export const MASS_JOB_FAULT = "MASSSENDJOBFINISH";
/** clientmsgid is remembered this long (WeChat keeps it 24 hours). */
const CLIENT_MSG_ID_KEEP_MS = 86_400_000;
const CLIENT_MSG_ID_MAX = 64;
/** mass/send takes 2 to 10,000 OpenIDs. */
const SEND_MIN = 2;
const SEND_MAX = 10_000;
/** Previews a day per account. */
export const MASS_PREVIEW_DAILY = 100;

/** The field each mass msgtype needs. */
const MASS_TYPES: Record<string, string> = {
  mpnews: "media_id",
  text: "content",
  voice: "media_id",
  image: "media_ids",
  mpvideo: "media_id",
  wxcard: "card_id",
};

/** Checks the message part of a mass body; returns the msgtype (40008 unknown, 40007 / 44004 empty). */
function checkMassMessage(body: Record<string, unknown>): string {
  const msgType = filled(body.msgtype);
  if (msgType === undefined || !Object.hasOwn(MASS_TYPES, msgType)) throw new WxFault(40008);
  // An image message's part is `images` with `media_ids` (the documented form since images
  // went several to a message); `image` with one `media_id` is the older form, still taken.
  const payload =
    msgType === "image" ? (recordAt(body, "images") ?? recordAt(body, "image")) : recordAt(body, msgType);
  const field = MASS_TYPES[msgType]!;
  const value = payload?.[field] ?? (msgType === "image" ? payload?.media_id : undefined);
  const empty =
    value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0);
  if (empty) {
    if (msgType === "text") throw new WxFault(44004, {}, "empty content");
    throw new WxFault(msgType === "wxcard" ? 40097 : 40007);
  }
  return msgType;
}

/** 45067 too long, 45066 the same clientmsgid within a minute, 45065 within 24 hours. */
function checkClientMsgId(jobs: readonly MassJob[], raw: unknown, now: number): string | undefined {
  if (raw === undefined || raw === null || raw === "") return undefined;
  const id = String(raw);
  if (id.length > CLIENT_MSG_ID_MAX) throw new WxFault(45067);
  for (let i = jobs.length - 1; i >= 0; i--) {
    const job = jobs[i]!;
    if (now - job.createdAt > CLIENT_MSG_ID_KEEP_MS) break;
    if (job.clientMsgId !== id) continue;
    throw new WxFault(now - job.createdAt < 60_000 ? 45066 : 45065);
  }
  return id;
}

/** 60 sendall/send requests a minute per account → 45011 beyond. */
function countMinute(world: World, account: Account, now: number): void {
  if (account.limitsLifted === true) return;
  const appId = account.appId;
  const minutes = apisState(world).massMinute;
  const minute = Math.floor(now / 60_000);
  const current = minutes[appId];
  const count = current && current.minute === minute ? current.count : 0;
  if (count >= sendingLimits.massRequestsPerMinute) throw new WxFault(45011);
  minutes[appId] = { minute, count: count + 1 };
}

/** Mass messages the follower received this month. */
function receivedThisMonth(world: World, appId: string, openId: string, now: number): number {
  const entry = apisState(world).massReceived[appId]?.[openId];
  return entry && entry.month === beijingMonth(now) ? entry.count : 0;
}

function countReceived(world: World, appId: string, openId: string, now: number): void {
  const state = apisState(world);
  const book = state.massReceived[appId] ?? {};
  state.massReceived[appId] = book;
  const month = beijingMonth(now);
  const entry = book[openId];
  book[openId] = { month, count: entry && entry.month === month ? entry.count + 1 : 1 };
}

/**
 * Who receives a mass message after WeChat's filters: subscribed, not refusing the account's
 * messages, and — for service accounts — under 4 mass messages this month.
 */
function eligible(world: World, account: Account, targets: Follower[], now: number): Follower[] {
  return targets.filter(
    (f) =>
      !isBlocked(world, account.appId, f.openId) &&
      (account.kind !== "service" ||
        account.limitsLifted === true ||
        receivedThisMonth(world, account.appId, f.openId, now) < sendingLimits.massServicePerUserPerMonth),
  );
}

/**
 * The quota rule, as chosen here: a subscription account may send one mass job per Beijing
 * day (sendall or send, deleted or not; previews do not count) → 45028 for the second. A service account's
 * followers receive at most 4 a month each: those at 4 are filtered out, and when targets
 * exist but none has quota left the request gets 45028.
 */
function checkQuota(
  world: World,
  account: Account,
  targets: Follower[],
  receivers: Follower[],
  now: number,
): void {
  if (account.limitsLifted === true) return;
  if (account.kind === "subscription") {
    const today = beijingDay(now);
    const jobs = world.state.massJobs[account.appId] ?? [];
    if (jobs.some((j) => beijingDay(j.createdAt) === today)) throw new WxFault(45028);
  } else if (targets.length > 0 && receivers.length === 0) {
    throw new WxFault(45028);
  }
}

/** message/mass/sendall, send, preview, get, delete; MASSSENDJOBFINISH later with the real counts. */
export function registerMass(
  app: FastifyInstance,
  ctx: EmulatorContext,
  outbox: EventOutbox,
  ledger: DeliveryLedger,
): void {
  const route = tokenRoutes(app, ctx);
  const { world, ids } = ctx;
  const jobs = new JobQueue(ctx.scheduler, ctx.clock, MASS_JOB_DELAY_MS);
  ctx.quota.define("/cgi-bin/message/mass/preview", MASS_PREVIEW_DAILY);
  const jobsOf = (appId: string): MassJob[] => {
    const list = world.state.massJobs[appId] ?? [];
    world.state.massJobs[appId] = list;
    return list;
  };
  const subscribedFollowers = (appId: string): Follower[] =>
    Object.values(world.followersOf(appId)).filter((f) => f.subscribed);

  const submit = (account: Account, body: Record<string, unknown>, targets: Follower[], now: number) => {
    const msgType = checkMassMessage(body);
    const list = jobsOf(account.appId);
    const clientMsgId = checkClientMsgId(list, body.clientmsgid, now);
    countMinute(world, account, now);
    const receivers = eligible(world, account, targets, now);
    checkQuota(world, account, targets, receivers, now);
    const job: MassJob = {
      msgId: String(jsonMsgId(ids)),
      appId: account.appId,
      createdAt: now,
      status: "SENDING",
      request: body,
      totalCount: targets.length,
      filterCount: receivers.length,
      sentCount: 0,
      errorCount: 0,
    };
    if (msgType === "mpnews") job.msgDataId = String(jsonMsgId(ids));
    if (clientMsgId !== undefined) job.clientMsgId = clientMsgId;
    list.push(job);
    // While lifted nothing counts toward the monthly quota: a million counters would be a million objects.
    if (account.limitsLifted !== true) {
      for (const f of receivers) countReceived(world, account.appId, f.openId, now);
    }
    const openIds = receivers.map((f) => f.openId);
    jobs.add(async () => {
      const target = world.account(account.appId);
      if (!target) return;
      const failed = takeJobFault(ctx, MASS_JOB_FAULT);
      const at = ctx.clock.now();
      for (const openId of openIds) {
        const follower = world.peekFollower(account.appId, openId);
        if (failed || !follower?.subscribed) {
          job.errorCount++;
          continue;
        }
        deliverSent(world, ledger, {
          appId: account.appId,
          openId,
          channel: "mass",
          id: job.msgId,
          item: { at, via: "mass", msgType, msgId: job.msgId, content: body },
        });
        job.sentCount++;
      }
      if (job.status === "SENDING") job.status = failed ? "SEND_FAIL" : "SEND_SUCCESS";
      outbox.raise(target, "mphelper", {
        Event: "MASSSENDJOBFINISH",
        MsgID: Number(job.msgId),
        Status: failed ? "send fail" : "send success",
        TotalCount: job.totalCount,
        FilterCount: job.filterCount,
        SentCount: job.sentCount,
        ErrorCount: job.errorCount,
      });
    });
    return {
      errcode: 0,
      errmsg: "send job submission success",
      msg_id: Number(job.msgId),
      ...(job.msgDataId !== undefined ? { msg_data_id: Number(job.msgDataId) } : {}),
    };
  };

  route.post("/cgi-bin/message/mass/sendall", (call) => {
    const account = accountOf(call);
    const body = bodyOf(call);
    const filter = recordAt(body, "filter");
    if (!filter) throw new WxFault(47001);
    let targets = subscribedFollowers(account.appId);
    if (filter.is_to_all !== true) {
      // group_id is the field of the retired groups API (tags took over its ids); old SDKs still send it.
      const tagId = integerOf(filter.tag_id ?? filter.group_id);
      if (tagId === undefined || !world.tagsOf(account.appId).items[String(tagId)]) throw new WxFault(45159);
      targets = targets.filter((f) => f.tagIds.includes(tagId));
    }
    return submit(account, body, targets, call.now);
  });

  route.post("/cgi-bin/message/mass/send", (call) => {
    const account = accountOf(call);
    const body = bodyOf(call);
    const touser = body.touser;
    if (!Array.isArray(touser) || touser.length < SEND_MIN) {
      throw new WxFault(40130, {}, "invalid openid list size, at least two openid");
    }
    if (touser.length > SEND_MAX) throw new WxFault(40032);
    // OpenIDs that are not (or no longer) followers are not counted, as TotalCount counts followers.
    const seen = new Set<string>();
    const targets: Follower[] = [];
    for (const openId of touser) {
      if (typeof openId !== "string" || seen.has(openId)) continue;
      seen.add(openId);
      const follower = world.peekFollower(account.appId, openId);
      if (follower?.subscribed) targets.push(follower);
    }
    return submit(account, body, targets, call.now);
  });

  route.post("/cgi-bin/message/mass/preview", (call) => {
    const account = accountOf(call);
    const body = bodyOf(call);
    const msgType = checkMassMessage(body);
    const wxName = filled(body.towxname);
    // Emulated people have no WeChat ID; towxname is matched against followers' nicknames.
    const follower =
      wxName !== undefined
        ? Object.values(world.followersOf(account.appId)).find((f) => f.nickname === wxName)
        : followerOf(world, account.appId, body.touser);
    if (!follower?.subscribed) throw new WxFault(40003);
    const msgId = jsonMsgId(ids);
    deliver(follower, { at: call.now, via: "mass", msgType, msgId: String(msgId), content: body });
    return { errcode: 0, errmsg: "preview success", msg_id: msgId };
  });

  const jobById = (appId: string, raw: unknown): MassJob => {
    const id = integerOf(raw);
    const job = id === undefined ? undefined : jobsOf(appId).find((j) => j.msgId === String(id));
    // WeChat does not document the code for an unknown msg_id; 40097 (invalid args) is chosen.
    if (!job) throw new WxFault(40097);
    return job;
  };

  route.post("/cgi-bin/message/mass/get", (call) => {
    const job = jobById(accountOf(call).appId, bodyOf(call).msg_id);
    return { msg_id: Number(job.msgId), msg_status: job.status };
  });

  route.post("/cgi-bin/message/mass/delete", (call) => {
    const body = bodyOf(call);
    const job = jobById(accountOf(call).appId, body.msg_id);
    job.status = "DELETE";
    return { errcode: 0, errmsg: "ok" };
  });
}
