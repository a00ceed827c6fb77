import { definePolicy } from "../platform/policy.js";

/** Temporary media and permanent materials of an account, under the `materials` switch. */
export const materialsPolicy = definePolicy("materials", {
  "materials.read": {
    summary: "List an account's media and materials, their counts and limits, and view their files",
    scopes: [],
    switch: "materials",
  },
  "materials.manage": {
    summary: "Upload media and materials, add news, sync the list from WeChat, delete materials",
    scopes: [],
    switch: "materials",
  },
});

/** This module's actions, by name. */
export type MaterialsAction = keyof typeof materialsPolicy.actions;

declare module "../platform/policy.js" {
  interface Actions extends Record<MaterialsAction, true> {}
}

/**
 * Why an upload or a news item is refused before WeChat is called; the same word as the
 * refusal's `details.reason` (with `details.errcode`, the code WeChat would have answered).
 */
export type MaterialRefusal =
  | "media_type"
  | "media_missing"
  | "file_type"
  | "file_too_large"
  | "voice_too_long"
  | "count_limit"
  | "video_description"
  | "news_invalid"
  | "news_too_many"
  | "news_too_long"
  | "thumb_unknown";
