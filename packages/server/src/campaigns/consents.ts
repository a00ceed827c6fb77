import { dedupeKey, type InboundMessage } from "@wxgate/wechat";
import { type Kysely, sql } from "kysely";
import type { EventFanout } from "../callbacks/index.js";
import type { Clock } from "../platform/ports.js";
import type { Database } from "../platform/store/schema.js";

/** A user's answer about one template, as a push carries it. */
export interface ConsentChange {
  openid: string;
  templateId: string;
  answer: "accept" | "reject";
  /** `popup`: the pop-up of wx.requestSubscribeMessage; `change`: the user's settings. */
  via: "popup" | "change";
  /** The push's CreateTime (seconds). */
  at: number;
  /** The push's dedupe key (the same for WeChat's retries of it). */
  key: string;
}

/**
 * The consent changes a push carries: one per template of `subscribe_msg_popup_event` and
 * `subscribe_msg_change_event` (`SubscribeStatusString` accept or reject; any other value is
 * not an answer). A template named twice in one push counts once, with its last answer.
 * Undefined for any other push.
 */
export function consentChangesOf(message: InboundMessage): ConsentChange[] | undefined {
  if (message.kind !== "event") return undefined;
  if (message.event !== "subscribe_msg_popup_event" && message.event !== "subscribe_msg_change_event")
    return undefined;
  const via = message.event === "subscribe_msg_popup_event" ? "popup" : "change";
  const key = dedupeKey(message);
  const byTemplate = new Map<string, ConsentChange>();
  for (const item of message.list) {
    const answer = item.subscribeStatusString;
    if (answer !== "accept" && answer !== "reject") continue;
    if (item.templateId === "") continue;
    byTemplate.delete(item.templateId);
    byTemplate.set(item.templateId, {
      openid: message.fromUserName,
      templateId: item.templateId,
      answer,
      via,
      at: message.createTime,
      key,
    });
  }
  return [...byTemplate.values()];
}

/** What a send came to, as the consent sees it. */
export type SendVerdict = "sent" | "no_consent";

/**
 * Mini program users' consent per template (`campaign_consents`): each acceptance of the
 * pop-up allows one more one-time message, a rejection (pop-up or settings) withdraws what is
 * left, a sent message uses one, and WeChat's 43101 says none is left (`refused`). Each event
 * is applied once: a row remembers the CreateTime and dedupe key of the last event applied,
 * and an event older than that, or the same one again, changes nothing.
 */
export class ConsentsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Applies one change; true when it changed the row (false: a repeat or an older event). */
  async apply(appid: string, change: ConsentChange, now: number): Promise<boolean> {
    const accepted = change.answer === "accept";
    const inserted = await this.db
      .insertInto("campaign_consents")
      .values({
        appid,
        template_id: change.templateId,
        openid: change.openid,
        status: accepted ? "accepted" : "rejected",
        sends_left: accepted && change.via === "popup" ? 1 : 0,
        long_term: 0,
        event_at: change.at,
        event_key: change.key,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(["appid", "template_id", "openid"]).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return true;
    const updated = await this.db
      .updateTable("campaign_consents")
      .set((eb) => ({
        status: accepted ? "accepted" : "rejected",
        // An acceptance in the pop-up adds one message; one in the settings keeps what is left.
        sends_left: !accepted ? 0 : change.via === "popup" ? eb("sends_left", "+", 1) : eb.ref("sends_left"),
        event_at: change.at,
        event_key: change.key,
        updated_at: now,
      }))
      .where("appid", "=", appid)
      .where("template_id", "=", change.templateId)
      .where("openid", "=", change.openid)
      .where((eb) =>
        eb.or([
          eb("event_at", "<", change.at),
          eb.and([eb("event_at", "=", change.at), eb("event_key", "<>", change.key)]),
        ]),
      )
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }

  /**
   * Writes what a send came to, in the caller's transaction: a sent one-time message uses one
   * of the user's messages; 43101 says the user holds none (`refused`, nothing left).
   */
  async afterSend(
    db: Kysely<Database>,
    key: { appid: string; templateId: string; openid: string },
    verdict: SendVerdict,
    now: number,
  ): Promise<void> {
    const row = db
      .updateTable("campaign_consents")
      .where("appid", "=", key.appid)
      .where("template_id", "=", key.templateId)
      .where("openid", "=", key.openid);
    if (verdict === "no_consent") {
      await row.set({ status: "refused", sends_left: 0, updated_at: now }).execute();
      return;
    }
    await row
      .set({
        sends_left: sql<number>`CASE WHEN sends_left > 0 THEN sends_left - 1 ELSE 0 END`,
        updated_at: now,
      })
      .where("long_term", "=", 0)
      .execute();
  }

  /**
   * One page of the users who hold consent to `templateId` now (accepted, with a message left
   * or long-term), in OpenID order after `cursor`: a range scan of the primary key.
   */
  async page(
    appid: string,
    templateId: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ openIds: string[]; next: string | null }> {
    let query = this.db
      .selectFrom("campaign_consents")
      .select("openid")
      .where("appid", "=", appid)
      .where("template_id", "=", templateId)
      .where("status", "=", "accepted")
      .where((eb) => eb.or([eb("sends_left", ">", 0), eb("long_term", "=", 1)]))
      .orderBy("openid")
      .limit(limit);
    if (cursor !== undefined) query = query.where("openid", ">", cursor);
    const openIds = (await query.execute()).map((row) => row.openid);
    return { openIds, next: openIds.length < limit ? null : openIds[openIds.length - 1]! };
  }

  /**
   * Records whether `templateId` is a long-term subscription (WeChat's template list says; the
   * pre-flight reads it): a long-term consent is not used up by a send.
   */
  async markLongTerm(appid: string, templateId: string, longTerm: boolean): Promise<void> {
    const flag = longTerm ? 1 : 0;
    await this.db
      .updateTable("campaign_consents")
      .set({ long_term: flag })
      .where("appid", "=", appid)
      .where("template_id", "=", templateId)
      .where("long_term", "<>", flag)
      .execute();
  }

  /** How many users hold consent to `templateId` now (the `subscribers` audience's size). */
  async count(appid: string, templateId: string): Promise<number> {
    const row = await this.db
      .selectFrom("campaign_consents")
      .select((eb) => eb.fn.countAll<number | string | bigint>().as("n"))
      .where("appid", "=", appid)
      .where("template_id", "=", templateId)
      .where("status", "=", "accepted")
      .where((eb) => eb.or([eb("sends_left", ">", 0), eb("long_term", "=", 1)]))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** One user's consent to a template, or undefined (for tests and the console's detail). */
  find(
    appid: string,
    templateId: string,
    openid: string,
  ): Promise<{ status: string; sendsLeft: number; longTerm: boolean } | undefined> {
    return this.db
      .selectFrom("campaign_consents")
      .select(["status", "sends_left", "long_term"])
      .where("appid", "=", appid)
      .where("template_id", "=", templateId)
      .where("openid", "=", openid)
      .executeTakeFirst()
      .then((row) =>
        row
          ? { status: row.status, sendsLeft: Number(row.sends_left), longTerm: Number(row.long_term) === 1 }
          : undefined,
      );
  }
}

/**
 * Reads the consent events from the callback stream (registered with the gateway's fan-outs)
 * and writes them before the push is answered. A write that fails fails the push, which WeChat
 * retries (the retry is applied once). It never asks for the push to be fanned out.
 */
export class CampaignConsents implements EventFanout {
  constructor(
    private readonly deps: {
      consents: ConsentsRepository;
      clock: Clock;
    },
  ) {}

  wants(appId: string, message: InboundMessage): boolean | Promise<boolean> {
    const changes = consentChangesOf(message);
    if (!changes || changes.length === 0) return false;
    return (async () => {
      const now = this.deps.clock.now();
      for (const change of changes) await this.deps.consents.apply(appId, change, now);
      return false;
    })();
  }

  recorded(): void {}
}
