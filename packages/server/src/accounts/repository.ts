import type { Insertable, Kysely, Updateable } from "kysely";
import "./tables.js";
import "../platform/wechat.js";
import { newId } from "../platform/ids.js";
import type { SecretBox } from "../platform/secrets.js";
import type { Database } from "../platform/store/schema.js";
import type { AccountsTable, AuthorizationRequestsTable, QuotaResetsTable } from "./tables.js";

/** An account row as stored (secret columns still sealed). */
export type AccountRow = AccountsTable;
export type AccountPatch = Updateable<AccountsTable>;
export type AuthorizationRequestRow = AuthorizationRequestsTable;
export type QuotaResetRow = QuotaResetsTable;

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
    let query = this.db
      .selectFrom("api_calls")
      .select(["id", "api", "method", "errcode", "ok", "error", "rid", "attempt", "latency_ms", "at"])
      .where("appid", "=", appId);
    if (filter.errcode !== undefined) query = query.where("errcode", "=", filter.errcode);
    if (filter.api !== undefined) query = query.where("api", "=", filter.api);
    if (filter.before !== undefined) query = query.where("id", "<", filter.before);
    return query.orderBy("id", "desc").limit(filter.limit).execute();
  }

  /**
   * Deletes every row of the account in this module's tables, in one transaction.
   * @returns rows deleted per table
   */
  async purge(appId: string): Promise<Record<string, number>> {
    const report = await this.db.transaction().execute(async (tx) => {
      const counts: Record<string, number> = {};
      const count = (result: { numDeletedRows: bigint }[]) =>
        result.reduce((sum, r) => sum + Number(r.numDeletedRows), 0);
      counts.tokens = count(await tx.deleteFrom("tokens").where("appid", "=", appId).execute());
      counts.api_calls = count(await tx.deleteFrom("api_calls").where("appid", "=", appId).execute());
      counts.quota_resets = count(await tx.deleteFrom("quota_resets").where("appid", "=", appId).execute());
      counts.authorization_requests = count(
        await tx
          .deleteFrom("authorization_requests")
          .where((eb) => eb.or([eb("authorizer_appid", "=", appId), eb("biz_appid", "=", appId)]))
          .execute(),
      );
      counts.accounts = count(await tx.deleteFrom("accounts").where("appid", "=", appId).execute());
      return counts;
    });
    this.changed(appId);
    return report;
  }
}
