import type { Kysely, Selectable } from "kysely";
import type { Database } from "../platform/store/schema.js";
import type { NotificationsTable } from "./tables.js";

export type NotificationRow = Selectable<NotificationsTable>;

/** The only code touching `notifications`. */
export class NotificationsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insertMany(rows: readonly NotificationRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insertInto("notifications")
      .values([...rows])
      .execute();
  }

  /** A user's page, newest first. */
  list(userId: string, page: { unreadOnly: boolean; before?: string | undefined; limit: number }) {
    let query = this.db.selectFrom("notifications").selectAll().where("user_id", "=", userId);
    if (page.unreadOnly) query = query.where("read_at", "is", null);
    if (page.before !== undefined) query = query.where("id", "<", page.before);
    return query.orderBy("id", "desc").limit(page.limit).execute();
  }

  async unread(userId: string): Promise<number> {
    const row = await this.db
      .selectFrom("notifications")
      .select((eb) => eb.fn.countAll<string | number>().as("count"))
      .where("user_id", "=", userId)
      .where("read_at", "is", null)
      .executeTakeFirst();
    return Number(row?.count ?? 0);
  }

  /** Marks the user's notifications read: these ids, or every unread one. */
  async markRead(userId: string, ids: readonly string[] | undefined, at: number): Promise<number> {
    let query = this.db
      .updateTable("notifications")
      .set({ read_at: at })
      .where("user_id", "=", userId)
      .where("read_at", "is", null);
    if (ids !== undefined) {
      if (ids.length === 0) return 0;
      query = query.where("id", "in", [...ids]);
    }
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async purgeOlderThan(before: number): Promise<number> {
    const result = await this.db
      .deleteFrom("notifications")
      .where("created_at", "<", before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
