import { errors } from "../platform/errors.js";
import { type Actor, reachedAppIds, requireReach } from "../platform/policy.js";
import type { EventFilter, EventRow, EventsRepository } from "./repository.js";

/** What the events API reads: the pushes of the accounts in the actor's reach. */
export class EventReader {
  constructor(private readonly events: EventsRepository) {}

  /**
   * A page, newest first, of the accounts in the actor's reach; an account named out of reach
   * is refused. For an actor limited to some accounts, each account's page is read as one
   * account's is (a walk of its (appid, id) index that stops after the page) and the pages are
   * merged: a page costs one short walk per account in reach, however many events the others
   * have.
   */
  async list(actor: Pick<Actor, "reach">, filter: EventFilter): Promise<EventRow[]> {
    if (filter.appId !== undefined) {
      requireReach(actor, "events.read", filter.appId);
      return this.events.list(filter);
    }
    const reached = reachedAppIds(actor);
    if (reached === undefined) return this.events.list(filter);
    const pages = await Promise.all(reached.map((appId) => this.events.list({ ...filter, appId })));
    return pages
      .flat()
      .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .slice(0, filter.limit);
  }

  /** One event, when its account is in the actor's reach. */
  async get(actor: Pick<Actor, "reach">, id: string): Promise<EventRow> {
    const row = await this.events.findById(id);
    if (!row) throw errors.notFound("event");
    requireReach(actor, "events.read", row.appid);
    return row;
  }
}
