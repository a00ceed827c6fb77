import {
  checkMediaUpload,
  createMaterialApi,
  listTypeOf,
  MATERIAL_PAGE_MAX,
  type MaterialListType,
  type MaterialNewsArticle,
  type MediaType,
  materialCountLimits,
  mediaLimits,
  TEMPORARY_MEDIA_TTL_MS,
  validateNews,
  WeChatApiError,
  type WeChatClient,
  wechatErrcode,
} from "@wxgate/wechat";
import type { ReceivedUpload } from "../http/upload.js";
import { errors, PlatformError } from "../platform/errors.js";
import type { Logger } from "../platform/logger.js";
import type { Clock } from "../platform/ports.js";
import type { MaterialRefusal } from "./policy.js";
import type { MaterialRow, MaterialsRepository, PageCursor } from "./repository.js";

/** The WeChat errcode the local check found, as the refusal's reason. */
const REASON_OF: Record<number, MaterialRefusal> = {
  [wechatErrcode.invalidMediaType]: "media_type",
  [wechatErrcode.mediaDataMissing]: "media_missing",
  [wechatErrcode.invalidFileType]: "file_type",
  [wechatErrcode.invalidImageSize]: "file_too_large",
  [wechatErrcode.invalidVoiceSize]: "file_too_large",
  [wechatErrcode.invalidVideoSize]: "file_too_large",
  [wechatErrcode.invalidThumbSize]: "file_too_large",
  [wechatErrcode.voicePlaytimeOutOfLimit]: "voice_too_long",
  [wechatErrcode.articleSizeOutOfLimit]: "news_too_many",
  [wechatErrcode.contentSizeOutOfLimit]: "news_too_long",
  [wechatErrcode.invalidArgs]: "news_invalid",
  [wechatErrcode.mediaIdMissing]: "news_invalid",
};

/** Refuses an upload or a news item before WeChat is called. */
export function materialRefusal(
  reason: MaterialRefusal,
  message: string,
  details: Record<string, unknown> = {},
): PlatformError {
  return new PlatformError(reason === "file_too_large" ? "payload_too_large" : "validation_failed", message, {
    reason,
    ...details,
  });
}

/** A media or material as the API shows it. */
export interface MaterialItem {
  mediaId: string;
  kind: MaterialRow["kind"];
  type: MaterialRow["type"];
  name: string;
  size: number;
  url: string | null;
  articles: MaterialNewsArticle[] | null;
  createdAt: number;
  expiresAt: number | null;
}

export function itemOf(row: MaterialRow): MaterialItem {
  return {
    mediaId: row.media_id,
    kind: row.kind,
    type: row.type,
    name: row.name,
    size: Number(row.size),
    url: row.url,
    articles: row.articles ? (JSON.parse(row.articles) as MaterialNewsArticle[]) : null,
    createdAt: Number(row.created_at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
  };
}

const TYPES_OF_LIST: Record<MaterialListType, readonly MaterialRow["type"][]> = {
  image: ["image", "thumb"],
  voice: ["voice"],
  video: ["video"],
  news: ["news"],
};

export interface MaterialsDeps {
  repository: MaterialsRepository;
  clientFor(appId: string): Promise<WeChatClient>;
  clock: Clock;
  logger: Logger;
}

/**
 * Uploads media (3 days) and materials (permanent) to WeChat after checking them with WeChat's
 * own rules, keeps a record of each, lists them (synced from WeChat's list), counts and deletes.
 */
export class MaterialsService {
  constructor(private readonly deps: MaterialsDeps) {}

  /** The largest file of a type (what the upload stream is capped at); undefined for an unknown type. */
  maxBytes(kind: "temporary" | "permanent", type: string): number | undefined {
    return type in mediaLimits[kind] ? mediaLimits[kind][type as MediaType].maxBytes : undefined;
  }

  /** Checks an upload locally (type, format, size, voice length) — the same rules WeChat applies. */
  check(kind: "temporary" | "permanent", type: string, upload: ReceivedUpload): MediaType {
    const checked = checkMediaUpload(kind, type, {
      filename: upload.filename,
      size: upload.data.length,
      head: upload.data,
    });
    if (checked.ok) return checked.type;
    const reason = REASON_OF[checked.errcode] ?? "file_type";
    const limit = this.maxBytes(kind, type);
    throw materialRefusal(reason, `WeChat would refuse this file: ${checked.errmsg}`, {
      errcode: checked.errcode,
      ...(reason === "file_too_large" && limit !== undefined ? { limit } : {}),
    });
  }

  async uploadTemporary(appId: string, type: string, upload: ReceivedUpload): Promise<MaterialItem> {
    const mediaType = this.check("temporary", type, upload);
    const api = createMaterialApi(await this.deps.clientFor(appId));
    const result = await api.uploadTemporary(mediaType, {
      filename: upload.filename,
      contentType: upload.contentType,
      data: upload.data,
    });
    const mediaId = result.media_id ?? result.thumb_media_id ?? "";
    const createdAt = result.created_at * 1000;
    const row: MaterialRow = {
      appid: appId,
      media_id: mediaId,
      kind: "temporary",
      type: mediaType,
      name: upload.filename,
      size: upload.data.length,
      url: null,
      articles: null,
      created_at: createdAt,
      expires_at: createdAt + TEMPORARY_MEDIA_TTL_MS,
    };
    await this.deps.repository.insert(row);
    // Expired media are hidden already; each new upload clears the account's old ones away.
    await this.deps.repository.deleteExpired(appId, this.deps.clock.now());
    return itemOf(row);
  }

  async addPermanent(appId: string, type: string, upload: ReceivedUpload): Promise<MaterialItem> {
    const mediaType = this.check("permanent", type, upload);
    let video: { title: string; introduction: string } | undefined;
    if (mediaType === "video") {
      const title = upload.fields.title?.trim() ?? "";
      if (title === "" || title.length > 64)
        throw materialRefusal("video_description", "a video needs a title (at most 64 characters)");
      video = { title, introduction: upload.fields.introduction ?? "" };
    }
    await this.checkRoom(appId, listTypeOf(mediaType));
    const api = createMaterialApi(await this.deps.clientFor(appId));
    const file = { filename: upload.filename, contentType: upload.contentType, data: upload.data };
    const result = await api.addPermanent(mediaType, file, video);
    const row: MaterialRow = {
      appid: appId,
      media_id: result.media_id,
      kind: "permanent",
      type: mediaType,
      name: video?.title ?? upload.filename,
      size: upload.data.length,
      url: result.url ?? null,
      articles: null,
      created_at: this.deps.clock.now(),
      expires_at: null,
    };
    await this.deps.repository.insert(row);
    return itemOf(row);
  }

  async addNews(appId: string, body: { articles: unknown }): Promise<MaterialItem> {
    const checked = validateNews(body);
    if (!checked.ok) {
      throw materialRefusal(
        REASON_OF[checked.errcode] ?? "news_invalid",
        `WeChat would refuse this news: ${checked.errmsg}`,
        {
          errcode: checked.errcode,
          path: checked.path,
        },
      );
    }
    for (const [i, article] of checked.value.entries()) {
      const thumb = await this.deps.repository.find(appId, article.thumb_media_id);
      if (thumb?.kind !== "permanent" || (thumb.type !== "thumb" && thumb.type !== "image"))
        throw materialRefusal("thumb_unknown", "a cover must be a permanent image or thumb of this account", {
          path: `articles[${i}].thumb_media_id`,
        });
    }
    await this.checkRoom(appId, "news");
    const api = createMaterialApi(await this.deps.clientFor(appId));
    const result = await api.addNews(checked.value);
    const row: MaterialRow = {
      appid: appId,
      media_id: result.media_id,
      kind: "permanent",
      type: "news",
      name: checked.value[0]?.title ?? "",
      size: 0,
      url: null,
      articles: JSON.stringify(checked.value),
      created_at: this.deps.clock.now(),
      expires_at: null,
    };
    await this.deps.repository.insert(row);
    return itemOf(row);
  }

  /** The permanent limit of a list, on the local record (sync first to count what was added elsewhere). */
  private async checkRoom(appId: string, type: MaterialListType): Promise<void> {
    const count = await this.deps.repository.permanentCount(appId, TYPES_OF_LIST[type]);
    if (count >= materialCountLimits[type])
      throw materialRefusal(
        "count_limit",
        `the account keeps at most ${materialCountLimits[type]} of these`,
        {
          errcode: wechatErrcode.mediaCountOutOfLimit,
          limit: materialCountLimits[type],
        },
      );
  }

  /** One page of the record, newest first; `next` continues it. */
  async list(
    appId: string,
    query: {
      type?: MaterialRow["type"] | undefined;
      kind?: MaterialRow["kind"] | undefined;
      limit: number;
      after?: string | undefined;
    },
  ): Promise<{ items: MaterialItem[]; next: string | null }> {
    const rows = await this.deps.repository.page(
      appId,
      { type: query.type, kind: query.kind, now: this.deps.clock.now() },
      query.limit + 1,
      query.after ? decodeCursor(query.after) : undefined,
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map(itemOf),
      next:
        rows.length > query.limit && last
          ? encodeCursor({ createdAt: Number(last.created_at), mediaId: last.media_id })
          : null,
    };
  }

  /** WeChat's counts of permanent materials, with the limits. */
  async counts(appId: string): Promise<Record<MaterialListType, { count: number; limit: number }>> {
    const counts = await createMaterialApi(await this.deps.clientFor(appId)).counts();
    return {
      image: { count: counts.image_count, limit: materialCountLimits.image },
      voice: { count: counts.voice_count, limit: materialCountLimits.voice },
      video: { count: counts.video_count, limit: materialCountLimits.video },
      news: { count: counts.news_count, limit: materialCountLimits.news },
    };
  }

  /**
   * Brings the record of one list in line with WeChat's (batchget_material, 20 a page): adds
   * what was made elsewhere (the mp.weixin.qq.com console), forgets what was deleted there.
   */
  async sync(
    appId: string,
    type: MaterialListType,
  ): Promise<{ added: number; removed: number; total: number }> {
    const api = createMaterialApi(await this.deps.clientFor(appId));
    const known = new Set(
      (await this.deps.repository.permanentIds(appId, TYPES_OF_LIST[type])).map((r) => r.media_id),
    );
    const seen = new Set<string>();
    let added = 0;
    for (let offset = 0; ; offset += MATERIAL_PAGE_MAX) {
      const page = await api.list(type, offset, MATERIAL_PAGE_MAX);
      for (const item of page.item) {
        seen.add(item.media_id);
        if (!known.has(item.media_id)) added++;
        const articles = item.content?.news_item;
        await this.deps.repository.upsertSynced({
          appid: appId,
          media_id: item.media_id,
          kind: "permanent",
          type,
          name: item.name ?? articles?.[0]?.title ?? "",
          size: 0,
          url: item.url ?? null,
          articles: articles ? JSON.stringify(articles) : null,
          created_at: item.update_time * 1000,
          expires_at: null,
        });
      }
      if (page.item.length < MATERIAL_PAGE_MAX || offset + page.item.length >= page.total_count) break;
    }
    const gone = [...known].filter((id) => !seen.has(id));
    const removed = await this.deps.repository.delete(appId, gone);
    this.deps.logger.info({ appid: appId, type, added, removed }, "materials synced");
    return { added, removed, total: seen.size };
  }

  /** Deletes a permanent material at WeChat and its record; a temporary one's record only (WeChat drops it after 3 days). */
  async delete(appId: string, mediaId: string): Promise<void> {
    const row = await this.deps.repository.find(appId, mediaId);
    if (!row) throw errors.notFound("the material");
    if (row.kind === "permanent") {
      try {
        await createMaterialApi(await this.deps.clientFor(appId)).deletePermanent(mediaId);
      } catch (error) {
        // Already gone at WeChat (deleted in its console): the record goes all the same.
        if (!(error instanceof WeChatApiError && error.errcode === wechatErrcode.invalidMediaId)) throw error;
      }
    }
    await this.deps.repository.delete(appId, [mediaId]);
  }

  /** The file of an item, from WeChat (for the console's previews); news and videos have none. */
  async content(appId: string, mediaId: string): Promise<{ contentType: string; body: Buffer }> {
    const row = await this.find(appId, mediaId);
    if (!row || row.type === "news" || row.type === "video") throw errors.notFound("the file");
    const api = createMaterialApi(await this.deps.clientFor(appId));
    const answer =
      row.kind === "permanent" ? await api.getPermanent(mediaId) : await api.getTemporary(mediaId);
    return { contentType: answer.contentType || "application/octet-stream", body: answer.body };
  }

  /** An item of the account by media_id, unless it expired (replies and campaigns pick by it). */
  async find(appId: string, mediaId: string): Promise<MaterialRow | undefined> {
    const row = await this.deps.repository.find(appId, mediaId);
    if (!row || (row.expires_at !== null && Number(row.expires_at) <= this.deps.clock.now()))
      return undefined;
    return row;
  }
}

function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(`${cursor.createdAt}:${cursor.mediaId}`).toString("base64url");
}

function decodeCursor(text: string): PageCursor {
  const decoded = Buffer.from(text, "base64url").toString("utf8");
  const colon = decoded.indexOf(":");
  const createdAt = Number(decoded.slice(0, colon));
  if (colon < 0 || !Number.isSafeInteger(createdAt)) throw errors.validation("the cursor is not valid");
  return { createdAt, mediaId: decoded.slice(colon + 1) };
}
