import type { Kysely } from "kysely";
import { sql } from "kysely";
import type { Database } from "../platform/store/schema.js";
import { chunks, IDS_PER_STATEMENT } from "./repository.js";
import type { FollowerTagsTable } from "./tables.js";

/** Rewrites the followers' `tagids` from their memberships (after tagging, untagging, deleting a tag). */
async function refreshTagLists(
  trx: Kysely<Database>,
  appid: string,
  openids: readonly string[],
  now: number,
): Promise<void> {
  if (openids.length === 0) return;
  const rows = await trx
    .selectFrom("follower_tag_members")
    .select(["openid", "tag_id"])
    .where("appid", "=", appid)
    .where("openid", "in", openids)
    .execute();
  const lists = new Map<string, number[]>(openids.map((o) => [o, []]));
  for (const row of rows) lists.get(row.openid)?.push(row.tag_id);
  for (const [openid, ids] of lists) {
    await trx
      .updateTable("followers")
      .set({ tagids: JSON.stringify(ids.sort((a, b) => a - b)), updated_at: now })
      .where("appid", "=", appid)
      .where("openid", "=", openid)
      .execute();
  }
}

/** The account's tags and who carries them (the followers module's tag tables, and `tagids`). */
export class FollowerTagsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Replaces the account's tags with WeChat's list (memberships of deleted tags go with them). */
  async replaceTags(
    appid: string,
    tags: readonly { id: number; name: string; count: number }[],
    now: number,
  ) {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom("follower_tags").where("appid", "=", appid).execute();
      if (tags.length > 0) {
        await trx
          .insertInto("follower_tags")
          .values(tags.map((t) => ({ appid, tag_id: t.id, name: t.name, count: t.count, updated_at: now })))
          .execute();
      }
      const ids = tags.map((t) => t.id);
      let gone = trx.deleteFrom("follower_tag_members").where("appid", "=", appid);
      if (ids.length > 0) gone = gone.where("tag_id", "not in", ids);
      await gone.execute();
    });
  }

  async tagIdsOf(appid: string, openid: string): Promise<number[]> {
    const rows = await this.db
      .selectFrom("follower_tag_members")
      .select("tag_id")
      .where("appid", "=", appid)
      .where("openid", "=", openid)
      .orderBy("tag_id")
      .execute();
    return rows.map((r) => r.tag_id);
  }

  // --- tags -------------------------------------------------------------------------------

  tags(appid: string): Promise<FollowerTagsTable[]> {
    return this.db
      .selectFrom("follower_tags")
      .selectAll()
      .where("appid", "=", appid)
      .orderBy("tag_id")
      .execute();
  }

  async saveTag(appid: string, tag: { id: number; name: string }, now: number): Promise<void> {
    await this.db
      .insertInto("follower_tags")
      .values({ appid, tag_id: tag.id, name: tag.name, count: 0, updated_at: now })
      .onConflict((oc) => oc.columns(["appid", "tag_id"]).doUpdateSet({ name: tag.name, updated_at: now }))
      .execute();
  }

  /** Deletes a tag; its followers' tag lists lose it (WeChat refuses tags of over 100,000). */
  async deleteTag(appid: string, tagId: number, now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const members = await trx
        .selectFrom("follower_tag_members")
        .select("openid")
        .where("appid", "=", appid)
        .where("tag_id", "=", tagId)
        .execute();
      await trx.deleteFrom("follower_tags").where("appid", "=", appid).where("tag_id", "=", tagId).execute();
      await trx
        .deleteFrom("follower_tag_members")
        .where("appid", "=", appid)
        .where("tag_id", "=", tagId)
        .execute();
      for (const part of chunks(members, IDS_PER_STATEMENT)) {
        await refreshTagLists(
          trx,
          appid,
          part.map((m) => m.openid),
          now,
        );
      }
    });
  }

  /** How many tags each of `openids` carries (for WeChat's 20-per-follower rule). */
  async tagCounts(
    appid: string,
    openids: readonly string[],
    exceptTag: number,
  ): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const part of chunks(openids, IDS_PER_STATEMENT)) {
      const rows = await this.db
        .selectFrom("follower_tag_members")
        .select(["openid", (eb) => eb.fn.countAll<number>().as("n")])
        .where("appid", "=", appid)
        .where("tag_id", "<>", exceptTag)
        .where("openid", "in", part)
        .groupBy("openid")
        .execute();
      for (const row of rows) counts.set(row.openid, Number(row.n));
    }
    return counts;
  }

  /** Records what WeChat accepted for one batch: memberships, the followers' tag lists, the count. */
  async applyTagging(
    appid: string,
    tagId: number,
    openids: readonly string[],
    tagging: boolean,
    now: number,
  ) {
    await this.db.transaction().execute(async (trx) => {
      const existing = await trx
        .selectFrom("follower_tag_members")
        .select("openid")
        .where("appid", "=", appid)
        .where("tag_id", "=", tagId)
        .where("openid", "in", openids)
        .execute();
      const had = new Set(existing.map((r) => r.openid));
      const changed = openids.filter((o) => had.has(o) !== tagging);
      if (changed.length === 0) return;
      if (tagging) {
        await trx
          .insertInto("follower_tag_members")
          .values(changed.map((openid) => ({ appid, tag_id: tagId, openid })))
          .execute();
      } else {
        await trx
          .deleteFrom("follower_tag_members")
          .where("appid", "=", appid)
          .where("tag_id", "=", tagId)
          .where("openid", "in", changed)
          .execute();
      }
      await refreshTagLists(trx, appid, changed, now);
      const delta = tagging ? changed.length : -changed.length;
      await trx
        .updateTable("follower_tags")
        .set({ count: sql<number>`count + ${delta}`, updated_at: now })
        .where("appid", "=", appid)
        .where("tag_id", "=", tagId)
        .execute();
    });
  }
}
