import {
  charLength,
  createQrCodeApi,
  type QrCodeApi,
  qrLimits,
  WeChatApiError,
  WeChatTransportError,
} from "@wxgate/wechat";
import QRCode from "qrcode";
import type { AccountClients } from "../accounts/index.js";
import { errors } from "../platform/errors.js";
import { newId } from "../platform/ids.js";
import type { Logger } from "../platform/logger.js";
import type { Actor } from "../platform/policy.js";
import type { Clock } from "../platform/ports.js";
import { cstDay } from "./days.js";
import { type QrCodeRefusal, refusal, refusalOf } from "./refusals.js";
import type { QrCodeRow, QrCodesRepository, SceneTotals } from "./repository.js";
import type { QrCodeKind } from "./tables.js";

/** Channels one batch may create: each is one call to WeChat, made while the request waits. */
export const BATCH_MAX = 100;
/** A channel's name, in characters. */
export const NAME_MAX_CHARS = 64;
/** WeChat's OpenIDs are 28 characters; other platforms' ids are longer but never past this. */
const OPENID = /^[A-Za-z0-9_-]{6,64}$/;

/** A channel to create. */
export interface ChannelInput {
  name: string;
  /** The scene_str WeChat's events carry back; the name when omitted. */
  scene?: string | undefined;
}

/** One item of a batch: its code, or why it was not created. */
export type BatchItem =
  | { index: number; name: string; scene: string; ok: true; code: QrCodeRow }
  | {
      index: number;
      name: string;
      scene: string;
      ok: false;
      reason: QrCodeRefusal;
      message: string;
      errcode?: number;
    };

/** A code with its all-time figures. */
export interface QrCodeWithTotals {
  code: QrCodeRow;
  totals: SceneTotals;
}

/** Options of {@link QrCodeService}. */
export interface QrCodeServiceOptions {
  repository: QrCodesRepository;
  clients: AccountClients;
  clock: Clock;
  logger: Logger;
}

/**
 * Making parametric QR codes: channel codes (permanent, `QR_LIMIT_STR_SCENE`) and fission codes
 * (temporary, `QR_STR_SCENE`, one per inviting follower). Every WeChat rule is checked here
 * first, so a refusal says why before WeChat is asked.
 */
export class QrCodeService {
  constructor(private readonly options: QrCodeServiceOptions) {}

  /** Creates one channel code. */
  async createChannel(actor: Actor, appId: string, input: ChannelInput): Promise<QrCodeRow> {
    const { name, scene } = checkChannel(input);
    if ((await this.options.repository.scenesTaken(appId, [scene])).size > 0) {
      throw refusal("scene_taken", `the account has a code with the scene ${scene} already`, { scene });
    }
    await this.checkPermanentRoom(appId, 1);
    return this.makeChannel(actor, appId, name, scene);
  }

  /**
   * The fission code of an inviting follower: made on the first ask, the same one while it
   * lives, and a new ticket on the same row (so the same scene) once it expired.
   */
  async createFission(
    actor: Actor,
    appId: string,
    input: { inviterOpenId: string; expireSeconds: number },
  ): Promise<{ code: QrCodeRow; created: boolean }> {
    const { repository, clock } = this.options;
    if (!OPENID.test(input.inviterOpenId)) {
      throw refusal("inviter_invalid", "the inviter must be a follower's OpenID");
    }
    const expire = input.expireSeconds;
    if (!Number.isInteger(expire) || expire < 1 || expire > qrLimits.tempMaxExpireSeconds) {
      throw refusal("expire_invalid", `expireSeconds must be 1 to ${qrLimits.tempMaxExpireSeconds}`, {
        limit: qrLimits.tempMaxExpireSeconds,
      });
    }
    const existing = await repository.byInviter(appId, input.inviterOpenId);
    const now = clock.now();
    if (existing && existing.expires_at !== null && Number(existing.expires_at) > now) {
      return { code: existing, created: false };
    }
    // The scene names the code, not the follower: OpenIDs stay out of what WeChat shows.
    const scene = existing?.scene ?? `fx_${newId(now).replaceAll("-", "")}`;
    const answer = await this.asked(appId, (api) => api.createTemporary(scene, expire));
    const expiresAt = now + (answer.expire_seconds ?? expire) * 1000;
    if (existing) {
      const change = { ticket: answer.ticket, url: answer.url, expires_at: expiresAt, updated_at: now };
      await repository.renew(existing.id, change);
      return { code: { ...existing, ...change }, created: true };
    }
    const row: QrCodeRow = {
      id: newId(now),
      appid: appId,
      kind: "fission",
      scene,
      name: null,
      inviter_openid: input.inviterOpenId,
      ticket: answer.ticket,
      url: answer.url,
      expires_at: expiresAt,
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
    };
    if (!(await repository.insert(row))) {
      // Another request made this inviter's code meanwhile: theirs is the one.
      const theirs = await repository.byInviter(appId, input.inviterOpenId);
      if (theirs) return { code: theirs, created: false };
      throw refusal("scene_taken", `the account has a code with the scene ${scene} already`, { scene });
    }
    return { code: row, created: true };
  }

  /** A page of an account's codes, newest first, with their all-time figures. */
  async list(
    appId: string,
    options: { kind?: QrCodeKind | undefined; cursor?: string | undefined; limit: number },
  ): Promise<{ items: QrCodeWithTotals[]; nextCursor: string | null }> {
    const rows = await this.options.repository.list(appId, {
      ...(options.kind ? { kind: options.kind } : {}),
      ...(options.cursor ? { before: options.cursor } : {}),
      limit: options.limit + 1,
    });
    const page = rows.slice(0, options.limit);
    const totals = await this.options.repository.totals(
      appId,
      page.map((row) => row.scene),
    );
    return {
      items: page.map((code) => ({ code, totals: totals.get(code.scene) ?? emptyTotals(code.scene) })),
      nextCursor: rows.length > options.limit ? (page.at(-1)?.id ?? null) : null,
    };
  }

  async one(appId: string, id: string): Promise<QrCodeWithTotals> {
    const code = await this.options.repository.find(appId, id);
    if (!code) throw errors.notFound("the QR code");
    const totals = await this.options.repository.totals(appId, [code.scene]);
    return { code, totals: totals.get(code.scene) ?? emptyTotals(code.scene) };
  }

  /**
   * The code's image as WeChat shows it (`showqrcode?ticket=`); when WeChat cannot be reached,
   * the same content drawn here from the code's `url` (what the image encodes).
   */
  async image(appId: string, id: string): Promise<{ png: Buffer; source: "wechat" | "rendered" }> {
    const code = await this.options.repository.find(appId, id);
    if (!code) throw errors.notFound("the QR code");
    if (code.expires_at !== null && Number(code.expires_at) <= this.options.clock.now()) {
      throw refusal("code_expired", "the code has expired: WeChat no longer shows it", {
        expiredAt: Number(code.expires_at),
      });
    }
    try {
      const api = createQrCodeApi(await this.options.clients.clientFor(appId));
      const answer = await api.image(code.ticket);
      if (answer.status === 200 && answer.contentType.startsWith("image/")) {
        return { png: answer.body, source: "wechat" };
      }
      this.options.logger.warn(
        { appId, id, status: answer.status },
        "showqrcode answered no image; drawing it",
      );
    } catch (error) {
      if (!(error instanceof WeChatTransportError)) throw error;
      this.options.logger.warn({ appId, id, err: error }, "showqrcode unreachable; drawing the image");
    }
    return {
      png: await QRCode.toBuffer(code.url, { type: "png", margin: 2, width: 430 }),
      source: "rendered",
    };
  }

  /**
   * Asks WeChat for a code within its 100,000 a day per account (counted here per day in China
   * Standard Time; a code counts once WeChat made it).
   */
  private async asked<T>(appId: string, ask: (api: QrCodeApi) => Promise<T>): Promise<T> {
    const { repository, clock, clients } = this.options;
    const day = cstDay(clock.now());
    if ((await repository.creationsOn(appId, day)) >= qrLimits.dailyCreations) {
      throw refusal(
        "daily_limit",
        `the account asked WeChat for ${qrLimits.dailyCreations} codes today already`,
        {
          limit: qrLimits.dailyCreations,
        },
      );
    }
    const answer = await ask(createQrCodeApi(await clients.clientFor(appId)));
    await repository.countCreation(appId, day);
    return answer;
  }

  private async checkPermanentRoom(appId: string, wanted: number): Promise<void> {
    const count = await this.options.repository.countPermanent(appId);
    if (count + wanted > qrLimits.permanentMax) {
      throw refusal(
        "permanent_limit",
        `the account has ${count} of WeChat's ${qrLimits.permanentMax} permanent codes`,
        {
          limit: qrLimits.permanentMax,
        },
      );
    }
  }

  /**
   * Asks WeChat for a channel's permanent code and keeps it (the batches' job calls it too);
   * the caller checked the rules. Refused when the scene was taken meanwhile.
   */
  async makeChannel(
    actor: Pick<Actor, "userId">,
    appId: string,
    name: string,
    scene: string,
  ): Promise<QrCodeRow> {
    const answer = await this.asked(appId, (api) => api.createPermanent(scene));
    const now = this.options.clock.now();
    const row: QrCodeRow = {
      id: newId(now),
      appid: appId,
      kind: "channel",
      scene,
      name,
      inviter_openid: null,
      ticket: answer.ticket,
      url: answer.url,
      expires_at: null,
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
    };
    if (!(await this.options.repository.insert(row))) {
      // Another request took the scene meanwhile (WeChat gave both the same permanent ticket).
      throw refusal("scene_taken", `the account has a code with the scene ${scene} already`, { scene });
    }
    return row;
  }
}

function emptyTotals(scene: string): SceneTotals {
  return { scene, scans: 0, newFollowers: 0, unfollows: 0 };
}

/** A channel's name and scene as WeChat takes them, or the refusal. */
export function checkChannel(input: ChannelInput): { name: string; scene: string } {
  const name = input.name.trim();
  if (name.length === 0 || charLength(name) > NAME_MAX_CHARS) {
    throw refusal("name_invalid", `a channel's name is 1 to ${NAME_MAX_CHARS} characters`, {
      limit: NAME_MAX_CHARS,
    });
  }
  const scene = input.scene ?? name;
  const chars = charLength(scene);
  if (chars < 1 || chars > qrLimits.sceneStrMaxChars) {
    throw refusal(
      "scene_invalid",
      `a scene is 1 to ${qrLimits.sceneStrMaxChars} characters; this one has ${chars}`,
      {
        limit: qrLimits.sceneStrMaxChars,
      },
    );
  }
  return { name, scene };
}

/** A batch item that was not created, with the reason the console shows. */
export function failed(index: number, name: string, scene: string, error: unknown): BatchItem {
  const reason = refusalOf(error);
  if (reason) {
    return { index, name, scene, ok: false, reason, message: (error as Error).message };
  }
  if (error instanceof WeChatApiError) {
    return {
      index,
      name,
      scene,
      ok: false,
      reason: "wechat_refused",
      message: `WeChat refused: ${error.errmsg}`,
      errcode: error.errcode,
    };
  }
  if (error instanceof WeChatTransportError) {
    return {
      index,
      name,
      scene,
      ok: false,
      reason: "wechat_unreachable",
      message: "WeChat could not be reached",
    };
  }
  throw error;
}
