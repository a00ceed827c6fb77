import { errors } from "../platform/errors.js";
import { newId } from "../platform/ids.js";
import type { Logger } from "../platform/logger.js";
import type { Actor } from "../platform/policy.js";
import type { Clock } from "../platform/ports.js";
import type { NotificationRow, NotificationsRepository } from "./repository.js";

const DAY_MS = 24 * 60 * 60 * 1000;
/** How long a notification is kept, read or not. */
export const NOTIFICATION_RETENTION_DAYS = 180;

/** What happened, for the console to word: a stable kind and its facts (never a secret). */
export interface Notice {
  kind: string;
  appid: string | null;
  data: Record<string, unknown>;
}

/** A notification as its user sees it. */
export interface NotificationView {
  id: string;
  kind: string;
  appid: string | null;
  data: Record<string, unknown>;
  createdAt: number;
  readAt: number | null;
}

/** What other modules may do with notifications: send them. */
export interface NotificationCenter {
  /** Gives each of these users (once each) the notice; returns how many were written. */
  notify(userIds: Iterable<string>, notice: Notice): Promise<number>;
}

function viewOf(row: NotificationRow): NotificationView {
  let data: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(row.data);
    if (parsed !== null && typeof parsed === "object") data = parsed as Record<string, unknown>;
  } catch {
    // Written by this module as JSON; an unreadable one shows without its facts.
  }
  return {
    id: row.id,
    kind: row.kind,
    appid: row.appid,
    data,
    createdAt: Number(row.created_at),
    readAt: row.read_at === null ? null : Number(row.read_at),
  };
}

/** The signed-in user (a session's): notifications are a person's, never an API key's. */
function userOf(actor: Actor): string {
  if (actor.via !== "session" || actor.userId === null) throw errors.unauthorized();
  return actor.userId;
}

/**
 * The console's notification list (站内通知): each user's own notices, newest first, with the
 * count of unread ones for the header's bell, marked read one by one or all at once.
 */
export class NotificationsService implements NotificationCenter {
  constructor(
    private readonly options: { repository: NotificationsRepository; clock: Clock; logger: Logger },
  ) {}

  async notify(userIds: Iterable<string>, notice: Notice): Promise<number> {
    const at = this.options.clock.now();
    const data = JSON.stringify(notice.data);
    const rows: NotificationRow[] = [...new Set(userIds)].map((userId) => ({
      id: newId(at),
      user_id: userId,
      kind: notice.kind,
      appid: notice.appid,
      data,
      created_at: at,
      read_at: null,
    }));
    await this.options.repository.insertMany(rows);
    return rows.length;
  }

  async list(
    actor: Actor,
    page: { unreadOnly: boolean; cursor?: string | undefined; limit: number },
  ): Promise<{ items: NotificationView[]; nextCursor: string | null; unread: number }> {
    const userId = userOf(actor);
    const { repository } = this.options;
    const rows = await repository.list(userId, { ...page, before: page.cursor });
    const last = rows.at(-1);
    return {
      items: rows.map(viewOf),
      nextCursor: rows.length === page.limit && last ? last.id : null,
      unread: await repository.unread(userId),
    };
  }

  async unread(actor: Actor): Promise<{ unread: number }> {
    return { unread: await this.options.repository.unread(userOf(actor)) };
  }

  /** Marks these (or every unread one) read; answers how many are left unread. */
  async markRead(
    actor: Actor,
    ids: readonly string[] | undefined,
  ): Promise<{ marked: number; unread: number }> {
    const userId = userOf(actor);
    const { repository, clock } = this.options;
    const marked = await repository.markRead(userId, ids, clock.now());
    return { marked, unread: await repository.unread(userId) };
  }

  async purgeExpired(): Promise<number> {
    const before = this.options.clock.now() - NOTIFICATION_RETENTION_DAYS * DAY_MS;
    const deleted = await this.options.repository.purgeOlderThan(before);
    if (deleted > 0) this.options.logger.info({ deleted }, "old notifications purged");
    return deleted;
  }
}
