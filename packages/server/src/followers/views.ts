import { z } from "zod";
import type { SyncProgress } from "./sync.js";
import type { FollowersTable, FollowerTagsTable } from "./tables.js";

export const followerView = z.object({
  openId: z.string(),
  unionId: z.string().nullable(),
  nickname: z.string().nullable(),
  remark: z.string(),
  sex: z.number().int().describe("0 unknown, 1 male, 2 female (WeChat no longer returns it)."),
  city: z.string().nullable(),
  province: z.string().nullable(),
  country: z.string().nullable(),
  language: z.string().nullable(),
  subscribed: z.boolean(),
  subscribeTime: z.number().int().nullable().describe("Epoch ms of the latest follow."),
  subscribeScene: z.string().nullable().describe("WeChat's source: ADD_SCENE_QR_CODE, ADD_SCENE_SEARCH, …"),
  qrScene: z.string().nullable().describe("The parametric QR code's scene the follow came from."),
  tagIds: z.array(z.number().int()),
  lastInteraction: z
    .object({
      message: z.number().int().nullable(),
      menuClick: z.number().int().nullable(),
      follow: z.number().int().nullable(),
      scan: z.number().int().nullable(),
    })
    .describe("Epoch ms of the latest push of each kind, from the callback stream."),
  lastActiveAt: z.number().int().nullable(),
  updatedAt: z.number().int(),
});
export type FollowerView = z.infer<typeof followerView>;

export function toFollowerView(row: FollowersTable): FollowerView {
  return {
    openId: row.openid,
    unionId: row.unionid,
    nickname: row.nickname,
    remark: row.remark,
    sex: row.sex,
    city: row.city,
    province: row.province,
    country: row.country,
    language: row.language,
    subscribed: row.subscribed === 1,
    subscribeTime: row.subscribe_time,
    subscribeScene: row.subscribe_scene,
    qrScene: row.qr_scene,
    tagIds: JSON.parse(row.tagids) as number[],
    lastInteraction: {
      message: row.last_message_at,
      menuClick: row.last_menu_click_at,
      follow: row.last_follow_at,
      scan: row.last_scan_at,
    },
    lastActiveAt: row.last_active_at,
    updatedAt: row.updated_at,
  };
}

export const tagView = z.object({
  id: z.number().int(),
  name: z.string(),
  count: z
    .number()
    .int()
    .describe("Followers carrying it (WeChat's count at the last sync, adjusted by edits)."),
  system: z.boolean().describe("One of WeChat's own tags (ids 0–2): not editable."),
});
export type TagView = z.infer<typeof tagView>;

export function toTagView(row: FollowerTagsTable): TagView {
  return { id: row.tag_id, name: row.name, count: row.count, system: row.tag_id < 100 };
}

export const syncView = z.object({
  state: z.enum(["idle", "running", "done", "failed"]),
  runId: z.string().nullable(),
  done: z.number().int().describe("Followers written by this run."),
  total: z.number().int().describe("WeChat's follower count (user/get's total)."),
  pages: z.number().int().describe("user/get pages committed."),
  startedAt: z.number().int().nullable(),
  updatedAt: z.number().int().nullable(),
  finishedAt: z.number().int().nullable(),
  rate: z.number().nullable().describe("Followers per second since the run started."),
  etaSeconds: z.number().nullable().describe("Seconds left at that rate."),
  lastError: z.string().nullable(),
});

export function toSyncView(progress: SyncProgress): z.infer<typeof syncView> {
  return progress;
}
