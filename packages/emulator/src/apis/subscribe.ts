import type { FastifyInstance } from "fastify";
import type { EmulatorContext } from "../http/context.js";
import { tokenRoutes } from "../http/token-routes.js";
import { WxFault } from "../http/wx-error.js";
import type { DeliveryLedger } from "./deliveries.js";
import { deliverSent } from "./inbox.js";
import { accountOf, bodyOf } from "./input.js";
import { jsonMsgId, sendTarget, templatesOf } from "./templates.js";

/** Template type of a long-term subscription (consent is not used up by a send). */
const LONG_TERM = 3;

/**
 * Mini program message/subscribe/send. Each one-time consent (follower.consents[template])
 * allows one message and is used up by it; none left → 43101. Long-term templates (type 3)
 * need consent once and keep it. Unknown user → 40003; unknown template → 40037. The
 * account's templates are listed by wxaapi/newtmpl/gettemplate (type 2 unless added as 3).
 */
export function registerSubscribe(app: FastifyInstance, ctx: EmulatorContext, ledger: DeliveryLedger): void {
  const route = tokenRoutes(app, ctx);
  const { world, ids } = ctx;
  route.get("/wxaapi/newtmpl/gettemplate", (call) => ({
    errcode: 0,
    errmsg: "ok",
    data: templatesOf(world, accountOf(call).appId).map((t) => ({
      priTmplId: t.templateId,
      title: t.title,
      content: t.content,
      example: t.example,
      type: t.type ?? 2,
    })),
  }));
  route.post("/cgi-bin/message/subscribe/send", (call) => {
    const account = accountOf(call);
    const body = bodyOf(call);
    const { follower: user, template } = sendTarget(world, account.appId, body);
    const left = user.consents[template.templateId] ?? 0;
    if (left <= 0) throw new WxFault(43101);
    if (template.type !== LONG_TERM) user.consents[template.templateId] = left - 1;
    const msgId = jsonMsgId(ids);
    deliverSent(world, ledger, {
      appId: account.appId,
      openId: user.openId,
      channel: "subscribe",
      id: template.templateId,
      item: { at: call.now, via: "subscribe", msgType: "subscribe", msgId: String(msgId), content: body },
    });
    return { errcode: 0, errmsg: "ok", msgid: msgId };
  });
}
