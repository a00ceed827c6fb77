import { createOfficialAccountApi, followerLimits, utf8ByteLength } from "@wxgate/wechat";
import type { AccountClients } from "../accounts/index.js";
import { errors } from "../platform/errors.js";
import type { Clock } from "../platform/ports.js";
import { refuse } from "./errors.js";
import type { FollowerCursor, FollowerFilter, FollowersRepository } from "./repository.js";
import type { FollowersTable, FollowerTagsTable } from "./tables.js";
import type { FollowerTagsRepository } from "./tag-repository.js";

/** The last interaction per kind (epoch ms; null when never seen), as the pushes told it. */
export interface LastInteraction {
  message: number | null;
  menuClick: number | null;
  follow: number | null;
  scan: number | null;
}

/** What other modules ask about a follower (customer-service routing, campaigns). */
export interface FollowerLookup {
  tagIdsOf(appid: string, openid: string): Promise<readonly number[]>;
  /** undefined for a follower wxgate has never seen. */
  lastInteractionOf(appid: string, openid: string): Promise<LastInteraction | undefined>;
  /**
   * The last interactions of many followers at once (a page of a campaign's audience): one
   * query per thousand OpenIDs; followers wxgate has never seen are absent from the map.
   */
  lastInteractionsOf(appid: string, openids: readonly string[]): Promise<Map<string, LastInteraction>>;
  /**
   * Current followers' OpenIDs a page at a time (campaign audiences): all, a tag's, or those
   * active since a time; pass `next` back as `cursor`. Each page is one index range scan.
   */
  openIdsPage(
    appid: string,
    filter: { tagId?: number; activeSince?: number },
    cursor: string | undefined,
    limit: number,
  ): Promise<{ openIds: string[]; next: string | null }>;
}

/** Opaque page cursors: base64url of the last row's keys. */
export function encodeCursor(cursor: FollowerCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

export function decodeCursor(text: string): FollowerCursor {
  try {
    const value = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as unknown;
    if (typeof value === "object" && value !== null && typeof (value as FollowerCursor).openid === "string") {
      const { openid, activeAt } = value as FollowerCursor;
      return typeof activeAt === "number" ? { openid, activeAt } : { openid };
    }
  } catch {
    // fall through to the refusal
  }
  throw errors.validation("the cursor is not one this API gave", { reason: "bad_cursor" });
}

/** Followers, remarks and tags: every WeChat rule checked here first, then WeChat is asked. */
export class FollowersService implements FollowerLookup {
  constructor(
    private readonly deps: {
      repository: FollowersRepository;
      tags: FollowerTagsRepository;
      clients: AccountClients;
      clock: Clock;
    },
  ) {}

  private async api(appid: string) {
    return createOfficialAccountApi(await this.deps.clients.clientFor(appid));
  }

  async list(appid: string, filter: FollowerFilter, cursor: string | undefined, limit: number) {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const rows = await this.deps.repository.list(appid, filter, after, limit + 1);
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    const next =
      rows.length > limit && last
        ? encodeCursor(
            filter.activeSince !== undefined
              ? { openid: last.openid, activeAt: last.last_active_at ?? 0 }
              : { openid: last.openid },
          )
        : null;
    return { items, next };
  }

  async follower(appid: string, openid: string): Promise<FollowersTable> {
    const row = await this.deps.repository.follower(appid, openid);
    if (!row)
      throw refuse("follower_not_found", `no follower ${openid} is known for this account; sync first`);
    return row;
  }

  async setRemark(appid: string, openid: string, remark: string): Promise<FollowersTable> {
    if ([...remark].length > followerLimits.remarkMaxChars) {
      throw refuse("remark_too_long", `a remark has at most ${followerLimits.remarkMaxChars} characters`, {
        limit: followerLimits.remarkMaxChars,
      });
    }
    const row = await this.follower(appid, openid);
    if (row.subscribed !== 1) throw refuse("not_following", `${openid} is not following the account`);
    await (await this.api(appid)).user.updateRemark(openid, remark);
    await this.deps.repository.setRemark(appid, openid, remark, this.deps.clock.now());
    return this.follower(appid, openid);
  }

  tags(appid: string): Promise<FollowerTagsTable[]> {
    return this.deps.tags.tags(appid);
  }

  private checkName(tags: readonly FollowerTagsTable[], name: string, except?: number): void {
    if (name.trim() === "") throw refuse("tag_name_invalid", "a tag needs a name");
    if (utf8ByteLength(name) > followerLimits.tagNameBytes) {
      throw refuse(
        "tag_name_too_long",
        `a tag name has at most ${followerLimits.tagNameBytes} bytes of UTF-8`,
        {
          limit: followerLimits.tagNameBytes,
        },
      );
    }
    if (tags.some((t) => t.name === name && t.tag_id !== except)) {
      throw refuse("tag_name_invalid", `another tag is called ${name}`, { taken: true });
    }
  }

  private async ownTag(
    appid: string,
    tagId: number,
  ): Promise<{ tag: FollowerTagsTable; tags: FollowerTagsTable[] }> {
    const tags = await this.deps.tags.tags(appid);
    const tag = tags.find((t) => t.tag_id === tagId);
    if (!tag) throw refuse("tag_not_found", `no tag ${tagId}`);
    if (tagId < followerLimits.firstOwnTagId)
      throw refuse("system_tag", `tag ${tagId} is one of WeChat's own`);
    return { tag, tags };
  }

  async createTag(appid: string, name: string): Promise<FollowerTagsTable> {
    const tags = await this.deps.tags.tags(appid);
    this.checkName(tags, name);
    const own = tags.filter((t) => t.tag_id >= followerLimits.firstOwnTagId).length;
    if (own >= followerLimits.tagsPerAccount) {
      throw refuse("tag_limit", `an account has at most ${followerLimits.tagsPerAccount} tags of its own`, {
        limit: followerLimits.tagsPerAccount,
      });
    }
    const created = await (await this.api(appid)).tags.create(name);
    await this.deps.tags.saveTag(appid, created.tag, this.deps.clock.now());
    return (await this.deps.tags.tags(appid)).find((t) => t.tag_id === created.tag.id)!;
  }

  async renameTag(appid: string, tagId: number, name: string): Promise<FollowerTagsTable> {
    const { tags } = await this.ownTag(appid, tagId);
    this.checkName(tags, name, tagId);
    await (await this.api(appid)).tags.update(tagId, name);
    await this.deps.tags.saveTag(appid, { id: tagId, name }, this.deps.clock.now());
    return (await this.ownTag(appid, tagId)).tag;
  }

  async deleteTag(appid: string, tagId: number): Promise<void> {
    await this.ownTag(appid, tagId);
    await (await this.api(appid)).tags.delete(tagId);
    await this.deps.tags.deleteTag(appid, tagId, this.deps.clock.now());
  }

  /**
   * Tags or untags followers: every OpenID must be a known follower, and (tagging) none may
   * pass 20 tags; then WeChat is called 50 OpenIDs at a time, each accepted batch recorded at
   * once, so a failure part-way leaves wxgate agreeing with WeChat on the batches before it.
   */
  async tagFollowers(appid: string, tagId: number, openids: readonly string[], tagging: boolean) {
    await this.ownTag(appid, tagId);
    const unique = [...new Set(openids)];
    const following = await this.deps.repository.following(appid, unique);
    const unknown = unique.filter((o) => !following.has(o));
    if (unknown.length > 0) {
      throw refuse("follower_not_found", `${unknown.length} of the OpenIDs are not followers wxgate knows`, {
        openIds: unknown.slice(0, 20),
      });
    }
    if (tagging) {
      const counts = await this.deps.tags.tagCounts(appid, unique, tagId);
      const full = unique.filter((o) => (counts.get(o) ?? 0) >= followerLimits.tagsPerFollower);
      if (full.length > 0) {
        throw refuse(
          "follower_tag_limit",
          `a follower carries at most ${followerLimits.tagsPerFollower} tags`,
          {
            limit: followerLimits.tagsPerFollower,
            openIds: full.slice(0, 20),
          },
        );
      }
    }
    const tags = (await this.api(appid)).tags;
    let calls = 0;
    for (let i = 0; i < unique.length; i += followerLimits.openIdsPerTagCall) {
      const batch = unique.slice(i, i + followerLimits.openIdsPerTagCall);
      if (tagging) await tags.tagUsers(tagId, batch);
      else await tags.untagUsers(tagId, batch);
      calls++;
      await this.deps.tags.applyTagging(appid, tagId, batch, tagging, this.deps.clock.now());
    }
    return { followers: unique.length, calls };
  }

  // --- the named service ------------------------------------------------------------------

  tagIdsOf(appid: string, openid: string): Promise<readonly number[]> {
    return this.deps.tags.tagIdsOf(appid, openid);
  }

  async openIdsPage(
    appid: string,
    filter: { tagId?: number; activeSince?: number },
    cursor: string | undefined,
    limit: number,
  ): Promise<{ openIds: string[]; next: string | null }> {
    const page = await this.list(appid, { ...filter, subscribed: true }, cursor, limit);
    return { openIds: page.items.map((row) => row.openid), next: page.next };
  }

  async lastInteractionOf(appid: string, openid: string): Promise<LastInteraction | undefined> {
    const row = await this.deps.repository.follower(appid, openid);
    return row ? interactionOf(row) : undefined;
  }

  async lastInteractionsOf(appid: string, openids: readonly string[]): Promise<Map<string, LastInteraction>> {
    const rows = await this.deps.repository.interactions(appid, openids);
    return new Map(rows.map((row) => [row.openid, interactionOf(row)]));
  }
}

function interactionOf(
  row: Pick<FollowersTable, "last_message_at" | "last_menu_click_at" | "last_follow_at" | "last_scan_at">,
): LastInteraction {
  return {
    message: row.last_message_at,
    menuClick: row.last_menu_click_at,
    follow: row.last_follow_at,
    scan: row.last_scan_at,
  };
}
