import type { SectionDictionary, SectionTranslate } from "./index.js";

/**
 * The texts of the webhooks screen: loaded with that screen only, not in the first load.
 * zh-CN is the reference; the English half is typed against it.
 */
const zhCN = {
  "pages.webhooks.intro": "wxgate 收到的消息和事件会签名后推送到这些地址（至少一次，接收方按事件 ID 去重）。",
  "pages.webhooks.create": "新建 Webhook",
  "pages.webhooks.eventsHint": "事件类型，多个用逗号分隔；留空或 * 表示全部。",
  "pages.webhooks.accountsHint": "AppID，多个用逗号分隔；留空或 * 表示全部账号。",
  "pages.webhooks.secretTitle": "Webhook 签名密钥",
  "pages.webhooks.deliveries": "投递记录：{name}",
  "pages.webhooks.deliveryLog": "投递记录",
  "pages.webhooks.retry": "重新投递",
  "pages.webhooks.retried": "已重新加入投递队列。",
  "pages.webhooks.deleteConfirm": "删除 Webhook“{name}”及其投递记录？",
  "pages.webhooks.signature": "每次投递带有 x-wxgate-signature 头：t=时间戳,v1=HMAC-SHA256(密钥, t.正文)。",
};

type WebhooksKey = keyof typeof zhCN;

const enUS: Record<WebhooksKey, string> = {
  "pages.webhooks.intro":
    "Messages and events wxgate receives are signed and pushed to these addresses (at least once; receivers de-duplicate on the event id).",
  "pages.webhooks.create": "New webhook",
  "pages.webhooks.eventsHint": "Event types, comma-separated; empty or * for all.",
  "pages.webhooks.accountsHint": "AppIDs, comma-separated; empty or * for every account.",
  "pages.webhooks.secretTitle": "Webhook signing secret",
  "pages.webhooks.deliveries": "Deliveries: {name}",
  "pages.webhooks.deliveryLog": "Deliveries",
  "pages.webhooks.retry": "Redeliver",
  "pages.webhooks.retried": "Queued for delivery again.",
  "pages.webhooks.deleteConfirm": "Delete the webhook “{name}” and its delivery log?",
  "pages.webhooks.signature":
    "Each delivery carries x-wxgate-signature: t=timestamp,v1=HMAC-SHA256(secret, t.body).",
};

export const webhooksDictionary: SectionDictionary<WebhooksKey> = { "zh-CN": zhCN, "en-US": enUS };

/** A translator of the webhooks screen's texts (and the console's). */
export type WebhooksTranslate = SectionTranslate<WebhooksKey>;
