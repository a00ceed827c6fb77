import { hash } from "node:crypto";
import { dedupeKey, InvalidReplyError, type OpenedPush, PushEndpoint, type PushQuery } from "@wxgate/wechat";
import { LruCache } from "../platform/cache.js";
import { newId } from "../platform/ids.js";
import type { Logger } from "../platform/logger.js";
import type { Clock } from "../platform/ports.js";
import { GatewayError } from "./errors.js";
import { eventFields } from "./fields.js";
import { InFlightTable } from "./in-flight.js";
import { PushMemory } from "./memory.js";
import type { CallbackAccounts, CallbackCredentials, EventFanout } from "./ports.js";
import { EventRecorder } from "./recorder.js";
import type { ReplyChain } from "./replies.js";
import { type EventRow, type EventStatus, type EventsRepository, pushTypeOf } from "./repository.js";

/** What the gateway answers; the HTTP plugin only writes it out. */
export interface GatewayAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** Options of {@link CallbackGateway}. */
export interface CallbackGatewayOptions {
  accounts: CallbackAccounts;
  events: EventsRepository;
  replies: ReplyChain;
  fanout: EventFanout | undefined;
  clock: Clock;
  logger: Logger;
  /** Largest push body in bytes. */
  maxBodyBytes: number;
  /** How long account credentials are trusted before asking the accounts module again. */
  credentialsTtlMs?: number;
  /** How long replay memory and answers for retries are kept (WeChat's window is 5 minutes). */
  memoryMs?: number;
}

const REPLAY_WINDOW_SECONDS = 300;
/** A timestamp is fresh from one window before it to one window after: its pairs live that long. */
const NONCE_MEMORY_MS = 2 * REPLAY_WINDOW_SECONDS * 1000;
/** Rows read per query while the memory is rebuilt after a restart. */
const RELOAD_PAGE = 5_000;
const PUSH_PARAMS = [
  "signature",
  "timestamp",
  "nonce",
  "echostr",
  "encrypt_type",
  "msg_signature",
  "openid",
] as const;
type PushParam = (typeof PUSH_PARAMS)[number];
const SUCCESS: GatewayAnswer = { status: 200, contentType: "text/plain; charset=utf-8", body: "success" };

interface AccountEntry {
  credentials: CallbackCredentials;
  endpoint: PushEndpoint;
}

/**
 * The callback gateway: verifies and opens each push, refuses replays, answers WeChat's
 * retries with the first answer, asks the reply providers within the budget, records the
 * event and hands it to the fan-out.
 *
 * De-duplication and replay memory live in process memory (see {@link PushMemory}), backed
 * by the events table (its unique (appid, dedupe key) index, and a reload of the last minutes
 * after a restart).
 */
export class CallbackGateway {
  private readonly accountsCache: LruCache<AccountEntry | null>;
  /** Keys: `appid|timestamp|nonce` (accepted pairs), `appid|dedupe key` (answered pushes). */
  private readonly memory: PushMemory;
  /** Pushes being processed, by `appid|dedupe key`: a retry arriving meanwhile gets the same answer. */
  private readonly inFlight = new InFlightTable<Promise<GatewayAnswer>>();
  private readonly memoryMs: number;
  private readonly credentialsTtlMs: number;
  private warmed: Promise<void> | undefined;
  private readonly recorder: EventRecorder;
  private overflowReported = false;

  constructor(private readonly options: CallbackGatewayOptions) {
    this.memoryMs = options.memoryMs ?? 2 * REPLAY_WINDOW_SECONDS * 1000;
    this.credentialsTtlMs = options.credentialsTtlMs ?? 10_000;
    this.recorder = new EventRecorder(options.events);
    this.accountsCache = new LruCache({ maxEntries: 10_000, clock: options.clock });
    this.memory = new PushMemory({
      clock: options.clock,
      memoryMs: this.memoryMs,
      nonceMemoryMs: Math.max(this.memoryMs, NONCE_MEMORY_MS),
    });
  }

  /** Forgets the cached credentials of an account (or of all), e.g. after a key rotation. */
  forgetAccount(appId?: string): void {
    if (appId === undefined) this.accountsCache.clear();
    else this.accountsCache.delete(appId);
  }

  /** WeChat's URL check: answers `echostr` verbatim. */
  async verifyUrl(appId: string, rawQuery: string): Promise<GatewayAnswer> {
    const { endpoint } = await this.account(appId);
    const echostr = endpoint.verifyUrl(parseQuery(rawQuery));
    return { status: 200, contentType: "text/plain; charset=utf-8", body: echostr };
  }

  /** One push: verify, de-duplicate, reply, record. */
  async receive(appId: string, rawQuery: string, body: string): Promise<GatewayAnswer> {
    const { credentials, endpoint } = await this.account(appId);
    const opened = endpoint.open(parseQuery(rawQuery), body);
    await this.warm();
    // WeChat's `signature` covers only the Token, timestamp and nonce, and it comes with
    // encrypted pushes too. Whatever the mode, the pair belongs to the first content it came
    // with: a retry carries the same content, anything else under it is a forgery.
    const fingerprint = hash("sha256", opened.plaintextXml, "buffer");
    if (!this.memory.claimNonce(`${appId}|${opened.timestamp}|${opened.nonce}`, fingerprint)) {
      throw new GatewayError(
        "nonce_reused",
        "this timestamp, nonce and signature were already used for another push",
      );
    }
    this.reportOverflow();
    const bodyHash = fingerprint.toString("hex");

    const key = `${appId}|${dedupeKey(opened.message)}`;
    const running = this.inFlight.get(key);
    if (running) return running;
    const work = this.process(credentials, endpoint, opened, key, rawQuery, body, bodyHash).finally(() =>
      this.inFlight.delete(key),
    );
    this.inFlight.set(key, work);
    return work;
  }

  private async process(
    credentials: CallbackCredentials,
    endpoint: PushEndpoint,
    opened: OpenedPush,
    key: string,
    rawQuery: string,
    body: string,
    bodyHash: string,
  ): Promise<GatewayAnswer> {
    const { clock, logger } = this.options;
    if (this.memory.maybeSeen(key)) {
      // A retry (or a hash that collides): the events table has the first answer, verbatim.
      const existing = await this.options.events.findByDedupeKey(
        credentials.appId,
        key.slice(credentials.appId.length + 1),
      );
      if (existing) return this.answer(existing.response_body);
    }
    const receivedAt = clock.now();
    const eventId = newId(receivedAt);
    const appId = credentials.appId;
    let status: EventStatus = "answered_success";
    let replyXml: string | null = null;
    let responseBody = "success";
    let fanout = false;
    if (!credentials.enabled) {
      status = "ignored_disabled";
    } else {
      const chosen = await this.options.replies.reply({
        eventId,
        appId,
        message: opened.message,
        plaintextXml: opened.plaintextXml,
        mode: opened.mode,
        receivedAt,
      });
      if (chosen) {
        try {
          const sealed = sealWithXml(endpoint, chosen.reply, opened);
          responseBody = sealed.body;
          replyXml = sealed.xml;
          status = "replied";
        } catch (error) {
          if (!(error instanceof InvalidReplyError)) throw error;
          logger.warn(
            { eventId, provider: chosen.provider, reason: error.code },
            "reply refused, answering success",
          );
        }
      }
      fanout = this.options.fanout ? await this.options.fanout.wants(appId, opened.message) : false;
    }
    const fields = eventFields(opened.message);
    const row: EventRow = {
      id: eventId,
      appid: appId,
      dedupe_key: key.slice(appId.length + 1),
      kind: fields.kind,
      msg_type: fields.msgType,
      event: fields.event,
      push_type: pushTypeOf(fields),
      from_openid: fields.fromOpenId,
      create_time: fields.createTime,
      received_at: receivedAt,
      mode: opened.mode,
      query: rawQuery,
      body,
      plaintext_xml: opened.plaintextXml,
      timestamp: opened.timestamp,
      nonce: opened.nonce,
      signature: opened.signature,
      body_hash: bodyHash,
      reply_xml: replyXml,
      response_body: responseBody,
      status,
      fanout: fanout ? "pending" : "none",
    };
    const inserted = await this.recorder.record(row);
    if (!inserted) {
      // Recorded before this process knew it (another process, or before a restart).
      const existing = await this.options.events.findByDedupeKey(appId, row.dedupe_key);
      this.memory.markSeen(key);
      return this.answer(existing?.response_body ?? "success");
    }
    this.memory.markSeen(key);
    // The row is committed with `fanout = 'pending'`, which is the fan-out's durable record.
    if (fanout) this.options.fanout?.recorded();
    return this.answer(responseBody);
  }

  /** Says once, loudly, that pushes come faster than the nonce memory can hold for the window. */
  private reportOverflow(): void {
    if (this.overflowReported || !this.memory.nonceMemoryOverflowed) return;
    this.overflowReported = true;
    this.options.logger.warn(
      "pushes arrive faster than the nonce memory holds for the replay window; the oldest pairs were forgotten early",
    );
  }

  private answer(body: string): GatewayAnswer {
    if (body === "success" || body === "") return body === "success" ? SUCCESS : { ...SUCCESS, body };
    return { status: 200, contentType: "application/xml; charset=utf-8", body };
  }

  private async account(appId: string): Promise<AccountEntry> {
    let entry = this.accountsCache.get(appId);
    if (entry === undefined) {
      const credentials = await this.options.accounts.credentialsFor(appId);
      entry = credentials
        ? {
            credentials,
            endpoint: new PushEndpoint({
              token: credentials.token,
              appId: credentials.cipherAppId,
              encodingAESKey: credentials.encodingAESKey,
              previousEncodingAESKey: credentials.previousEncodingAESKey,
              mode: credentials.mode,
              replayWindowSeconds: REPLAY_WINDOW_SECONDS,
              now: () => this.options.clock.now(),
              maxBodyBytes: this.options.maxBodyBytes,
            }),
          }
        : null;
      this.accountsCache.set(appId, entry, this.credentialsTtlMs);
    }
    if (entry === null) throw new GatewayError("account_not_found", "no account has this appid");
    return entry;
  }

  /** After a restart: reload the replay memory and the answers of the retry window. */
  private warm(): Promise<void> {
    this.warmed ??= (async () => {
      const since = this.options.clock.now() - Math.max(this.memoryMs, NONCE_MEMORY_MS);
      let afterId: string | undefined;
      for (;;) {
        const rows = await this.options.events.recentPage(since, afterId, RELOAD_PAGE);
        for (const row of rows) {
          if (row.body_hash.length === 64) {
            this.memory.claimNonce(
              `${row.appid}|${row.timestamp}|${row.nonce}`,
              Buffer.from(row.body_hash, "hex"),
            );
          }
          this.memory.markSeen(`${row.appid}|${row.dedupe_key}`);
        }
        if (rows.length < RELOAD_PAGE) break;
        afterId = rows.at(-1)?.id;
      }
    })().catch((error: unknown) => {
      this.warmed = undefined;
      throw error;
    });
    return this.warmed;
  }
}

/** Seals a reply and keeps its plaintext XML for the record. */
function sealWithXml(
  endpoint: PushEndpoint,
  reply: Parameters<PushEndpoint["seal"]>[0],
  opened: OpenedPush,
): { body: string; xml: string | null } {
  if (reply === null || typeof reply === "string") return { body: endpoint.seal(reply, opened), xml: reply };
  // Build the plaintext once via a plaintext twin, so the record holds what the follower sees.
  const xml = endpoint.seal(reply, { ...opened, encrypted: false });
  return { body: opened.encrypted ? endpoint.seal(xml, opened) : xml, xml };
}

/**
 * The push's query, refusing repeated protocol parameters: a second `signature=` could make
 * the verified value and the recorded one differ.
 */
export function parseQuery(rawQuery: string): PushQuery {
  // WeChat's queries are plain `name=value` pairs; only an escaped one needs the full parser.
  if (rawQuery.includes("%") || rawQuery.includes("+")) return parseEscapedQuery(rawQuery);
  // One shape for every query (absent parameters stay undefined): no dictionary-mode object.
  const query: Record<PushParam, string | undefined> = {
    signature: undefined,
    timestamp: undefined,
    nonce: undefined,
    echostr: undefined,
    encrypt_type: undefined,
    msg_signature: undefined,
    openid: undefined,
  };
  for (const pair of rawQuery.split("&")) {
    const at = pair.indexOf("=");
    const name = at < 0 ? pair : pair.slice(0, at);
    if (!isPushParam(name)) continue;
    if (query[name] !== undefined) throw new GatewayError("bad_query", `${name} appears more than once`);
    query[name] = at < 0 ? "" : pair.slice(at + 1);
  }
  return query;
}

function isPushParam(name: string): name is PushParam {
  return (PUSH_PARAMS as readonly string[]).includes(name);
}

function parseEscapedQuery(rawQuery: string): PushQuery {
  const params = new URLSearchParams(rawQuery);
  const query: Record<string, string> = {};
  for (const name of PUSH_PARAMS) {
    const values = params.getAll(name);
    if (values.length > 1) throw new GatewayError("bad_query", `${name} appears more than once`);
    if (values.length === 1) query[name] = values[0] as string;
  }
  return query;
}
