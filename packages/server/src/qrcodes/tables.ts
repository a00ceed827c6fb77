// The qrcodes module's tables (created by its migration 0020_qrcodes).

/** Which use a code serves: a named channel (permanent) or one inviting follower's (temporary). */
export type QrCodeKind = "channel" | "fission";

/**
 * A parametric QR code made through wxgate. Its scene is what WeChat's subscribe and SCAN
 * events carry back, so it is unique per account. A fission code is one per inviting follower:
 * making it again after it expired gives the same row (and scene) a new ticket.
 */
export interface QrCodesTable {
  id: string;
  appid: string;
  kind: QrCodeKind;
  /** The `scene_str` (1–64 characters). */
  scene: string;
  /** The channel's name; null for a fission code. */
  name: string | null;
  /** The follower whose invitation a fission code is; null for a channel code. */
  inviter_openid: string | null;
  ticket: string;
  /** What the image encodes. */
  url: string;
  /** Epoch ms; null for a permanent code. */
  expires_at: number | null;
  /** The user who made it; null for an API key without a user. */
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

/** One scan of a parametric code: a follow through it (`subscribe`) or a follower's scan (`scan`). */
export interface QrCodeScansTable {
  appid: string;
  openid: string;
  /** WeChat's CreateTime (epoch seconds): with the openid and kind, what makes a retried push the same scan. */
  create_time: number;
  kind: "subscribe" | "scan";
  scene: string;
  /** The day in China Standard Time (YYYY-MM-DD), WeChat's operating day. */
  day: string;
  received_at: number;
}

/**
 * A follower a code brought (the last code they followed through): who invited them, for the
 * fission tree, and whether they unfollowed since.
 */
export interface QrCodeFollowersTable {
  appid: string;
  openid: string;
  scene: string;
  /** The inviter of the fission code they followed through; null for a channel's. */
  inviter_openid: string | null;
  subscribed_at: number;
  subscribed_day: string;
  unsubscribed_at: number | null;
  unsubscribed_day: string | null;
}

/** A batch of channel codes being made, a job working through its items in order. */
export interface QrCodeBatchesTable {
  id: string;
  appid: string;
  /** `running` while items wait, then `done`. */
  status: "running" | "done";
  total: number;
  /** Items done, made or not. */
  done: number;
  failed: number;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

/** One channel of a batch: waiting, made (its code) or refused (why). */
export interface QrCodeBatchItemsTable {
  batch_id: string;
  /** The item's place in the request. */
  idx: number;
  name: string;
  scene: string;
  status: "pending" | "created" | "failed";
  code_id: string | null;
  /** Why it was refused (`QrCodeRefusal`). */
  reason: string | null;
  message: string | null;
  errcode: number | null;
}

/** Codes asked of WeChat per account and day (China Standard Time): WeChat allows 100,000 a day. */
export interface QrCodeCreationsTable {
  appid: string;
  day: string;
  count: number;
}

declare module "../platform/store/schema.js" {
  interface Database {
    qrcode_creations: QrCodeCreationsTable;
    qrcode_batches: QrCodeBatchesTable;
    qrcode_batch_items: QrCodeBatchItemsTable;
    qrcodes: QrCodesTable;
    qrcode_scans: QrCodeScansTable;
    qrcode_followers: QrCodeFollowersTable;
  }
}
