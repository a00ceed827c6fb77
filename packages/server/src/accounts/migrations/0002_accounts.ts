import type { Kysely } from "kysely";
import type { PortableMigration } from "../../platform/store/migrations/portable.js";

/**
 * Connected accounts and what the module keeps for them: authorization requests, quota resets
 * and the outbound API call log (the step's token tables are the tokens module's part of it).
 * Secret columns hold SecretBox envelopes bound to their table, column and row.
 */
export const accounts: PortableMigration = {
  name: "0002_accounts",
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("accounts")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("appid", "text", (c) => c.notNull().unique())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("connection", "text", (c) => c.notNull())
      .addColumn("nickname", "text", (c) => c.notNull())
      .addColumn("original_id", "text")
      .addColumn("principal_name", "text")
      .addColumn("head_img", "text")
      .addColumn("service_type", "integer")
      .addColumn("verify_type", "integer")
      .addColumn("declared_verified", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("account_status", "integer")
      .addColumn("func_info", "text", (c) => c.notNull().defaultTo("[]"))
      .addColumn("authorization_state", "text", (c) => c.notNull())
      .addColumn("authorized_at", "bigint")
      .addColumn("unauthorized_at", "bigint")
      .addColumn("enabled", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("openid_mapping", "text")
      .addColumn("required_permission_sets", "text")
      .addColumn("app_secret", "text")
      .addColumn("refresh_token", "text")
      .addColumn("token_url", "text")
      .addColumn("token_header", "text")
      .addColumn("send_mode", "text")
      .addColumn("send_app_secret", "text")
      .addColumn("send_token_url", "text")
      .addColumn("send_token_header", "text")
      .addColumn("receipt_token", "text")
      .addColumn("receipt_aes_key", "text")
      .addColumn("receipt_mode", "text")
      .addColumn("last_token_error", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("authorization_requests")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("pre_auth_code", "text", (c) => c.notNull())
      .addColumn("auth_type", "integer")
      .addColumn("biz_appid", "text")
      .addColumn("created_by", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("expires_at", "bigint", (c) => c.notNull())
      .addColumn("completed_at", "bigint")
      .addColumn("authorizer_appid", "text")
      .addColumn("auth_code_digest", "text")
      .execute();
    await db.schema
      .createIndex("authorization_requests_pre_auth_code")
      .on("authorization_requests")
      .column("pre_auth_code")
      .execute();
    await db.schema
      .createIndex("authorization_requests_biz_appid")
      .on("authorization_requests")
      .column("biz_appid")
      .execute();

    await db.schema
      .createTable("quota_resets")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("appid", "text", (c) => c.notNull())
      .addColumn("month", "text", (c) => c.notNull())
      .addColumn("at", "bigint", (c) => c.notNull())
      .addColumn("by", "text", (c) => c.notNull())
      .addColumn("result", "text", (c) => c.notNull())
      .addColumn("errcode", "integer")
      .addColumn("rid", "text")
      .execute();
    await db.schema
      .createIndex("quota_resets_appid_at")
      .on("quota_resets")
      .columns(["appid", "at"])
      .execute();

    await db.schema
      .createTable("api_calls")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("appid", "text")
      .addColumn("api", "text", (c) => c.notNull())
      .addColumn("method", "text", (c) => c.notNull())
      .addColumn("errcode", "integer", (c) => c.notNull())
      .addColumn("ok", "integer", (c) => c.notNull())
      .addColumn("error", "text")
      .addColumn("rid", "text")
      .addColumn("attempt", "integer", (c) => c.notNull())
      .addColumn("latency_ms", "integer", (c) => c.notNull())
      .addColumn("at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("api_calls_appid_at").on("api_calls").columns(["appid", "at"]).execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ["api_calls", "quota_resets", "authorization_requests", "accounts"]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
