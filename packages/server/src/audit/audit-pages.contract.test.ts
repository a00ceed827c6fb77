import { CompiledQuery } from "kysely";
import type { Store } from "../platform/store/store.js";
import { describePageCosts, type PageCase } from "../testing/page-costs.suite.js";
import { type AuditFilter, AuditRepository } from "./repository.js";

const LIMIT = 50;
const ACTIONS = ["accounts.enable", "webhooks.manage", "auth.keys.manage", "public"];
const OUTCOMES = ["ok", "ok", "refused", "ok", "failed"];

/** `count` entries from row `from` on, over 10 people, 10 accounts, the actions and outcomes in turn. */
async function fill(store: Store, from: number, count: number): Promise<void> {
  const pick = (list: readonly string[], modulo: string) =>
    `(CASE ${modulo} ${list.map((v, k) => `WHEN ${k} THEN '${v}'`).join(" ")} END)`;
  const columns =
    "id, at, actor_kind, actor_id, actor_name, ip, user_agent, appid, action, method, route, target, outcome, status, error_code, summary, request_id";
  const sqlite = store.dialect === "sqlite";
  const person = sqlite ? `printf('user%d', i % 10)` : `'user' || (i % 10)`;
  const app = sqlite ? `printf('wxapp%d', (i / 10) % 10)` : `'wxapp' || ((i / 10) % 10)`;
  const id = sqlite ? `printf('entry-%012d', i)` : `'entry-' || lpad(i::text, 12, '0')`;
  const values = `${id}, i, 'session', ${person}, ${person}, '127.0.0.1', NULL, ${app}, ${pick(ACTIONS, `i % ${ACTIONS.length}`)}, 'POST', '/api/v1/x', '{}', ${pick(OUTCOMES, `i % ${OUTCOMES.length}`)}, 200, NULL, NULL, 'r'`;
  const sql = sqlite
    ? `INSERT INTO audit_entries (${columns})
       WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       SELECT ${values} FROM n`
    : `INSERT INTO audit_entries (${columns})
       SELECT ${values} FROM generate_series($1::bigint, $2::bigint) AS i`;
  await store.db.executeQuery(CompiledQuery.raw(sql, [from, from + count - 1]));
}

/** Each filter's page, its index, and the share of all entries it matches (1 in `oneIn`). */
const pages: PageCase<AuditFilter>[] = [
  { name: "one person", filter: { actorId: "user3", limit: LIMIT }, index: "audit_actor_id_page", oneIn: 10 },
  { name: "one account", filter: { appid: "wxapp4", limit: LIMIT }, index: "audit_appid_page", oneIn: 10 },
  {
    name: "one action",
    filter: { action: "webhooks.manage", limit: LIMIT },
    index: "audit_action_page",
    oneIn: 4,
  },
  {
    name: "one outcome",
    filter: { outcome: "refused", limit: LIMIT },
    index: "audit_outcome_page",
    oneIn: 5,
  },
];

describePageCosts({
  title: "the audit log's pages",
  rows: "entries",
  fill,
  lister: (store) => {
    const repository = new AuditRepository(store.db);
    return { list: (filter) => repository.list(filter), query: (filter) => repository.listQuery(filter) };
  },
  pages,
});
