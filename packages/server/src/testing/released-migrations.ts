import { type Kysely, sql } from "kysely";
import type { PortableMigration } from "../platform/store/migrations/portable.js";

/**
 * The steps that created several modules' tables in one file, as they were released, before
 * each module wrote its own part of them: a database made by an earlier version ran these very
 * statements. Frozen here, never to be edited, so the upgrade tests build such a database and
 * compare its schema with the one the modules' parts make (`src/migrations.contract.test.ts`).
 * The other released steps belonged to one module each and moved to its folder unchanged.
 */

/**
 * The foundation: admin users and their sessions, API keys, the durable job queue,
 * settings. Portable types only (see ../schema.ts) so the same text runs on SQLite and PostgreSQL.
 */
const releasedFoundation: PortableMigration = {
  name: "0001_foundation",
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("users")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("username", "text", (c) => c.notNull().unique())
      .addColumn("password_hash", "text", (c) => c.notNull())
      .addColumn("failed_logins", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("locked_until", "bigint")
      .addColumn("last_login_at", "bigint")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("sessions")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("csrf_token", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("expires_at", "bigint", (c) => c.notNull())
      .addColumn("last_seen_at", "bigint", (c) => c.notNull())
      .addColumn("ip", "text")
      .addColumn("user_agent", "text")
      .execute();
    await db.schema.createIndex("sessions_user_id").on("sessions").column("user_id").execute();
    await db.schema.createIndex("sessions_expires_at").on("sessions").column("expires_at").execute();

    await db.schema
      .createTable("api_keys")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("prefix", "text", (c) => c.notNull())
      .addColumn("key_hash", "text", (c) => c.notNull().unique())
      .addColumn("scopes", "text", (c) => c.notNull())
      .addColumn("created_by", "text", (c) => c.references("users.id").onDelete("set null"))
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("last_used_at", "bigint")
      .addColumn("revoked_at", "bigint")
      .execute();

    await db.schema
      .createTable("jobs")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("queue", "text", (c) => c.notNull())
      .addColumn("payload", "text", (c) => c.notNull())
      .addColumn("run_at", "bigint", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("max_attempts", "integer", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("locked_until", "bigint")
      .addColumn("last_error", "text")
      .addColumn("dedupe_key", "text", (c) => c.unique())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("jobs_due").on("jobs").columns(["status", "run_at"]).execute();

    await db.schema
      .createTable("settings")
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("value", "text", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ["settings", "jobs", "api_keys", "sessions", "users"]) {
      await db.schema.dropTable(table).execute();
    }
  },
};

/**
 * Connected accounts and everything wxgate keeps for them: tokens, the third-party platform's
 * ticket, authorization requests, quota resets and the outbound API call log. Secret columns
 * hold SecretBox envelopes bound to their table, column and row.
 */
const releasedAccounts: PortableMigration = {
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
      .createTable("tokens")
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("appid", "text", (c) => c.notNull())
      .addColumn("value", "text", (c) => c.notNull())
      .addColumn("expires_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("tokens_appid").on("tokens").column("appid").execute();

    await db.schema
      .createTable("component_state")
      .addColumn("component_appid", "text", (c) => c.primaryKey())
      .addColumn("ticket", "text")
      .addColumn("ticket_received_at", "bigint")
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
    for (const table of [
      "api_calls",
      "quota_resets",
      "authorization_requests",
      "component_state",
      "tokens",
      "accounts",
    ]) {
      await db.schema.dropTable(table).execute();
    }
  },
};

/**
 * The callback gateway's tables: every push received (`events`), the company's webhooks and
 * one row per delivery of an event to a webhook (`webhook_deliveries`), so that delivery state
 * lives in the store and not only in the queue.
 */
const releasedCallbacks: PortableMigration = {
  name: "0004_callbacks",
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("events")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("app_id", "text", (c) => c.notNull())
      .addColumn("dedupe_key", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("msg_type", "text")
      .addColumn("event", "text")
      .addColumn("from_openid", "text")
      .addColumn("create_time", "bigint")
      .addColumn("received_at", "bigint", (c) => c.notNull())
      .addColumn("mode", "text", (c) => c.notNull())
      .addColumn("query", "text", (c) => c.notNull())
      .addColumn("body", "text", (c) => c.notNull())
      .addColumn("plaintext_xml", "text", (c) => c.notNull())
      .addColumn("timestamp", "text", (c) => c.notNull())
      .addColumn("nonce", "text", (c) => c.notNull())
      .addColumn("signature", "text", (c) => c.notNull())
      .addColumn("body_hash", "text", (c) => c.notNull())
      .addColumn("reply_xml", "text")
      .addColumn("response_body", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("fanout", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("events_app_dedupe")
      .on("events")
      .columns(["app_id", "dedupe_key"])
      .unique()
      .execute();
    await db.schema
      .createIndex("events_app_received")
      .on("events")
      .columns(["app_id", "received_at"])
      .execute();
    // Partial: only the few events still waiting for their fan-out are indexed.
    await db.schema
      .createIndex("events_fanout_pending")
      .on("events")
      .column("received_at")
      .where(sql.ref("fanout"), "=", "pending")
      .execute();

    await db.schema
      .createTable("webhooks")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("url", "text", (c) => c.notNull())
      .addColumn("events", "text", (c) => c.notNull())
      .addColumn("accounts", "text", (c) => c.notNull())
      .addColumn("secret", "text", (c) => c.notNull())
      .addColumn("forward_original", "integer", (c) => c.notNull())
      .addColumn("reply", "integer", (c) => c.notNull())
      .addColumn("enabled", "integer", (c) => c.notNull())
      .addColumn("max_attempts", "integer", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("webhook_deliveries")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("webhook_id", "text", (c) => c.notNull().references("webhooks.id").onDelete("cascade"))
      .addColumn("event_id", "text", (c) => c.notNull())
      .addColumn("app_id", "text", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull())
      .addColumn("last_status_code", "integer")
      .addColumn("last_error", "text")
      .addColumn("last_attempt_at", "bigint")
      .addColumn("delivered_at", "bigint")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("webhook_deliveries_once")
      .on("webhook_deliveries")
      .columns(["webhook_id", "event_id"])
      .unique()
      .execute();
    await db.schema.createIndex("webhook_deliveries_app").on("webhook_deliveries").column("app_id").execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ["webhook_deliveries", "webhooks", "events"]) {
      await db.schema.dropTable(table).execute();
    }
  },
};

/**
 * One spelling of the account column: `appid`, as in accounts, tokens, quota_resets,
 * authorization_notices and api_calls. Renamed in place on both engines, so the rows, the
 * indexes over the column (the events' keyset pages, the deliveries' account index) and their
 * names stay as they were.
 */
const releasedAccountColumn: PortableMigration = {
  name: "0011_account_column",
  async up(db) {
    for (const table of ["events", "webhook_deliveries"]) {
      await db.schema.alterTable(table).renameColumn("app_id", "appid").execute();
    }
  },
  async down(db) {
    for (const table of ["events", "webhook_deliveries"]) {
      await db.schema.alterTable(table).renameColumn("appid", "app_id").execute();
    }
  },
};

/** The four steps as released, in name order. */
export const releasedCombinedSteps: readonly PortableMigration[] = [
  releasedFoundation,
  releasedAccounts,
  releasedCallbacks,
  releasedAccountColumn,
];
