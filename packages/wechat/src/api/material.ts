import type { RawAnswer, WeChatClient } from "../client/index.js";
import type { MaterialListType, MaterialNewsArticle, MediaType } from "../rules/index.js";
import type { WeChatResult } from "./common.js";

/** A file to upload: name (its extension matters to WeChat), MIME type and bytes. */
export interface MediaUploadFile {
  filename: string;
  contentType: string;
  data: Uint8Array;
}

/** Answer of `media/upload`; a thumb's id comes back as `thumb_media_id`. */
export interface TemporaryMediaResult extends WeChatResult {
  type: MediaType;
  media_id?: string;
  thumb_media_id?: string;
  /** Unix seconds. */
  created_at: number;
}

/** Answer of `material/add_material` (`url` for images). */
export interface PermanentMaterialResult extends WeChatResult {
  media_id: string;
  url?: string;
}

/** One entry of `batchget_material`. */
export interface MaterialListItem {
  media_id: string;
  /** Unix seconds. */
  update_time: number;
  name?: string;
  url?: string;
  content?: { news_item: (MaterialNewsArticle & { url?: string })[] };
}

/** Answer of `batchget_material`. */
export interface MaterialPage extends WeChatResult {
  total_count: number;
  item_count: number;
  item: MaterialListItem[];
}

/** Answer of `get_materialcount`. */
export interface MaterialCounts extends WeChatResult {
  voice_count: number;
  video_count: number;
  image_count: number;
  news_count: number;
}

/** Temporary media and permanent materials (permission set 11). */
export interface MaterialApi {
  /** `POST /cgi-bin/media/upload?type=`: a temporary media, valid 3 days. */
  uploadTemporary(type: MediaType, file: MediaUploadFile): Promise<TemporaryMediaResult>;
  /** `GET /cgi-bin/media/get`: the bytes of a temporary media (a video answers JSON with `video_url`). */
  getTemporary(mediaId: string): Promise<RawAnswer>;
  /** `POST /cgi-bin/material/add_material?type=`; a video needs a title and introduction. */
  addPermanent(
    type: MediaType,
    file: MediaUploadFile,
    video?: { title: string; introduction: string },
  ): Promise<PermanentMaterialResult>;
  /** `POST /cgi-bin/material/add_news`. */
  addNews(articles: MaterialNewsArticle[]): Promise<{ media_id: string }>;
  /** `POST /cgi-bin/material/get_material`: bytes for files, JSON for news and videos. */
  getPermanent(mediaId: string): Promise<RawAnswer>;
  /** `POST /cgi-bin/material/del_material`. */
  deletePermanent(mediaId: string): Promise<WeChatResult>;
  /** `POST /cgi-bin/material/batchget_material`: `count` 1–20. */
  list(type: MaterialListType, offset: number, count: number): Promise<MaterialPage>;
  /** `GET /cgi-bin/material/get_materialcount`. */
  counts(): Promise<MaterialCounts>;
}

/** {@link MaterialApi} over a client. */
export function createMaterialApi(client: WeChatClient): MaterialApi {
  const upload = (file: MediaUploadFile, fields?: Record<string, string>) => ({
    field: "media",
    filename: file.filename,
    contentType: file.contentType,
    data: file.data,
    ...(fields ? { fields } : {}),
  });
  return {
    uploadTemporary: (type, file) =>
      // An upload is not repeated on "system busy": WeChat may have stored it already.
      client.call("/cgi-bin/media/upload", { query: { type }, upload: upload(file), systemErrorRetries: 0 }),
    getTemporary: (mediaId) =>
      client.callRaw("/cgi-bin/media/get", { method: "GET", query: { media_id: mediaId } }),
    addPermanent: (type, file, video) =>
      client.call("/cgi-bin/material/add_material", {
        query: { type },
        upload: upload(file, video ? { description: JSON.stringify(video) } : undefined),
        systemErrorRetries: 0,
      }),
    addNews: (articles) =>
      client.call("/cgi-bin/material/add_news", {
        method: "POST",
        body: { articles },
        systemErrorRetries: 0,
      }),
    getPermanent: (mediaId) =>
      client.callRaw("/cgi-bin/material/get_material", { method: "POST", body: { media_id: mediaId } }),
    deletePermanent: (mediaId) =>
      client.call("/cgi-bin/material/del_material", { method: "POST", body: { media_id: mediaId } }),
    list: (type, offset, count) =>
      client.call("/cgi-bin/material/batchget_material", { method: "POST", body: { type, offset, count } }),
    counts: () => client.call("/cgi-bin/material/get_materialcount", { method: "GET" }),
  };
}
