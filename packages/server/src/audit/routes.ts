import { z } from "zod";
import { defineRoute, type Route } from "../http/route.js";
import { type Actor, reachedAppIds } from "../platform/policy.js";
import type { AuditService } from "./service.js";

const outcome = z.enum(["ok", "refused", "failed"]);

const filters = z.object({
  actor: z.string().min(1).max(64).optional().describe("The acting user's or API key's id."),
  appid: z.string().min(1).max(64).optional(),
  action: z.string().min(1).max(100).optional().describe("An action, e.g. `accounts.enable`, or `public`."),
  outcome: outcome.optional(),
  risk: z
    .enum(["true", "false"])
    .optional()
    .describe("`true`: only risk operations; `false`: only the others."),
  from: z.coerce.number().int().min(0).optional().describe("Earliest time, epoch ms, inclusive."),
  to: z.coerce.number().int().min(0).optional().describe("Latest time, epoch ms, inclusive."),
});

/**
 * The query's filters as the repository names them; an actor limited to some accounts (a
 * department's administrator) sees only the entries about them.
 */
function filterOf(query: z.output<typeof filters>, actor: Actor) {
  return {
    appids: reachedAppIds(actor),
    actorId: query.actor,
    appid: query.appid,
    action: query.action,
    outcome: query.outcome,
    risk: query.risk === undefined ? undefined : query.risk === "true",
    from: query.from,
    to: query.to,
  };
}

const entry = z.object({
  id: z.string(),
  at: z.number().describe("Epoch ms."),
  actor: z
    .object({ kind: z.string().describe("`session` or `api_key`"), id: z.string(), name: z.string() })
    .nullable()
    .describe("Null when the request carried no valid credential."),
  ip: z.string(),
  userAgent: z.string().nullable(),
  appid: z.string().nullable(),
  action: z.string(),
  method: z.string(),
  route: z.string(),
  target: z.record(z.string(), z.unknown()).describe("The path parameters."),
  outcome,
  status: z.number().int(),
  errorCode: z.string().nullable(),
  summary: z.unknown().describe("The request body without any secret, long values cut."),
  requestId: z.string(),
  risk: z.boolean().describe("A risk operation (accepted or refused for want of a confirmation)."),
});

/** The audit log's routes: read and export only — no route changes or deletes an entry. */
export function auditRoutes(service: AuditService): Route[] {
  return [
    defineRoute({
      method: "GET",
      url: "/audit",
      action: "audit.read",
      summary: "List audit entries",
      description:
        "Every changing API request (POST, PUT, PATCH, DELETE), newest first: who, when, from which address, on which account, the action, the outcome, and a summary of what was sent in which every secret is replaced by `[redacted]`. Filter by `actor`, `appid`, `action`, `outcome` and `from`/`to`; pass `nextCursor` as `cursor` for the next page. Entries are kept `WXGATE_AUDIT_RETENTION_DAYS` (180) days.",
      query: filters.extend({
        cursor: z.string().max(64).optional().describe("`nextCursor` of the previous page."),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
      response: z.object({ items: z.array(entry), nextCursor: z.string().nullable() }),
      handler: ({ query, actor }) =>
        service.list({ ...filterOf(query, actor), before: query.cursor, limit: query.limit }),
    }),
    defineRoute({
      method: "GET",
      url: "/audit/export",
      action: "audit.read",
      summary: "Export audit entries as CSV",
      description:
        "The entries the filters select, newest first, as `text/csv` (UTF-8 with a byte-order mark), streamed as they are read, in constant memory however many there are.",
      query: filters,
      async handler({ query, reply, actor }) {
        const stamp = new Date().toISOString().slice(0, 10);
        reply
          .header("content-type", "text/csv; charset=utf-8")
          .header("content-disposition", `attachment; filename="wxgate-audit-${stamp}.csv"`);
        return reply.send(service.exportCsv(filterOf(query, actor)));
      },
    }),
  ];
}
