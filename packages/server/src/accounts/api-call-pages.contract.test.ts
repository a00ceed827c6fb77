import { randomBytes } from "node:crypto";
import { CompiledQuery } from "kysely";
import { SecretBox } from "../platform/secrets.js";
import type { Store } from "../platform/store/store.js";
import { describePageCosts, type PageCase } from "../testing/page-costs.suite.js";
import { AccountRepository, type ApiCallFilter } from "./repository.js";

const LIMIT = 50;
const APIS = ["cgi-bin/token", "cgi-bin/message/custom/send", "cgi-bin/menu/create", "cgi-bin/user/get"];
const ERRCODES = [0, 0, 45009, 0, 40001];

/** `count` calls from row `from` on, over 10 accounts, the APIs and errcodes in turn. */
async function fill(store: Store, from: number, count: number): Promise<void> {
  const pick = (list: readonly (string | number)[], modulo: string) =>
    `(CASE ${modulo} ${list.map((v, k) => `WHEN ${k} THEN ${typeof v === "string" ? `'${v}'` : v}`).join(" ")} END)`;
  const columns = "id, appid, api, method, errcode, ok, error, rid, attempt, latency_ms, at";
  // SQLite binds the bounds as reals: printf keeps the account's digit whole.
  const app = store.dialect === "sqlite" ? `printf('wxcaller%d', i % 10)` : `'wxcaller' || (i % 10)`;
  const api = pick(APIS, `i % ${APIS.length}`);
  const errcode = pick(ERRCODES, `i % ${ERRCODES.length}`);
  const sql =
    store.dialect === "sqlite"
      ? `INSERT INTO api_calls (${columns})
         WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i < ?)
         SELECT printf('call-%012d', i), ${app}, ${api}, 'GET', ${errcode}, 1, NULL, NULL, 1, 3, i FROM n`
      : `INSERT INTO api_calls (${columns})
         SELECT 'call-' || lpad(i::text, 12, '0'), ${app}, ${api}, 'GET', ${errcode}, 1, NULL, NULL, 1, 3, i
         FROM generate_series($1::bigint, $2::bigint) AS i`;
  await store.db.executeQuery(CompiledQuery.raw(sql, [from, from + count - 1]));
}

/** Each page, its index, and the share of all calls it matches (1 in `oneIn`). */
const pages: PageCase<ApiCallFilter>[] = [
  { name: "one account", filter: { limit: LIMIT }, index: "api_calls_page", oneIn: 10 },
  {
    name: "one API",
    filter: { api: "cgi-bin/menu/create", limit: LIMIT },
    index: "api_calls_api_page",
    oneIn: 20,
  },
  {
    name: "one errcode",
    filter: { errcode: 45009, limit: LIMIT },
    index: "api_calls_errcode_page",
    oneIn: 10,
  },
];

describePageCosts({
  title: "the outbound call log's pages",
  rows: "calls",
  fill,
  lister: (store) => {
    const repository = new AccountRepository(store.db, new SecretBox(randomBytes(32)));
    return {
      list: (filter) => repository.listApiCalls("wxcaller2", filter),
      query: (filter) => repository.apiCallsQuery("wxcaller2", filter),
    };
  },
  pages,
});
