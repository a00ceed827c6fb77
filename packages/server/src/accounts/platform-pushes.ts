import type { Kysely } from "kysely";
import type { Database } from "../platform/store/schema.js";

/** One accepted platform push, by its (timestamp, nonce). */
export interface PlatformPushesTable {
  timestamp: string;
  nonce: string;
  /** SHA-256 (hex) of the push's plaintext XML. */
  content_hash: string;
  received_at: number;
}

declare module "../platform/store/schema.js" {
  interface Database {
    platform_pushes: PlatformPushesTable;
  }
}

/** What {@link PlatformPushes.claim} found. */
export type PlatformPushClaim = "new" | "repeat" | "conflict";

/**
 * The ledger of platform pushes accepted on the authorization-event URL. WeChat's `signature`
 * covers only the Token, timestamp and nonce, and whoever saw a genuine push could send its
 * three values again: with the same body (a replay of, say, an `unauthorized` event after the
 * account was authorized again), or another one. The first content to arrive under a pair
 * owns it for the replay window; the ledger is in the store so a restart forgets nothing.
 * Platform pushes are few (a ticket every ten minutes, authorization events), so one small
 * write each costs nothing.
 */
export class PlatformPushes {
  constructor(
    private readonly db: Kysely<Database>,
    /** How long a pair is kept: at least twice the replay window. */
    private readonly keepMs: number,
  ) {}

  async claim(
    timestamp: string,
    nonce: string,
    contentHash: string,
    now: number,
  ): Promise<PlatformPushClaim> {
    await this.db
      .deleteFrom("platform_pushes")
      .where("received_at", "<", now - this.keepMs)
      .execute();
    const inserted = await this.db
      .insertInto("platform_pushes")
      .values({ timestamp, nonce, content_hash: contentHash, received_at: now })
      .onConflict((oc) => oc.columns(["timestamp", "nonce"]).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return "new";
    const held = await this.db
      .selectFrom("platform_pushes")
      .select("content_hash")
      .where("timestamp", "=", timestamp)
      .where("nonce", "=", nonce)
      .executeTakeFirst();
    return held?.content_hash === contentHash ? "repeat" : "conflict";
  }

  /** Forgets a claim whose push could not be applied, so WeChat's retry is applied in full. */
  async release(timestamp: string, nonce: string): Promise<void> {
    await this.db
      .deleteFrom("platform_pushes")
      .where("timestamp", "=", timestamp)
      .where("nonce", "=", nonce)
      .execute();
  }
}
