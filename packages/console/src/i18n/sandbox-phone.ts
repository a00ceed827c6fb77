import type { SectionDictionary, SectionTranslate } from "./index.js";

/**
 * The texts of the sandbox-phone screen: loaded with that screen only, not in the first load.
 * zh-CN is the reference; the English half is typed against it.
 */
const zhCN = {
  "pages.phone.intro":
    "扮演一位微信用户：关注、发消息、点菜单、扫码。每一步由模拟的微信推送给 wxgate，这里显示推送结果和回复；事件也会出现在账号详情和 Webhook 里。",
  "pages.phone.sandboxOnly": "沙箱手机只在沙箱模式下可用。",
  "pages.phone.noAccount": "先授权一个演示账号：",
  "pages.phone.account": "公众号",
  "pages.phone.follower": "当前粉丝 OpenID：{openId}",
  "pages.phone.noFollower": "还没有粉丝：点击“关注”成为新粉丝。",
  "pages.phone.followerPick": "粉丝",
  "pages.phone.newFollower": "新粉丝（点击“关注”时创建）",
  "pages.phone.unsubscribed": "已取消关注",
  "pages.phone.follow": "关注",
  "pages.phone.followed": "关注了公众号",
  "pages.phone.text": "消息内容",
  "pages.phone.send": "发送",
  "pages.phone.menuKey": "菜单按钮 key",
  "pages.phone.click": "点击菜单",
  "pages.phone.clicked": "点击菜单（{key}）",
  "pages.phone.scene": "二维码场景值",
  "pages.phone.scan": "扫码",
  "pages.phone.scanned": "扫描二维码（{scene}）",
  "pages.phone.chat": "聊天记录",
  "pages.phone.empty": "还没有消息。",
  "pages.phone.failed": "模拟器没有完成这个操作。",
};

type SandboxPhoneKey = keyof typeof zhCN;

const enUS: Record<SandboxPhoneKey, string> = {
  "pages.phone.intro":
    "Play a WeChat user: follow, send a message, tap a menu button, scan a QR code. The emulated WeChat pushes each step to wxgate; here are the push results and the replies, and the events show on the account's page and reach the webhooks.",
  "pages.phone.sandboxOnly": "The sandbox phone exists in sandbox mode only.",
  "pages.phone.noAccount": "Authorize a demo account first:",
  "pages.phone.account": "Account",
  "pages.phone.follower": "Follower OpenID: {openId}",
  "pages.phone.noFollower": "No follower yet: press “Follow” to become a new one.",
  "pages.phone.followerPick": "Follower",
  "pages.phone.newFollower": "A new follower (made when you tap Follow)",
  "pages.phone.unsubscribed": "not following",
  "pages.phone.follow": "Follow",
  "pages.phone.followed": "Followed the account",
  "pages.phone.text": "Message",
  "pages.phone.send": "Send",
  "pages.phone.menuKey": "Menu button key",
  "pages.phone.click": "Tap",
  "pages.phone.clicked": "Tapped the menu ({key})",
  "pages.phone.scene": "QR code scene",
  "pages.phone.scan": "Scan",
  "pages.phone.scanned": "Scanned a QR code ({scene})",
  "pages.phone.chat": "Chat",
  "pages.phone.empty": "No messages yet.",
  "pages.phone.failed": "The emulator did not complete that.",
};

export const sandboxPhoneDictionary: SectionDictionary<SandboxPhoneKey> = { "zh-CN": zhCN, "en-US": enUS };

/** A translator of the sandbox-phone screen's texts (and the console's). */
export type SandboxPhoneTranslate = SectionTranslate<SandboxPhoneKey>;
