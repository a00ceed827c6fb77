import { wechatErrcode } from "./errors.js";
import { type Violation, violation } from "./violation.js";

/** What `media/upload` (temporary) and `material/add_material` (permanent) accept as `type`. */
export type MediaType = "image" | "voice" | "video" | "thumb";
/** What `material/batchget_material` lists and `get_materialcount` counts (thumbs count as images). */
export type MaterialListType = "image" | "voice" | "video" | "news";

export const mediaTypes: readonly MediaType[] = ["image", "voice", "video", "thumb"];

/** One type's limits: largest size in bytes, file extensions, longest play time in seconds. */
export interface MediaTypeLimit {
  maxBytes: number;
  extensions: readonly string[];
  maxSeconds?: number;
}

const MB = 1024 * 1024;

/**
 * WeChat's upload limits (its 素材管理 pages; the same as the mp.weixin.qq.com console).
 * Temporary media last 3 days. Permanent voice also takes wma/wav (the docs of add_material
 * list them; uncertain whether the servers still do).
 */
export const mediaLimits = {
  temporary: {
    image: { maxBytes: 10 * MB, extensions: ["bmp", "png", "jpeg", "jpg", "gif"] },
    voice: { maxBytes: 2 * MB, extensions: ["amr", "mp3"], maxSeconds: 60 },
    video: { maxBytes: 10 * MB, extensions: ["mp4"] },
    thumb: { maxBytes: 64 * 1024, extensions: ["jpg", "jpeg"] },
  },
  permanent: {
    image: { maxBytes: 10 * MB, extensions: ["bmp", "png", "jpeg", "jpg", "gif"] },
    voice: { maxBytes: 2 * MB, extensions: ["mp3", "wma", "wav", "amr"], maxSeconds: 60 },
    video: { maxBytes: 10 * MB, extensions: ["mp4"] },
    thumb: { maxBytes: 64 * 1024, extensions: ["jpg", "jpeg"] },
  },
} as const satisfies Record<"temporary" | "permanent", Record<MediaType, MediaTypeLimit>>;

/** How long a temporary media_id stays valid. */
export const TEMPORARY_MEDIA_TTL_MS = 3 * 86_400_000;

/**
 * How many permanent materials an account may keep: news and images 100,000, the rest 1,000
 * each (thumbs count with images). The errcode past the limit, 45034, comes from SDKs, not
 * from WeChat's pages (uncertain).
 */
export const materialCountLimits: Readonly<Record<MaterialListType, number>> = {
  news: 100_000,
  image: 100_000,
  voice: 1_000,
  video: 1_000,
};

/** news: at most 8 articles; title ≤ 64 characters, author ≤ 8 (WeChat's 图文 rules, uncertain for author). */
export const newsLimits = { maxArticles: 8, titleChars: 64, authorChars: 8, digestChars: 120 } as const;

/** batchget_material: 1–20 items a page. */
export const MATERIAL_PAGE_MAX = 20;

/** The list a stored type is counted in (thumbs are images). */
export function listTypeOf(type: MediaType | "news"): MaterialListType {
  return type === "thumb" ? "image" : type;
}

/** The lower-case extension of a file name ("" when none). */
export function extensionOf(filename: string): string {
  const dot = filename.lastIndexOf(".");
  return dot < 0 ? "" : filename.slice(dot + 1).toLowerCase();
}

/** What the first bytes say the file is, for the formats WeChat takes; undefined when unknown. */
export function sniffFormat(head: Uint8Array): string | undefined {
  const b = (i: number) => head[i] ?? -1;
  const ascii = (from: number, text: string) => [...text].every((c, i) => b(from + i) === c.charCodeAt(0));
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return "jpg";
  if (b(0) === 0x89 && ascii(1, "PNG")) return "png";
  if (ascii(0, "GIF8")) return "gif";
  if (ascii(0, "BM")) return "bmp";
  if (ascii(4, "ftyp")) return "mp4";
  if (ascii(0, "#!AMR")) return "amr";
  if (ascii(0, "ID3") || (b(0) === 0xff && (b(1) & 0xe0) === 0xe0)) return "mp3";
  if (ascii(0, "RIFF") && ascii(8, "WAVE")) return "wav";
  if (b(0) === 0x30 && b(1) === 0x26 && b(2) === 0xb2 && b(3) === 0x75) return "wma";
  return undefined;
}

const sameFormat = (extension: string, sniffed: string) =>
  extension === sniffed || (sniffed === "jpg" && extension === "jpeg");

/** AMR-NB frame sizes by mode (bytes after the one-byte frame header); each frame is 20 ms. */
const AMR_FRAME_BYTES = [12, 13, 15, 17, 19, 20, 26, 31, 5, 0, 0, 0, 0, 0, 0, 0];
/** MPEG-1 Layer III bitrates in kbit/s by index. */
const MP3_KBPS = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0];

/**
 * How long a voice file plays, in seconds: exact for AMR (20 ms a frame), estimated from the
 * first frame's bitrate for MP3 (exact for constant bitrate); undefined when it cannot tell.
 */
export function voiceSeconds(data: Uint8Array, format: string): number | undefined {
  if (format === "amr") {
    let offset = 6;
    let frames = 0;
    while (offset < data.length) {
      const mode = ((data[offset] ?? 0) >> 3) & 0x0f;
      offset += 1 + (AMR_FRAME_BYTES[mode] ?? 0);
      frames++;
    }
    return frames * 0.02;
  }
  if (format === "mp3") {
    let offset = 0;
    if (data[0] === 0x49 && data[1] === 0x44 && data[2] === 0x33 && data.length >= 10) {
      const size =
        (data[6] ?? 0) * 2 ** 21 + (data[7] ?? 0) * 2 ** 14 + (data[8] ?? 0) * 2 ** 7 + (data[9] ?? 0);
      offset = 10 + size;
    }
    while (offset + 2 < data.length && !(data[offset] === 0xff && ((data[offset + 1] ?? 0) & 0xe0) === 0xe0))
      offset++;
    const kbps = MP3_KBPS[((data[offset + 2] ?? 0) >> 4) & 0x0f] ?? 0;
    if (kbps === 0) return undefined;
    return ((data.length - offset) * 8) / (kbps * 1000);
  }
  return undefined;
}

/** A file offered for upload, as the validator needs it. */
export interface MediaFile {
  filename: string;
  /** Size in bytes. */
  size: number;
  /** The first bytes (at least 12) to check the format; the whole file for voice (play time). */
  head?: Uint8Array;
}

/** The errcode WeChat answers for a file too big, by type. */
const SIZE_ERRCODE: Record<MediaType, number> = {
  image: wechatErrcode.invalidImageSize,
  voice: wechatErrcode.invalidVoiceSize,
  video: wechatErrcode.invalidVideoSize,
  thumb: wechatErrcode.invalidThumbSize,
};

/**
 * Checks an upload the way WeChat does, first problem wins: type (40004), empty file (41005),
 * extension and content (40005), size (40009–40012 by type), voice play time (45007).
 */
export function checkMediaUpload(
  kind: "temporary" | "permanent",
  type: string,
  file: MediaFile,
): { ok: true; type: MediaType } | Violation {
  if (!(mediaTypes as readonly string[]).includes(type))
    return violation(wechatErrcode.invalidMediaType, "type");
  const mediaType = type as MediaType;
  const limit: MediaTypeLimit = mediaLimits[kind][mediaType];
  if (file.size === 0) return violation(wechatErrcode.mediaDataMissing, "media");
  const extension = extensionOf(file.filename);
  if (!limit.extensions.includes(extension)) return violation(wechatErrcode.invalidFileType, "media");
  if (file.head && file.head.length > 0) {
    const sniffed = sniffFormat(file.head);
    if (sniffed === undefined || !sameFormat(extension, sniffed))
      return violation(wechatErrcode.invalidFileType, "media");
  }
  if (file.size > limit.maxBytes) return violation(SIZE_ERRCODE[mediaType], "media");
  if (limit.maxSeconds !== undefined && file.head && file.head.length === file.size) {
    const seconds = voiceSeconds(file.head, extension);
    if (seconds !== undefined && seconds > limit.maxSeconds)
      return violation(wechatErrcode.voicePlaytimeOutOfLimit, "media");
  }
  return { ok: true, type: mediaType };
}

/** One article of `material/add_news`. */
export interface MaterialNewsArticle {
  title: string;
  thumb_media_id: string;
  author?: string;
  digest?: string;
  show_cover_pic: 0 | 1;
  content: string;
  content_source_url: string;
  need_open_comment?: 0 | 1;
  only_fans_can_comment?: 0 | 1;
}

const isText = (value: unknown): value is string => typeof value === "string";
const chars = (text: string) => [...text].length;

/**
 * Checks an `add_news` body: 1–8 articles (45008 past that), each with a title, a thumb media
 * and content (40097 otherwise), title/author/digest lengths (45002), content under 20,000
 * characters and 1 MB (45002).
 */
export function validateNews(body: unknown): { ok: true; value: MaterialNewsArticle[] } | Violation {
  const articles = (body as { articles?: unknown } | null)?.articles;
  if (!Array.isArray(articles) || articles.length === 0)
    return violation(wechatErrcode.invalidArgs, "articles");
  if (articles.length > newsLimits.maxArticles)
    return violation(wechatErrcode.articleSizeOutOfLimit, "articles");
  const out: MaterialNewsArticle[] = [];
  for (const [i, raw] of articles.entries()) {
    const at = (field: string) => `articles[${i}].${field}`;
    const a = (raw ?? {}) as Record<string, unknown>;
    if (!isText(a.title) || a.title.length === 0) return violation(wechatErrcode.invalidArgs, at("title"));
    if (!isText(a.thumb_media_id) || a.thumb_media_id.length === 0)
      return violation(wechatErrcode.mediaIdMissing, at("thumb_media_id"));
    if (!isText(a.content) || a.content.length === 0)
      return violation(wechatErrcode.invalidArgs, at("content"));
    if (chars(a.title) > newsLimits.titleChars)
      return violation(wechatErrcode.contentSizeOutOfLimit, at("title"));
    if (isText(a.author) && chars(a.author) > newsLimits.authorChars)
      return violation(wechatErrcode.contentSizeOutOfLimit, at("author"));
    if (isText(a.digest) && chars(a.digest) > newsLimits.digestChars)
      return violation(wechatErrcode.contentSizeOutOfLimit, at("digest"));
    if (chars(a.content) > 20_000 || Buffer.byteLength(a.content) > MB)
      return violation(wechatErrcode.contentSizeOutOfLimit, at("content"));
    out.push({
      title: a.title,
      thumb_media_id: a.thumb_media_id,
      ...(isText(a.author) ? { author: a.author } : {}),
      ...(isText(a.digest) ? { digest: a.digest } : {}),
      show_cover_pic: a.show_cover_pic === 1 ? 1 : 0,
      content: a.content,
      content_source_url: isText(a.content_source_url) ? a.content_source_url : "",
    });
  }
  return { ok: true, value: out };
}
