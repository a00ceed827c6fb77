// The notifications module's table (created by its part of step 0015_risk).

/** One notice to one console user: a risk operation, an abnormal sign-in, a burst of them. */
export interface NotificationsTable {
  /** A UUIDv7: ids sort by time, so a page walks (user_id, id). */
  id: string;
  user_id: string;
  /** What happened (`risk_operation`, `risk_operations_burst`, `sign_in_failures`, `new_sign_in_range`). */
  kind: string;
  /** The account it is about, when it is about one. */
  appid: string | null;
  /** What the console words it with, JSON; never a secret. */
  data: string;
  created_at: number;
  /** When the user marked it read; null while unread. */
  read_at: number | null;
}

declare module "../platform/store/schema.js" {
  interface Database {
    notifications: NotificationsTable;
  }
}
