import type { StoredToken, TicketStore, TokenStore } from "@wxgate/wechat";
import type { Kysely } from "kysely";
import "./tables.js";
import type { Clock } from "../platform/ports.js";
import type { SecretBox } from "../platform/secrets.js";
import type { Database } from "../platform/store/schema.js";

/** The account (or platform) a credential key belongs to: its last `:`-separated part. */
export function appIdOfKey(key: string): string {
  return key.slice(key.lastIndexOf(":") + 1);
}

/** A stored token's key and expiry, without its value. */
export interface ExpiringToken {
  key: string;
  /** The account (or platform) it belongs to. */
  appId: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

interface CacheEntry {
  token: StoredToken | undefined;
  loadedAt: number;
}

/**
 * The SDK's {@link TokenStore} over the `tokens` table, values encrypted. Reads are served
 * from memory (decrypted once) and written through, so the token endpoint costs no query;
 * `cacheTtlMs` bounds how long another process's refresh can go unseen.
 */
export class SqlTokenStore implements TokenStore {
  readonly #cache = new Map<string, CacheEntry>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
    private readonly cacheTtlMs = 5_000,
  ) {}

  async get(key: string): Promise<StoredToken | undefined> {
    const cached = this.#cache.get(key);
    const now = this.clock.now();
    if (cached && now - cached.loadedAt < this.cacheTtlMs) return cached.token && { ...cached.token };
    const row = await this.db
      .selectFrom("tokens")
      .select(["value", "expires_at"])
      .where("key", "=", key)
      .executeTakeFirst();
    const token = row
      ? { value: this.secrets.open(row.value, context(key)), expiresAt: row.expires_at }
      : undefined;
    this.#cache.set(key, { token, loadedAt: now });
    return token && { ...token };
  }

  async set(key: string, token: StoredToken): Promise<void> {
    const now = this.clock.now();
    const value = this.secrets.seal(token.value, context(key));
    await this.db
      .insertInto("tokens")
      .values({ key, appid: appIdOfKey(key), value, expires_at: token.expiresAt, updated_at: now })
      .onConflict((oc) =>
        oc.column("key").doUpdateSet({ value, expires_at: token.expiresAt, updated_at: now }),
      )
      .execute();
    this.#cache.set(key, { token: { value: token.value, expiresAt: token.expiresAt }, loadedAt: now });
  }

  async delete(key: string): Promise<void> {
    await this.db.deleteFrom("tokens").where("key", "=", key).execute();
    this.#cache.set(key, { token: undefined, loadedAt: this.clock.now() });
  }

  /**
   * The tokens that expire at or before `time`, already expired ones included, soonest first:
   * keys and expiries only, nothing is decrypted.
   */
  async expiringBy(time: number): Promise<ExpiringToken[]> {
    const rows = await this.db
      .selectFrom("tokens")
      .select(["key", "appid", "expires_at"])
      .where("expires_at", "<=", time)
      .orderBy("expires_at")
      .execute();
    return rows.map((row) => ({ key: row.key, appId: row.appid, expiresAt: row.expires_at }));
  }

  /** Drops every token of `appId` (de-authorization, deletion). */
  async deleteForAccount(appId: string): Promise<number> {
    const result = await this.db.deleteFrom("tokens").where("appid", "=", appId).executeTakeFirst();
    for (const key of [...this.#cache.keys()]) if (appIdOfKey(key) === appId) this.#cache.delete(key);
    return Number(result.numDeletedRows);
  }
}

function context(key: string): string {
  return `tokens.value:${key}`;
}

/** The SDK's {@link TicketStore} over `component_state`, the ticket encrypted. */
export class SqlTicketStore implements TicketStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
  ) {}

  async getTicket(componentAppId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom("component_state")
      .select("ticket")
      .where("component_appid", "=", componentAppId)
      .executeTakeFirst();
    return row?.ticket ? this.secrets.open(row.ticket, ticketContext(componentAppId)) : undefined;
  }

  async setTicket(componentAppId: string, ticket: string): Promise<void> {
    const now = this.clock.now();
    const sealed = this.secrets.seal(ticket, ticketContext(componentAppId));
    await this.db
      .insertInto("component_state")
      .values({ component_appid: componentAppId, ticket: sealed, ticket_received_at: now, updated_at: now })
      .onConflict((oc) =>
        oc
          .column("component_appid")
          .doUpdateSet({ ticket: sealed, ticket_received_at: now, updated_at: now }),
      )
      .execute();
  }

  /** When the latest ticket arrived, if any. */
  async receivedAt(componentAppId: string): Promise<number | undefined> {
    const row = await this.db
      .selectFrom("component_state")
      .select("ticket_received_at")
      .where("component_appid", "=", componentAppId)
      .executeTakeFirst();
    return row?.ticket_received_at ?? undefined;
  }
}

function ticketContext(componentAppId: string): string {
  return `component_state.ticket:${componentAppId}`;
}
