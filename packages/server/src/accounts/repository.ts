import type { Insertable, Kysely, Updateable } from "kysely";
import "./tables.js";
import { newId } from "../platform/ids.js";
import type { SecretBox } from "../platform/secrets.js";
import type { Database } from "../platform/store/schema.js";
import type {
  AccountsTable,
  AuthorizationNoticesTable,
  AuthorizationRequestsTable,
  QuotaResetsTable,
} from "./tables.js";

/** An account row as stored (secret columns still sealed). */
export type AccountRow = AccountsTable;
export type AccountPatch = Updateable<AccountsTable>;
export type AuthorizationRequestRow = AuthorizationRequestsTable;
export type QuotaResetRow = QuotaResetsTable;
export type AuthorizationNoticeRow = AuthorizationNoticesTable;

/** The secret columns of `accounts`. */
export type AccountSecretColumn =
  | "app_secret"
  | "refresh_token"
  | "token_url"
  | "token_header"
  | "send_app_secret"
  | "send_token_url"
  | "send_token_header"
  | "receipt_token"
  | "receipt_aes_key";

/** A page of the outbound call log. */
export interface ApiCallFilter {
  errcode?: number | undefined;
  api?: string | undefined;
  limit: number;
  /** Only calls with an id below this one (ids sort by time): the previous page's cursor. */
  before?: string | undefined;
}

/** The only code that touches the accounts module's tables. */
export class AccountRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly secrets: SecretBox,
    /** Called after every write to an account's row, so caches elsewhere never act on stale state. */
    private readonly changed: (appId: string) => void = () => {},
  ) {}

  /** Seals a secret for one column of one account. */
  seal(appId: string, column: AccountSecretColumn, value: string): string {
    return this.secrets.seal(value, `accounts.${column}:${appId}`);
  }

  /** Opens a sealed column of `row`, or undefined when empty. */
  open(row: AccountRow, column: AccountSecretColumn): string | undefined {
    const envelope = row[column];
    return envelope ? this.secrets.open(envelope, `accounts.${column}:${row.appid}`) : undefined;
  }

  find(appId: string): Promise<AccountRow | undefined> {
    return this.db.selectFrom("accounts").selectAll().where("appid", "=", appId).executeTakeFirst();
  }

  /** The platform authorization's refresh token of the account, opened. */
  async refreshToken(appId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom("accounts")
      .select(["appid", "refresh_token"])
      .where("appid", "=", appId)
      .executeTakeFirst();
    return row?.refresh_token
      ? this.secrets.open(row.refresh_token, `accounts.refresh_token:${appId}`)
      : undefined;
  }

  /**
   * Keeps a new refresh token. Not an account change the caches must hear of: WeChat rotates
   * it on a refresh, and the credential that refreshed holds it already.
   */
  async setRefreshToken(appId: string, refreshToken: string, now: number): Promise<void> {
    await this.db
      .updateTable("accounts")
      .set({ refresh_token: this.seal(appId, "refresh_token", refreshToken), updated_at: now })
      .where("appid", "=", appId)
      .execute();
  }

  list(): Promise<AccountRow[]> {
    return this.db.selectFrom("accounts").selectAll().orderBy("created_at").orderBy("id").execute();
  }

  async insert(row: Insertable<AccountsTable>): Promise<void> {
    await this.db.insertInto("accounts").values(row).execute();
    this.changed(row.appid);
  }

  async update(appId: string, patch: AccountPatch): Promise<void> {
    await this.db.updateTable("accounts").set(patch).where("appid", "=", appId).execute();
    this.changed(appId);
  }

  async createAuthorizationRequest(row: AuthorizationRequestRow): Promise<void> {
    await this.db.insertInto("authorization_requests").values(row).execute();
  }

  findAuthorizationRequest(id: string): Promise<AuthorizationRequestRow | undefined> {
    return this.db.selectFrom("authorization_requests").selectAll().where("id", "=", id).executeTakeFirst();
  }

  findAuthorizationRequestByPreAuthCode(code: string): Promise<AuthorizationRequestRow | undefined> {
    return this.db
      .selectFrom("authorization_requests")
      .selectAll()
      .where("pre_auth_code", "=", code)
      .executeTakeFirst();
  }

  async completeAuthorizationRequest(
    id: string,
    fields: { completedAt: number; authorizerAppId: string; authCodeDigest: string },
  ): Promise<void> {
    await this.db
      .updateTable("authorization_requests")
      .set({
        completed_at: fields.completedAt,
        authorizer_appid: fields.authorizerAppId,
        auth_code_digest: fields.authCodeDigest,
      })
      .where("id", "=", id)
      .execute();
  }

  /** Authorization requests created in [from, to). */
  async countAuthorizationRequests(from: number, to: number): Promise<number> {
    const row = await this.db
      .selectFrom("authorization_requests")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .where("created_at", ">=", from)
      .where("created_at", "<", to)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Platform accounts still authorized whose authorization ends before `until`. */
  listAuthorizationsEndingBefore(until: number): Promise<AccountRow[]> {
    return this.db
      .selectFrom("accounts")
      .selectAll()
      .where("connection", "=", "component")
      .where("authorization_state", "=", "authorized")
      .where("authorization_expires_at", "is not", null)
      .where("authorization_expires_at", "<=", until)
      .orderBy("authorization_expires_at")
      .execute();
  }

  /**
   * Records a notice unless one of its kind exists for the account's period (a unique index
   * settles races between processes).
   * @returns true when this call recorded it
   */
  async recordNotice(row: AuthorizationNoticeRow): Promise<boolean> {
    const result = await this.db
      .insertInto("authorization_notices")
      .values(row)
      .onConflict((oc) => oc.columns(["appid", "kind", "period_started_at"]).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  /**
   * Notices, newest first; of one account when `appId` is given, of these accounts only when
   * `appIds` is (a few a year per account: the list filters the walk by id).
   */
  listNotices(filter: {
    appId?: string | undefined;
    appIds?: readonly string[] | undefined;
    before?: string | undefined;
    limit: number;
  }) {
    let query = this.db.selectFrom("authorization_notices").selectAll();
    if (filter.appId !== undefined) query = query.where("appid", "=", filter.appId);
    if (filter.appIds !== undefined) {
      if (filter.appIds.length === 0) return Promise.resolve([]);
      query = query.where("appid", "in", filter.appIds);
    }
    if (filter.before !== undefined) query = query.where("id", "<", filter.before);
    return query.orderBy("id", "desc").limit(filter.limit).execute();
  }

  /** Successful resets of `month` (`YYYY-MM`). */
  async countQuotaResets(appId: string, month: string): Promise<number> {
    const row = await this.db
      .selectFrom("quota_resets")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .where("appid", "=", appId)
      .where("month", "=", month)
      .where("result", "=", "ok")
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Successful quota resets of a month, by account: one statement for a whole list. */
  async countQuotaResetsByAccount(month: string, appIds: readonly string[]): Promise<Map<string, number>> {
    if (appIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom("quota_resets")
      .select(["appid", (eb) => eb.fn.countAll<number | string>().as("n")])
      .where("month", "=", month)
      .where("result", "=", "ok")
      .where("appid", "in", appIds)
      .groupBy("appid")
      .execute();
    return new Map(rows.map((r) => [r.appid, Number(r.n)]));
  }

  async recordQuotaReset(row: Omit<QuotaResetRow, "id">): Promise<QuotaResetRow> {
    const full = { id: newId(row.at), ...row };
    await this.db.insertInto("quota_resets").values(full).execute();
    return full;
  }

  listQuotaResets(appId: string): Promise<QuotaResetRow[]> {
    return this.db
      .selectFrom("quota_resets")
      .selectAll()
      .where("appid", "=", appId)
      .orderBy("at", "desc")
      .orderBy("id", "desc")
      .execute();
  }

  listApiCalls(appId: string, filter: ApiCallFilter) {
    return this.apiCallsQuery(appId, filter).execute();
  }

  /**
   * A page of the call log, newest first, walking (appid, id), (appid, api, id) or
   * (appid, errcode, id) in page order and stopping after the page. The filtered columns lead
   * the order too (constant within the page, so the order is the same): only the matching
   * index gives it. Public for the tests that check its plan.
   */
  apiCallsQuery(appId: string, filter: ApiCallFilter) {
    let query = this.db
      .selectFrom("api_calls")
      .select(["id", "api", "method", "errcode", "ok", "error", "rid", "attempt", "latency_ms", "at"])
      .where("appid", "=", appId);
    if (filter.api !== undefined) query = query.where("api", "=", filter.api).orderBy("api", "desc");
    else if (filter.errcode !== undefined)
      query = query.where("errcode", "=", filter.errcode).orderBy("errcode", "desc");
    // With both filters the API's index is walked and the errcode checked on its rows.
    if (filter.api !== undefined && filter.errcode !== undefined)
      query = query.where("errcode", "=", filter.errcode);
    if (filter.before !== undefined) query = query.where("id", "<", filter.before);
    return query.orderBy("id", "desc").limit(filter.limit);
  }

  /**
   * Deletes every row of the account in this module's tables, in one transaction (its
   * authorization requests are detached from it instead; see below).
   * @returns rows deleted (detached) per table
   */
  async purge(appId: string): Promise<Record<string, number>> {
    const report = await this.db.transaction().execute(async (tx) => {
      const counts: Record<string, number> = {};
      const count = (result: { numDeletedRows: bigint }[]) =>
        result.reduce((sum, r) => sum + Number(r.numDeletedRows), 0);
      counts.api_calls = count(await tx.deleteFrom("api_calls").where("appid", "=", appId).execute());
      counts.quota_resets = count(await tx.deleteFrom("quota_resets").where("appid", "=", appId).execute());
      counts.authorization_notices = count(
        await tx.deleteFrom("authorization_notices").where("appid", "=", appId).execute(),
      );
      // Detached, not deleted: WeChat still counts them toward the month's authorization
      // requests, and so must the local limit. Nothing left in them names the account.
      const detached = await tx
        .updateTable("authorization_requests")
        .set({ authorizer_appid: null, biz_appid: null, auth_code_digest: null })
        .where((eb) => eb.or([eb("authorizer_appid", "=", appId), eb("biz_appid", "=", appId)]))
        .executeTakeFirst();
      counts.authorization_requests = Number(detached.numUpdatedRows);
      counts.accounts = count(await tx.deleteFrom("accounts").where("appid", "=", appId).execute());
      return counts;
    });
    this.changed(appId);
    return report;
  }
}
