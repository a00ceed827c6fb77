import { z } from "zod";
import { defineRoute, type Route } from "../http/route.js";
import type { Trigger } from "./matcher.js";
import type { AutomationService } from "./service.js";
import {
  createRuleBody,
  hitView,
  ruleView,
  ruleViewOf,
  testBody,
  testView,
  updateRuleBody,
} from "./views.js";

const account = z.object({ appid: z.string().min(1).max(64) });
const oneRule = account.extend({ id: z.string().min(1).max(64) });

const REFUSALS =
  "A rule breaking WeChat's rules is refused with 400 `validation_failed`, `details.reason` the first problem and `details.problems` every one as `{ reason, field, limit? }`: `text_too_long` (2048 UTF-8 bytes), `too_many_keywords` (10), `keyword_too_long` (30 characters), `too_many_replies` (5), `too_many_replies_for_window` (reply all: 1 passive + 3 customer-service messages after a follow or click, + 5 after a message), `transfer_only_for_messages`, `transfer_alone`, `video_thumb_required`, `media_id_required`, `news_title_required`, `url_invalid`, `menu_key_required`, `menu_key_too_long` (128 bytes), `schedule_invalid`, `too_many_rules` (10,000 an account) and the others of `AutomationRefusal`.";

/** `/api/v1/accounts/:appid/automation/…`: an account's automatic-reply rules. */
export function automationRoutes(service: AutomationService): Route[] {
  const tags = ["automation"];
  return [
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/automation/rules",
      action: "automation.read",
      account: (p) => p.appid,
      tags,
      summary: "An account's automatic-reply rules, in order",
      params: account,
      response: z.object({ items: z.array(ruleView) }),
      handler: async ({ params }) => ({ items: (await service.list(params.appid)).map(ruleViewOf) }),
    }),
    defineRoute({
      method: "POST",
      url: "/accounts/:appid/automation/rules",
      action: "automation.manage",
      account: (p) => p.appid,
      tags,
      summary: "Create an automatic-reply rule (last in order)",
      description: REFUSALS,
      params: account,
      body: createRuleBody,
      status: 201,
      response: ruleView,
      handler: async ({ params, body, actor }) => ruleViewOf(await service.create(actor, params.appid, body)),
    }),
    defineRoute({
      method: "PATCH",
      url: "/accounts/:appid/automation/rules/:id",
      action: "automation.manage",
      account: (p) => p.appid,
      tags,
      summary: "Change an automatic-reply rule",
      description: REFUSALS,
      params: oneRule,
      body: updateRuleBody,
      response: ruleView,
      handler: async ({ params, body, actor }) =>
        ruleViewOf(await service.update(actor, params.appid, params.id, body)),
    }),
    defineRoute({
      method: "DELETE",
      url: "/accounts/:appid/automation/rules/:id",
      action: "automation.manage",
      account: (p) => p.appid,
      tags,
      summary: "Delete an automatic-reply rule",
      params: oneRule,
      async handler({ params }) {
        await service.remove(params.appid, params.id);
        return undefined;
      },
    }),
    defineRoute({
      method: "PUT",
      url: "/accounts/:appid/automation/order",
      action: "automation.manage",
      account: (p) => p.appid,
      tags,
      summary: "Put an account's rules in a new order",
      description:
        "`ids` names every rule of the account once; the order breaks ties between rules of equal priority (400 `validation_failed`, `details.reason = order_incomplete` otherwise).",
      params: account,
      body: z.object({ ids: z.array(z.string().min(1).max(64)).max(10_000) }),
      response: z.object({ items: z.array(ruleView) }),
      handler: async ({ params, body }) => ({
        items: (await service.reorder(params.appid, body.ids)).map(ruleViewOf),
      }),
    }),
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/automation/hits",
      action: "automation.read",
      account: (p) => p.appid,
      tags,
      summary: "Which rule answered which push, newest first",
      description:
        "One row per push a rule answered, by the event id the gateway recorded it under (`GET /events/:id`). A push recorded as `replied` without a row here was answered by a reply webhook: rules answer before the reply webhooks, default rules after them.",
      params: account,
      query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
      response: z.object({ items: z.array(hitView) }),
      handler: async ({ params, query }) => ({ items: await service.hits(params.appid, query.limit) }),
    }),
    defineRoute({
      method: "POST",
      url: "/accounts/:appid/automation/test",
      action: "automation.read",
      account: (p) => p.appid,
      tags,
      summary: "Which rule would answer a message",
      description:
        "Runs the account's compiled rules on a message, a follow or a menu click at `at` (now by default) and names the rule that would answer and how it was reached; nothing is sent.",
      params: account,
      body: testBody,
      response: testView,
      handler: async ({ params, body }) => {
        const m = body.message;
        const trigger: Trigger =
          m.type === "text"
            ? { kind: "text", content: m.content }
            : m.type === "click"
              ? { kind: "click", key: m.key }
              : m.type === "follow"
                ? { kind: "follow" }
                : { kind: "message" };
        const outcome = await service.test(params.appid, trigger, body.at);
        return { rule: outcome.rule ? ruleViewOf(outcome.rule) : null, via: outcome.via };
      },
    }),
  ];
}
