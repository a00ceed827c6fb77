// The followers module's tables (created by migration 0017_followers).

/**
 * One follower of one account as wxgate last saw it: from the sync (user/get + batchget) and,
 * between syncs, from the pushes (follows, unfollows, messages, menu clicks, scans).
 */
export interface FollowersTable {
  appid: string;
  openid: string;
  unionid: string | null;
  /** Not returned by WeChat since 2021; kept for accounts whose profiles come from elsewhere. */
  nickname: string | null;
  remark: string;
  /** 0 unknown, 1 male, 2 female (WeChat no longer returns it: usually 0). */
  sex: number;
  city: string | null;
  province: string | null;
  country: string | null;
  language: string | null;
  /** 1 following, 0 not (an unfollow push or a sync that no longer lists them). */
  subscribed: number;
  /** Epoch ms of the latest follow. */
  subscribe_time: number | null;
  /** ADD_SCENE_QR_CODE, ADD_SCENE_SEARCH, …; null when unknown. */
  subscribe_scene: string | null;
  /** The QR scene (qr_scene or qr_scene_str) the follow came from; null otherwise. */
  qr_scene: string | null;
  /** JSON array of tag ids, as WeChat's tagid_list (the memberships table indexes them). */
  tagids: string;
  last_message_at: number | null;
  last_menu_click_at: number | null;
  last_follow_at: number | null;
  last_scan_at: number | null;
  /** The latest of the four: the "active since" filter reads it. */
  last_active_at: number | null;
  /** The sync run that last listed this follower (null: known only from pushes). */
  sync_run: string | null;
  updated_at: number;
}

/** An account's tags (WeChat's own 0–2 included), as tags/get and the edits left them. */
export interface FollowerTagsTable {
  appid: string;
  tag_id: number;
  name: string;
  /** Followers carrying it according to WeChat at the last sync (edits adjust it). */
  count: number;
  updated_at: number;
}

/** Which follower carries which tag: the index behind the tag filter and `tagIdsOf`. */
export interface FollowerTagMembersTable {
  appid: string;
  tag_id: number;
  openid: string;
}

/**
 * An account's follower sync: one row per account, holding the run's cursor so a restarted
 * server resumes from the last committed page. The job only wakes the work; this row is the truth.
 */
export interface FollowerSyncsTable {
  appid: string;
  run_id: string;
  /** `running`, `done` or `failed`. */
  state: string;
  /** user/get's next_openid after the last committed page ("" before the first). */
  next_openid: string;
  /** Pages committed in this run. */
  pages: number;
  /** Followers written in this run. */
  done: number;
  /** user/get's total at the last page. */
  total: number;
  started_at: number;
  updated_at: number;
  finished_at: number | null;
  last_error: string | null;
  /** Who started it (user id), null for an API key without a user. */
  started_by: string | null;
}

declare module "../platform/store/schema.js" {
  interface Database {
    followers: FollowersTable;
    follower_tags: FollowerTagsTable;
    follower_tag_members: FollowerTagMembersTable;
    follower_syncs: FollowerSyncsTable;
  }
}
