import {
  boundaryOf,
  checkMediaUpload,
  extensionOf,
  type FormPart,
  listTypeOf,
  MATERIAL_PAGE_MAX,
  type MaterialListType,
  type MaterialNewsArticle,
  type MediaType,
  materialCountLimits,
  parseMultipart,
  TEMPORARY_MEDIA_TTL_MS,
  validateNews,
} from "@wxgate/wechat";
import type { FastifyInstance } from "fastify";
import type { EmulatorContext } from "../http/context.js";
import { type WxCall, wxRoute } from "../http/route.js";
import { tokenRoutes } from "../http/token-routes.js";
import { WxFault } from "../http/wx-error.js";
import { accountOf, bodyOf, filled, integerOf } from "./input.js";

/** One stored media or material (its bytes live beside the world state, not in snapshots). */
export interface StoredMedia {
  mediaId: string;
  appId: string;
  kind: "temporary" | "permanent";
  type: MediaType | "news";
  filename?: string;
  contentType?: string;
  size: number;
  createdAt: number;
  /** Temporary media: 3 days after upload. */
  expiresAt?: number;
  /** Permanent images: the address WeChat gives for them. */
  url?: string;
  video?: { title: string; introduction: string };
  articles?: MaterialNewsArticle[];
}

/** The emulator's material state, under `extensions.materials`. */
export interface MaterialsBook {
  items: Record<string, StoredMedia>;
  /** Lower permanent limits for tests (WeChat's are 100,000 / 1,000). */
  caps: Partial<Record<MaterialListType, number>>;
}

export const MATERIALS_EXTENSION = "materials";

const LIST_TYPES: readonly string[] = ["image", "voice", "video", "news"];

/** The file part `media` of a multipart upload, or WeChat's 41005 (media data missing). */
function mediaPart(call: WxCall): FormPart & { filename: string } {
  const boundary = boundaryOf(call.request.headers["content-type"]);
  const parts = boundary ? parseMultipart(call.raw, boundary) : undefined;
  const part = parts?.find((p) => p.name === "media" && p.filename !== undefined);
  if (!part || part.filename === undefined) throw new WxFault(41005, {}, "media data missing");
  return { ...part, filename: part.filename };
}

function descriptionOf(call: WxCall): { title: string; introduction: string } | undefined {
  const boundary = boundaryOf(call.request.headers["content-type"]);
  const field = (boundary ? parseMultipart(call.raw, boundary) : undefined)?.find(
    (p) => p.name === "description",
  );
  if (!field) return undefined;
  try {
    const parsed = JSON.parse(field.data.toString("utf8")) as { title?: unknown; introduction?: unknown };
    const title = filled(parsed.title);
    if (!title) return undefined;
    return { title, introduction: typeof parsed.introduction === "string" ? parsed.introduction : "" };
  } catch {
    return undefined;
  }
}

/**
 * Temporary media (`media/upload`, `media/get`, 3 days) and permanent materials
 * (`material/*`), checked with the rules wxgate shares (`checkMediaUpload`, `validateNews`):
 * 40004 type · 41005 no file · 40005 format · 40009–40012 size · 45007 voice length ·
 * 45034 count · 40007 unknown media_id.
 */
export function registerMaterials(app: FastifyInstance, ctx: EmulatorContext): void {
  const route = tokenRoutes(app, ctx);
  // Uploads are multipart, not JSON: the route keeps the raw bytes.
  const upload = (path: string, handler: (call: WxCall) => unknown) =>
    wxRoute(app, ctx, { method: "POST", path, auth: "access_token", body: "raw", handler });
  const { world, ids } = ctx;
  const bytes = new Map<string, Buffer>();
  const book = () => world.extension<MaterialsBook>(MATERIALS_EXTENSION, () => ({ items: {}, caps: {} }));

  const live = (appId: string, mediaId: unknown, kind: StoredMedia["kind"], now: number): StoredMedia => {
    const items = book().items;
    const item = typeof mediaId === "string" && Object.hasOwn(items, mediaId) ? items[mediaId] : undefined;
    if (!item || item.appId !== appId || item.kind !== kind) throw new WxFault(40007);
    if (item.expiresAt !== undefined && item.expiresAt <= now) throw new WxFault(40007);
    return item;
  };
  const permanentCount = (appId: string, type: MaterialListType) =>
    Object.values(book().items).filter(
      (i) => i.appId === appId && i.kind === "permanent" && listTypeOf(i.type) === type,
    ).length;
  const checkRoom = (appId: string, type: MaterialListType) => {
    const cap = book().caps[type] ?? materialCountLimits[type];
    if (permanentCount(appId, type) >= cap) throw new WxFault(45034);
  };
  const store = (item: StoredMedia, data?: Buffer) => {
    book().items[item.mediaId] = item;
    if (data) bytes.set(item.mediaId, Buffer.from(data));
  };
  const sendFile = (call: WxCall, item: StoredMedia) => {
    void call.reply
      .code(200)
      .type(item.contentType ?? "application/octet-stream")
      .header(
        "content-disposition",
        `attachment; filename="${encodeURIComponent(item.filename ?? item.mediaId)}"`,
      )
      .send(bytes.get(item.mediaId) ?? Buffer.alloc(0));
    return undefined;
  };

  upload("/cgi-bin/media/upload", (call) => {
    const account = accountOf(call);
    const type = call.query.type ?? "";
    const part = mediaPart(call);
    const checked = checkMediaUpload("temporary", type, {
      filename: part.filename,
      size: part.data.length,
      head: part.data,
    });
    if (!checked.ok) throw new WxFault(checked.errcode);
    const item: StoredMedia = {
      mediaId: ids.mediaId(),
      appId: account.appId,
      kind: "temporary",
      type: checked.type,
      filename: part.filename,
      contentType: part.contentType ?? "application/octet-stream",
      size: part.data.length,
      createdAt: call.now,
      expiresAt: call.now + TEMPORARY_MEDIA_TTL_MS,
    };
    store(item, part.data);
    const created_at = Math.floor(call.now / 1000);
    return checked.type === "thumb"
      ? { type: "thumb", thumb_media_id: item.mediaId, created_at }
      : { type: checked.type, media_id: item.mediaId, created_at };
  });

  route.get("/cgi-bin/media/get", (call) => {
    const item = live(accountOf(call).appId, call.query.media_id, "temporary", call.now);
    // WeChat hands out videos by address, not bytes.
    if (item.type === "video") return { video_url: `http://mmbiz.qpic.cn/video/${item.mediaId}` };
    return sendFile(call, item);
  });

  upload("/cgi-bin/material/add_material", (call) => {
    const account = accountOf(call);
    const type = call.query.type ?? "";
    const part = mediaPart(call);
    const checked = checkMediaUpload("permanent", type, {
      filename: part.filename,
      size: part.data.length,
      head: part.data,
    });
    if (!checked.ok) throw new WxFault(checked.errcode);
    const video = checked.type === "video" ? descriptionOf(call) : undefined;
    if (checked.type === "video" && !video) throw new WxFault(40097);
    checkRoom(account.appId, listTypeOf(checked.type));
    const item: StoredMedia = {
      mediaId: ids.mediaId(),
      appId: account.appId,
      kind: "permanent",
      type: checked.type,
      filename: part.filename,
      contentType: part.contentType ?? "application/octet-stream",
      size: part.data.length,
      createdAt: call.now,
    };
    if (video) item.video = video;
    if (checked.type === "image" || checked.type === "thumb") {
      const ext = extensionOf(part.filename);
      item.url = `http://mmbiz.qpic.cn/mmbiz_${ext}/${ids.alnum(40)}/0?wx_fmt=${ext}`;
    }
    store(item, part.data);
    return item.url ? { media_id: item.mediaId, url: item.url } : { media_id: item.mediaId };
  });

  route.post("/cgi-bin/material/add_news", (call) => {
    const account = accountOf(call);
    const checked = validateNews(bodyOf(call));
    if (!checked.ok) throw new WxFault(checked.errcode);
    for (const article of checked.value) {
      const thumb = live(account.appId, article.thumb_media_id, "permanent", call.now);
      if (thumb.type !== "thumb" && thumb.type !== "image") throw new WxFault(40007);
    }
    checkRoom(account.appId, "news");
    const item: StoredMedia = {
      mediaId: ids.mediaId(),
      appId: account.appId,
      kind: "permanent",
      type: "news",
      size: 0,
      createdAt: call.now,
      articles: checked.value,
    };
    store(item);
    return { media_id: item.mediaId };
  });

  route.post("/cgi-bin/material/get_material", (call) => {
    const item = live(accountOf(call).appId, bodyOf(call).media_id, "permanent", call.now);
    if (item.type === "news") return { news_item: item.articles ?? [] };
    if (item.type === "video")
      return {
        title: item.video?.title,
        description: item.video?.introduction,
        down_url: `http://mmbiz.qpic.cn/video/${item.mediaId}`,
      };
    return sendFile(call, item);
  });

  route.post("/cgi-bin/material/del_material", (call) => {
    const item = live(accountOf(call).appId, bodyOf(call).media_id, "permanent", call.now);
    delete book().items[item.mediaId];
    bytes.delete(item.mediaId);
    return { errcode: 0, errmsg: "ok" };
  });

  route.post("/cgi-bin/material/batchget_material", (call) => {
    const account = accountOf(call);
    const body = bodyOf(call);
    const type = body.type;
    if (typeof type !== "string" || !LIST_TYPES.includes(type)) throw new WxFault(40004);
    const offset = integerOf(body.offset) ?? 0;
    const count = integerOf(body.count) ?? 0;
    if (offset < 0 || count < 1 || count > MATERIAL_PAGE_MAX) throw new WxFault(40097);
    // Newest first, as WeChat lists them.
    const all = Object.values(book().items)
      .filter((i) => i.appId === account.appId && i.kind === "permanent" && listTypeOf(i.type) === type)
      .sort((a, b) => b.createdAt - a.createdAt || (a.mediaId < b.mediaId ? -1 : 1));
    const page = all.slice(offset, offset + count);
    return {
      total_count: all.length,
      item_count: page.length,
      item: page.map((i) => ({
        media_id: i.mediaId,
        update_time: Math.floor(i.createdAt / 1000),
        ...(i.type === "news"
          ? { content: { news_item: i.articles ?? [], create_time: Math.floor(i.createdAt / 1000) } }
          : { name: i.filename ?? "" }),
        ...(i.url ? { url: i.url } : {}),
      })),
    };
  });

  route.get("/cgi-bin/material/get_materialcount", (call) => {
    const appId = accountOf(call).appId;
    return {
      voice_count: permanentCount(appId, "voice"),
      video_count: permanentCount(appId, "video"),
      image_count: permanentCount(appId, "image"),
      news_count: permanentCount(appId, "news"),
    };
  });
}
