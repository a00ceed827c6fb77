import { sendingLimits } from "@wxgate/wechat";
import type { FastifyInstance } from "fastify";
import type { EmulatorContext } from "../http/context.js";
import { tokenRoutes } from "../http/token-routes.js";
import { WxFault } from "../http/wx-error.js";
import type { IdGenerator } from "../ids.js";
import type { Follower, Template } from "../world/types.js";
import type { World } from "../world/world.js";
import type { DeliveryLedger } from "./deliveries.js";
import type { EventOutbox } from "./events.js";
import { takeJobFault } from "./faults.js";
import { deliverSent } from "./inbox.js";
import { accountOf, bodyOf, filled, followerOf, isRecord, peekFollowerOf } from "./input.js";
import { JobQueue } from "./jobs.js";
import { apisState, isBlocked } from "./state.js";

/** Emulated time between template/send and its TEMPLATESENDJOBFINISH push. */
export const TEMPLATE_JOB_DELAY_MS = 3_000;

/**
 * Pseudo-API name for the control API's faults: an `errcode` fault on it makes the next
 * template job end with `failed: system failed`.
 */
export const TEMPLATE_JOB_FAULT = "TEMPLATESENDJOBFINISH";

/** A template as the control API adds it. */
export interface NewTemplate {
  title?: string;
  content?: string;
  example?: string;
  primaryIndustry?: string;
  deputyIndustry?: string;
  /** Mini program subscription templates: 2 one-time, 3 long-term. */
  type?: number;
  templateId?: string;
}

/** The account's template library (created empty on first use). */
export function templatesOf(world: World, appId: string): Template[] {
  let list = world.state.templates[appId];
  if (!list) {
    list = [];
    world.state.templates[appId] = list;
  }
  return list;
}

/**
 * Adds a template to an account's library. Returns undefined when the library already holds
 * the 25 WeChat allows (the caller answers 45026 or a control refusal).
 */
export function addTemplate(
  world: World,
  ids: IdGenerator,
  appId: string,
  input: NewTemplate,
): Template | undefined {
  const list = templatesOf(world, appId);
  if (list.length >= sendingLimits.templatesPerAccount) return undefined;
  const template: Template = {
    templateId: input.templateId ?? ids.templateId(),
    title: input.title ?? "订单状态通知",
    content:
      input.content ?? "{{first.DATA}}\n订单号：{{keyword1.DATA}}\n状态：{{keyword2.DATA}}\n{{remark.DATA}}",
    example: input.example ?? "",
    primaryIndustry: input.primaryIndustry ?? "IT科技",
    deputyIndustry: input.deputyIndustry ?? "互联网|电子商务",
  };
  if (input.type !== undefined) template.type = input.type;
  list.push(template);
  return template;
}

/** A template of the account by id, or undefined. */
export function findTemplate(world: World, appId: string, templateId: unknown): Template | undefined {
  if (typeof templateId !== "string") return undefined;
  return world.state.templates[appId]?.find((t) => t.templateId === templateId);
}

/**
 * What a template or subscription-message send names: its follower (unknown → 40003) and
 * template (unknown → 40037); `data`, when given, must be an object (47001). `peek` leaves a
 * crowd member unstored (a template send only reads the follower).
 */
export function sendTarget(
  world: World,
  appId: string,
  body: Record<string, unknown>,
  peek = false,
): { follower: Follower; template: Template } {
  const follower = (peek ? peekFollowerOf : followerOf)(world, appId, body.touser);
  const template = findTemplate(world, appId, body.template_id);
  if (!template) throw new WxFault(40037);
  if (body.data !== undefined && !isRecord(body.data)) throw new WxFault(47001);
  return { follower, template };
}

/** Draws a message id that stays exact as a JSON number (below 2^53). */
export function jsonMsgId(ids: IdGenerator): number {
  return Number(ids.msgId().slice(0, 15));
}

/**
 * template/get_all_private_template, api_add_template, del_private_template and
 * message/template/send. A send lands in the follower's inbox (via "template") unless the
 * follower blocked the account; a few emulated seconds later TEMPLATESENDJOBFINISH reports
 * `success`, `failed:user block`, or `failed: system failed` (fault {@link TEMPLATE_JOB_FAULT}).
 */
export function registerTemplates(
  app: FastifyInstance,
  ctx: EmulatorContext,
  outbox: EventOutbox,
  ledger: DeliveryLedger,
): void {
  const route = tokenRoutes(app, ctx);
  const { world, ids } = ctx;
  const jobs = new JobQueue(ctx.scheduler, ctx.clock, TEMPLATE_JOB_DELAY_MS);

  route.get("/cgi-bin/template/get_all_private_template", (call) => ({
    template_list: templatesOf(world, accountOf(call).appId).map((t) => ({
      template_id: t.templateId,
      title: t.title,
      primary_industry: t.primaryIndustry ?? "",
      deputy_industry: t.deputyIndustry ?? "",
      content: t.content,
      example: t.example,
    })),
  }));

  route.post("/cgi-bin/template/api_add_template", (call) => {
    const body = bodyOf(call);
    const short = filled(body.template_id_short);
    if (short === undefined) throw new WxFault(40037);
    const keywords = Array.isArray(body.keyword_name_list)
      ? body.keyword_name_list.filter((k): k is string => typeof k === "string")
      : [];
    const content =
      keywords.length > 0 ? keywords.map((k, i) => `${k}：{{keyword${i + 1}.DATA}}`).join("\n") : undefined;
    const added = addTemplate(world, ids, accountOf(call).appId, {
      title: `模板 ${short}`,
      ...(content !== undefined ? { content } : {}),
    });
    if (!added) throw new WxFault(45026);
    return { errcode: 0, errmsg: "ok", template_id: added.templateId };
  });

  route.post("/cgi-bin/template/del_private_template", (call) => {
    const list = templatesOf(world, accountOf(call).appId);
    const templateId = bodyOf(call).template_id;
    const index = list.findIndex((t) => t.templateId === templateId);
    if (index < 0) throw new WxFault(40037);
    list.splice(index, 1);
    return { errcode: 0, errmsg: "ok" };
  });

  route.post("/cgi-bin/message/template/send", (call) => {
    const account = accountOf(call);
    const body = bodyOf(call);
    const { follower, template } = sendTarget(world, account.appId, body, true);
    if (!follower.subscribed) throw new WxFault(43004);
    const msgId = jsonMsgId(ids);
    const blocked = isBlocked(world, account.appId, follower.openId);
    const appId = account.appId;
    const openId = follower.openId;
    if (!blocked) {
      deliverSent(world, ledger, {
        appId,
        openId,
        channel: "template",
        id: template.templateId,
        item: { at: call.now, via: "template", msgType: "template", msgId: String(msgId), content: body },
      });
    }
    if (apisState(world).templateReceiptsOff[appId]) return { errcode: 0, errmsg: "ok", msgid: msgId };
    jobs.add(async () => {
      const target = world.account(appId);
      if (!target) return;
      const status = takeJobFault(ctx, TEMPLATE_JOB_FAULT)
        ? "failed: system failed"
        : blocked
          ? "failed:user block"
          : "success";
      outbox.raise(target, openId, { Event: "TEMPLATESENDJOBFINISH", MsgID: msgId, Status: status });
    });
    return { errcode: 0, errmsg: "ok", msgid: msgId };
  });
}
