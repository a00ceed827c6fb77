import { type Crowd, crowdIndex, crowdOpenId } from "../world/crowd.js";
import type { World } from "../world/world.js";

/** The sending APIs whose deliveries are counted. */
export type DeliveryChannel = "template" | "mass" | "subscribe" | "custom";
export const DELIVERY_CHANNELS: readonly DeliveryChannel[] = ["template", "mass", "subscribe", "custom"];

/** Duplicated recipients listed by a summary (the count of all of them is given besides). */
export const DUPLICATES_LISTED = 100;
/** Missing recipients listed by a summary. */
export const MISSING_LISTED = 100;
/** A summary lists every recipient's count (`perOpenId`) only up to this many recipients. */
export const PER_OPENID_MAX = 100_000;

/** Which deliveries a summary counts, and whom they were meant for. */
export interface DeliveryQuery {
  channel: DeliveryChannel;
  /**
   * Template id (template, subscribe) or mass msg_id; several are added up (a campaign's mass
   * jobs). Absent: every delivery of the channel. Custom messages have no id.
   */
  ids?: string[];
  /** The intended audience: these OpenIDs… */
  openIds?: string[];
  /** …and/or every member of the account's crowd. */
  crowd?: boolean;
  /** Also answer each recipient's count (at most {@link PER_OPENID_MAX} recipients). */
  perOpenId?: boolean;
}

export interface DeliverySummary {
  /** Distinct OpenIDs that received at least one message. */
  recipients: number;
  /** Messages delivered. */
  messages: number;
  /** Recipients who received more than one, the first {@link DUPLICATES_LISTED}. */
  duplicates: { openId: string; count: number }[];
  /** How many recipients received more than one. */
  duplicateRecipients: number;
  /** Given an audience: how many of it received nothing, the first of them, and who was outside it. */
  audience?: { size: number; missing: number; missingOpenIds: string[]; outside: number };
  perOpenId?: Record<string, number>;
}

/**
 * Counts per recipient in little room: crowd members by their index in a byte array (a
 * million recipients cost a megabyte), anyone else by OpenID; counts past 254 move to a map.
 */
class RecipientCounts {
  private crowdCounts = new Uint8Array(0);
  private readonly crowdOverflow = new Map<number, number>();
  private readonly byOpenId = new Map<string, number>();

  add(crowd: Crowd | undefined, openId: string): void {
    const index = crowd === undefined ? undefined : crowdIndex(crowd, openId);
    if (index === undefined) {
      this.byOpenId.set(openId, (this.byOpenId.get(openId) ?? 0) + 1);
      return;
    }
    if (index >= this.crowdCounts.length) {
      const grown = new Uint8Array(Math.max(index + 1, crowd!.count, this.crowdCounts.length * 2));
      grown.set(this.crowdCounts);
      this.crowdCounts = grown;
    }
    const count = this.crowdCounts[index]!;
    if (count < 255) this.crowdCounts[index] = count + 1;
    else this.crowdOverflow.set(index, (this.crowdOverflow.get(index) ?? 255) + 1);
  }

  /** The largest crowd index counted, plus one. */
  get crowdLength(): number {
    return this.crowdCounts.length;
  }

  /** Adds these counts to per-recipient totals. */
  addInto(crowdTotals: Uint32Array, others: Map<string, number>): void {
    const counts = this.crowdCounts;
    for (let i = 0; i < counts.length; i++) {
      const count = counts[i]!;
      if (count !== 0)
        crowdTotals[i] = crowdTotals[i]! + (count === 255 ? (this.crowdOverflow.get(i) ?? 255) : count);
    }
    for (const [openId, count] of this.byOpenId) others.set(openId, (others.get(openId) ?? 0) + count);
  }
}

interface Tally {
  channel: DeliveryChannel;
  id: string;
  counts: RecipientCounts;
}

/** The key of custom messages, which carry no template or job id. */
const CUSTOM_ID = "*";

/**
 * What every sending API delivered, per account, channel and template or mass job: the counts
 * that prove a campaign reached each recipient exactly once. Kept apart from the inboxes (which
 * hold full messages for stored followers only, see inbox.ts) and from snapshots — like media
 * bytes, it lives as long as the process.
 */
export class DeliveryLedger {
  private readonly byAccount = new Map<string, Map<string, Tally>>();

  constructor(private readonly world: World) {}

  record(appId: string, channel: DeliveryChannel, id: string | undefined, openId: string): void {
    const key = `${channel}:${id ?? CUSTOM_ID}`;
    let tallies = this.byAccount.get(appId);
    if (!tallies) {
      tallies = new Map();
      this.byAccount.set(appId, tallies);
    }
    let tally = tallies.get(key);
    if (!tally) {
      tally = { channel, id: id ?? CUSTOM_ID, counts: new RecipientCounts() };
      tallies.set(key, tally);
    }
    tally.counts.add(this.world.crowdOf(appId), openId);
  }

  /** Forgets the account's deliveries (a new run of a test or benchmark). */
  clear(appId: string): void {
    this.byAccount.delete(appId);
  }

  summarize(appId: string, query: DeliveryQuery): DeliverySummary {
    const crowd = this.world.crowdOf(appId);
    const wanted = query.ids === undefined ? undefined : new Set(query.ids);
    const tallies = [...(this.byAccount.get(appId)?.values() ?? [])].filter(
      (t) => t.channel === query.channel && (wanted === undefined || wanted.has(t.id)),
    );
    // Totals per recipient over every tally asked for (a campaign's mass jobs add up).
    const length = Math.max(crowd?.count ?? 0, ...tallies.map((t) => t.counts.crowdLength));
    const crowdTotals = new Uint32Array(length);
    const others = new Map<string, number>();
    for (const tally of tallies) tally.counts.addInto(crowdTotals, others);
    const nameOf = (index: number) => (crowd === undefined ? `#${index}` : crowdOpenId(crowd, index));
    const countOf = (openId: string): number => {
      const index = crowd === undefined ? undefined : crowdIndex(crowd, openId);
      return index === undefined ? (others.get(openId) ?? 0) : (crowdTotals[index] ?? 0);
    };

    let recipients = 0;
    let messages = 0;
    let duplicateRecipients = 0;
    const duplicates: { openId: string; count: number }[] = [];
    const perOpenId: Record<string, number> = {};
    const visit = (count: number, name: () => string) => {
      if (count === 0) return;
      recipients++;
      messages += count;
      if (count > 1) {
        duplicateRecipients++;
        if (duplicates.length < DUPLICATES_LISTED) duplicates.push({ openId: name(), count });
      }
      if (query.perOpenId === true && recipients <= PER_OPENID_MAX) perOpenId[name()] = count;
    };
    for (let i = 0; i < crowdTotals.length; i++) visit(crowdTotals[i]!, () => nameOf(i));
    for (const [openId, count] of others) visit(count, () => openId);
    if (query.perOpenId === true && recipients > PER_OPENID_MAX) {
      throw new RangeError(`perOpenId answers at most ${PER_OPENID_MAX} recipients, not ${recipients}`);
    }
    const summary: DeliverySummary = { recipients, messages, duplicates, duplicateRecipients };
    if (query.perOpenId === true) summary.perOpenId = perOpenId;
    if (query.openIds === undefined && query.crowd !== true) return summary;

    // The audience: the crowd's members and the OpenIDs given, each once.
    let size = 0;
    let missing = 0;
    let reached = 0;
    const missingOpenIds: string[] = [];
    const check = (count: number, name: () => string) => {
      size++;
      if (count > 0) reached++;
      else {
        missing++;
        if (missingOpenIds.length < MISSING_LISTED) missingOpenIds.push(name());
      }
    };
    const members = query.crowd === true ? (crowd?.count ?? 0) : 0;
    for (let i = 0; i < members; i++) check(crowdTotals[i]!, () => nameOf(i));
    const seen = new Set<string>();
    for (const openId of query.openIds ?? []) {
      if (seen.has(openId)) continue;
      seen.add(openId);
      const index = crowd === undefined ? undefined : crowdIndex(crowd, openId);
      if (index !== undefined && index < members) continue; // counted as a crowd member
      check(countOf(openId), () => openId);
    }
    summary.audience = { size, missing, missingOpenIds, outside: recipients - reached };
    return summary;
  }
}
