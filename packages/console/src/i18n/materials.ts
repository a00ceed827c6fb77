import { ApiError } from "../api/client.js";
import { errorMessage } from "../api/errors.js";
import type { SectionDictionary, SectionTranslate } from "./index.js";

/**
 * The materials screen's texts, loaded with it only. zh-CN is the reference; the English half
 * is typed against it.
 */
const zhCN = {
  "mat.title": "素材管理",
  "mat.intro":
    "上传到微信的临时素材（保存 3 天）和永久素材。文件先在 wxgate 按微信的规则检查（格式、大小、语音时长），不符合的不会发给微信。",
  "mat.back": "返回账号",
  "mat.upload": "上传",
  "mat.uploadTitle": "上传素材",
  "mat.kind": "存储",
  "mat.kind.temporary": "临时（3 天）",
  "mat.kind.permanent": "永久",
  "mat.type": "类型",
  "mat.type.image": "图片",
  "mat.type.voice": "语音",
  "mat.type.video": "视频",
  "mat.type.thumb": "缩略图",
  "mat.type.news": "图文",
  "mat.file": "文件",
  "mat.chooseFile": "选择文件",
  "mat.videoTitle": "视频标题",
  "mat.videoIntro": "视频简介",
  "mat.accepts": "接受 {extensions}，不超过 {size}",
  "mat.acceptsVoice": "接受 {extensions}，不超过 {size}，时长不超过 {seconds} 秒",
  "mat.uploading": "上传中 {percent}%",
  "mat.uploaded": "已上传“{name}”。",
  "mat.sync": "从微信同步",
  "mat.synced": "已同步：新增 {added} 个，移除 {removed} 个，共 {total} 个。",
  "mat.counts": "永久素材数量",
  "mat.countOf": "{count} / {limit}",
  "mat.list": "素材列表",
  "mat.all": "全部",
  "mat.preview": "预览",
  "mat.name": "名称",
  "mat.size": "大小",
  "mat.created": "上传时间",
  "mat.expires": "过期时间",
  "mat.never": "永久",
  "mat.delete": "删除",
  "mat.deleteConfirm": "删除“{name}”？永久素材会在微信中一并删除。",
  "mat.deleted": "已删除“{name}”。",
  "mat.more": "下一页",
  "mat.first": "第一页",
  "mat.addNews": "新建图文",
  "mat.newsTitle": "标题",
  "mat.newsThumb": "封面（永久图片或缩略图）",
  "mat.newsAuthor": "作者",
  "mat.newsDigest": "摘要",
  "mat.newsContent": "正文",
  "mat.newsSource": "原文链接",
  "mat.newsAdded": "已新建图文“{name}”。",
  "mat.required": "必填。",
  "pick.open": "从素材库选择",
  "pick.title": "选择素材 · {type}",
  "pick.filter": "按名称筛选已加载的素材",
  "pick.choose": "选用“{name}”",
  "pick.more": "加载更多",
  "pick.empty": "还没有这类素材：先在“素材管理”中上传。",
  "pick.expires": "临时素材，{date} 过期",
  "pick.permanent": "永久素材",
  "pick.unnamed": "未命名",
  "errors.reason.media_type": "不支持的素材类型。",
  "errors.reason.media_missing": "没有收到文件。",
  "errors.reason.file_type": "文件格式不符合该类型（扩展名或内容）。",
  "errors.reason.file_too_large": "文件太大，该类型最大 {limit} 字节。",
  "errors.reason.voice_too_long": "语音超过 60 秒。",
  "errors.reason.count_limit": "该类永久素材已达上限 {limit} 个。",
  "errors.reason.video_description": "永久视频需要标题（最多 64 个字符）。",
  "errors.reason.news_invalid": "图文缺少标题、封面或正文。",
  "errors.reason.news_too_many": "一条图文最多 8 篇文章。",
  "errors.reason.news_too_long": "标题、作者、摘要或正文超出长度限制。",
  "errors.reason.thumb_unknown": "封面必须是本账号的永久图片或缩略图。",
};

type MaterialsKey = keyof typeof zhCN;

const enUS: Record<MaterialsKey, string> = {
  "mat.title": "Materials",
  "mat.intro":
    "Temporary media (kept 3 days) and permanent materials uploaded to WeChat. Files are checked by wxgate with WeChat's rules first (format, size, voice length); a file that fails is never sent to WeChat.",
  "mat.back": "Back to the account",
  "mat.upload": "Upload",
  "mat.uploadTitle": "Upload a material",
  "mat.kind": "Storage",
  "mat.kind.temporary": "Temporary (3 days)",
  "mat.kind.permanent": "Permanent",
  "mat.type": "Type",
  "mat.type.image": "Image",
  "mat.type.voice": "Voice",
  "mat.type.video": "Video",
  "mat.type.thumb": "Thumbnail",
  "mat.type.news": "News",
  "mat.file": "File",
  "mat.chooseFile": "Choose a file",
  "mat.videoTitle": "Video title",
  "mat.videoIntro": "Video introduction",
  "mat.accepts": "Accepts {extensions}, up to {size}",
  "mat.acceptsVoice": "Accepts {extensions}, up to {size} and {seconds} seconds",
  "mat.uploading": "Uploading {percent}%",
  "mat.uploaded": "Uploaded “{name}”.",
  "mat.sync": "Sync from WeChat",
  "mat.synced": "Synced: {added} added, {removed} removed, {total} in all.",
  "mat.counts": "Permanent materials",
  "mat.countOf": "{count} / {limit}",
  "mat.list": "Materials",
  "mat.all": "All",
  "mat.preview": "Preview",
  "mat.name": "Name",
  "mat.size": "Size",
  "mat.created": "Uploaded",
  "mat.expires": "Expires",
  "mat.never": "Never",
  "mat.delete": "Delete",
  "mat.deleteConfirm": "Delete “{name}”? A permanent material is deleted at WeChat too.",
  "mat.deleted": "Deleted “{name}”.",
  "mat.more": "Next page",
  "mat.first": "First page",
  "mat.addNews": "New news item",
  "mat.newsTitle": "Title",
  "mat.newsThumb": "Cover (a permanent image or thumbnail)",
  "mat.newsAuthor": "Author",
  "mat.newsDigest": "Digest",
  "mat.newsContent": "Content",
  "mat.newsSource": "Original link",
  "mat.newsAdded": "Added the news item “{name}”.",
  "mat.required": "Required.",
  "pick.open": "Choose from materials",
  "pick.title": "Choose a material · {type}",
  "pick.filter": "Filter the loaded materials by name",
  "pick.choose": "Use “{name}”",
  "pick.more": "Load more",
  "pick.empty": "No materials of this type yet: upload one under “Materials” first.",
  "pick.expires": "Temporary, expires {date}",
  "pick.permanent": "Permanent",
  "pick.unnamed": "Unnamed",
  "errors.reason.media_type": "This media type is not supported.",
  "errors.reason.media_missing": "No file was received.",
  "errors.reason.file_type": "The file's format does not fit the type (its extension or its content).",
  "errors.reason.file_too_large": "The file is too large: at most {limit} bytes for this type.",
  "errors.reason.voice_too_long": "The voice is longer than 60 seconds.",
  "errors.reason.count_limit":
    "The account has reached the limit of {limit} permanent materials of this kind.",
  "errors.reason.video_description": "A permanent video needs a title (at most 64 characters).",
  "errors.reason.news_invalid": "An article lacks its title, cover or content.",
  "errors.reason.news_too_many": "A news item has at most 8 articles.",
  "errors.reason.news_too_long": "A title, author, digest or content is too long.",
  "errors.reason.thumb_unknown": "A cover must be a permanent image or thumbnail of this account.",
};

export const materialsDictionary: SectionDictionary<MaterialsKey> = { "zh-CN": zhCN, "en-US": enUS };

export type MaterialsTranslate = SectionTranslate<MaterialsKey>;

/** A refusal in words: the section's own reasons first, then the console's one handler. */
export function sectionErrorMessage<K extends string>(
  t: SectionTranslate<K>,
  own: Readonly<Record<string, string>>,
  error: unknown,
): string {
  if (error instanceof ApiError && error.reason && Object.hasOwn(own, `errors.reason.${error.reason}`)) {
    const vars: Record<string, string | number> = {};
    if (error.details && typeof error.details === "object")
      for (const [name, value] of Object.entries(error.details))
        if (typeof value === "string" || typeof value === "number") vars[name] = value;
    return t(`errors.reason.${error.reason}` as K, vars);
  }
  return errorMessage(t as Parameters<typeof errorMessage>[0], error);
}

/** A byte count in words (KB, MB). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}
