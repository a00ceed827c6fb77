// The materials module's table (created by migration 0021_materials).

/**
 * A record of one media or material of an account: uploaded through wxgate, or (permanent
 * ones) found by a sync of WeChat's list. WeChat keeps the file; this keeps what to show and
 * pick by media_id.
 */
export interface MaterialsTable {
  appid: string;
  media_id: string;
  /** `temporary` (3 days) or `permanent`. */
  kind: "temporary" | "permanent";
  /** image, voice, video, thumb or news. */
  type: "image" | "voice" | "video" | "thumb" | "news";
  /** The file name, a video's title or a news item's first title. */
  name: string;
  /** Bytes; 0 when unknown (synced items, news). */
  size: number;
  /** A permanent image's WeChat address. */
  url: string | null;
  /** News: JSON of the articles (title, thumb_media_id, digest, …). */
  articles: string | null;
  /** When WeChat took it (epoch ms; a synced item: its update_time). */
  created_at: number;
  /** Temporary media: created_at + 3 days; null for permanent. */
  expires_at: number | null;
}

declare module "../platform/store/schema.js" {
  interface Database {
    materials: MaterialsTable;
  }
}
