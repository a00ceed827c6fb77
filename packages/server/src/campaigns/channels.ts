import type { CustomMessageContent, MassMessageContent, OfficialAccountApi } from "@wxgate/wechat";
import type { Content, ContentOf } from "./model.js";

/** The customer-service message of a campaign's content. */
export function customContentOf(content: ContentOf<"custom">): CustomMessageContent {
  const media = content.mediaId ?? "";
  switch (content.type) {
    case "text":
      return { msgtype: "text", text: { content: content.text ?? "" } };
    case "image":
      return { msgtype: "image", image: { media_id: media } };
    case "voice":
      return { msgtype: "voice", voice: { media_id: media } };
    case "video":
      return {
        msgtype: "video",
        video: {
          media_id: media,
          thumb_media_id: content.thumbMediaId ?? "",
          ...(content.title ? { title: content.title } : {}),
          ...(content.description ? { description: content.description } : {}),
        },
      };
    case "news":
      return {
        msgtype: "news",
        news: {
          articles: [
            {
              title: content.title ?? "",
              url: content.url ?? "",
              ...(content.description ? { description: content.description } : {}),
              ...(content.picUrl ? { picurl: content.picUrl } : {}),
            },
          ],
        },
      };
    case "miniprogrampage":
      return {
        msgtype: "miniprogrampage",
        miniprogrampage: {
          title: content.title ?? "",
          appid: content.appid ?? "",
          pagepath: content.pagepath ?? "",
          thumb_media_id: content.thumbMediaId ?? "",
        },
      };
  }
}

/** The mass message of a campaign's content. */
export function massContentOf(content: ContentOf<"mass">): MassMessageContent {
  const media = content.mediaId ?? "";
  switch (content.type) {
    case "text":
      return { msgtype: "text", text: { content: content.text ?? "" } };
    case "mpnews":
      return { msgtype: "mpnews", mpnews: { media_id: media }, send_ignore_reprint: 0 };
    case "image":
      return { msgtype: "image", images: { media_ids: [media] } };
    case "voice":
      return { msgtype: "voice", voice: { media_id: media } };
    case "mpvideo":
      return { msgtype: "mpvideo", mpvideo: { media_id: media } };
  }
}

/**
 * Sends a per-recipient campaign message (template, customer-service, subscription) to one
 * follower; returns WeChat's msgid when it gives one. Throws WeChat's error as it came.
 */
export async function sendTo(
  api: OfficialAccountApi,
  content: Exclude<Content, { channel: "mass" }>,
  openid: string,
): Promise<{ msgid: string | null }> {
  switch (content.channel) {
    case "template": {
      const answer = await api.message.template.send({
        touser: openid,
        template_id: content.templateId,
        data: content.data,
        ...(content.url ? { url: content.url } : {}),
        ...(content.miniprogram ? { miniprogram: content.miniprogram } : {}),
      });
      return { msgid: answer.msgid === undefined ? null : String(answer.msgid) };
    }
    case "custom":
      await api.message.custom.sendTo(openid, customContentOf(content));
      return { msgid: null };
    case "subscribe": {
      const answer = (await api.message.subscribe.send({
        touser: openid,
        template_id: content.templateId,
        data: content.data,
        ...(content.page ? { page: content.page } : {}),
      })) as { msgid?: number | string };
      return { msgid: answer.msgid === undefined ? null : String(answer.msgid) };
    }
  }
}
