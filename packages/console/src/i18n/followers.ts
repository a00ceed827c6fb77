import { errorMessage } from "../api/errors.js";
import type { SectionDictionary, SectionTranslate } from "./index.js";

/** The followers tab's texts, loaded with it. zh-CN is the reference; English is typed against it. */
const zhCN = {
  "followers.tab": "粉丝",
  "followers.sync.title": "同步粉丝",
  "followers.sync.start": "开始同步",
  "followers.sync.again": "重新同步",
  "followers.sync.idle":
    "尚未同步。同步会从微信逐页读取全部粉丝（每页 10,000 个，每次批量获取 100 个资料）；服务器重启后从上次的页继续。",
  "followers.sync.running": "同步中：{done} / {total}",
  "followers.sync.done": "已同步 {done} 个粉丝，完成于 {at}",
  "followers.sync.failed": "同步失败：{error}",
  "followers.sync.rate": "速度 {rate} 个/秒",
  "followers.sync.eta": "预计还需 {eta}",
  "followers.sync.started": "已开始同步。",
  "followers.list.title": "粉丝列表",
  "followers.filter.tag": "标签",
  "followers.filter.scene": "来源",
  "followers.filter.active": "最近互动",
  "followers.filter.search": "搜索备注、昵称或 OpenID",
  "followers.active.1": "1 天内",
  "followers.active.2": "48 小时内",
  "followers.active.7": "7 天内",
  "followers.active.30": "30 天内",
  "followers.col.openId": "OpenID",
  "followers.col.remark": "备注名",
  "followers.col.tags": "标签",
  "followers.col.scene": "来源",
  "followers.col.subscribeTime": "关注时间",
  "followers.col.lastActive": "最近互动",
  "followers.col.actions": "操作",
  "followers.remark.edit": "改备注",
  "followers.remark.title": "修改“{openId}”的备注名",
  "followers.remark.hint": "最多 30 个字符，留空则清除。",
  "followers.remark.saved": "备注名已保存。",
  "followers.tagSelected": "给选中的粉丝打标签",
  "followers.untagSelected": "取消选中粉丝的标签",
  "followers.tagged": "已处理 {followers} 个粉丝（调用微信 {calls} 次，每次最多 50 个）。",
  "followers.selected": "已选 {count} 个",
  "followers.selectPage": "选择本页全部粉丝",
  "followers.more": "下一页",
  "followers.empty": "还没有粉丝数据，请先同步。",
  "tags.title": "标签",
  "tags.create": "新建标签",
  "tags.name": "标签名",
  "tags.nameHint": "最多 30 个字节（一个汉字 3 个字节），不能与已有标签重名。",
  "tags.rename": "改名",
  "tags.delete": "删除",
  "tags.deleteConfirm": "删除标签“{name}”？带有此标签的粉丝将失去它。",
  "tags.system": "微信自带",
  "tags.count": "{count} 人",
  "tags.saved": "标签已保存。",
  "tags.deleted": "标签已删除。",
  "tags.bytes": "{bytes} / 30 字节",
  "scene.ADD_SCENE_SEARCH": "公众号搜索",
  "scene.ADD_SCENE_ACCOUNT_MIGRATION": "公众号迁移",
  "scene.ADD_SCENE_PROFILE_CARD": "名片分享",
  "scene.ADD_SCENE_QR_CODE": "扫描二维码",
  "scene.ADD_SCENE_PROFILE_LINK": "图文页内名称点击",
  "scene.ADD_SCENE_PROFILE_ITEM": "图文页右上角菜单",
  "scene.ADD_SCENE_PAID": "支付后关注",
  "scene.ADD_SCENE_WECHAT_ADVERTISEMENT": "微信广告",
  "scene.ADD_SCENE_OTHERS": "其他",
  "followers.error.remark_too_long": "备注名最多 {limit} 个字符。",
  "followers.error.tag_name_invalid": "标签名不能为空，也不能与已有标签重名。",
  "followers.error.tag_name_too_long": "标签名最多 {limit} 个字节（一个汉字 3 个字节）。",
  "followers.error.tag_limit": "每个账号最多创建 {limit} 个标签。",
  "followers.error.system_tag": "微信自带的标签不能修改。",
  "followers.error.follower_tag_limit": "每个粉丝最多带 {limit} 个标签。",
  "followers.error.not_following": "此用户已取消关注。",
  "followers.error.tag_not_found": "标签不存在，请刷新。",
  "followers.error.follower_not_found": "有粉丝不在 wxgate 的记录中，请先同步。",
};

type FollowersKey = keyof typeof zhCN;

const enUS: Record<FollowersKey, string> = {
  "followers.tab": "Followers",
  "followers.sync.title": "Follower sync",
  "followers.sync.start": "Start sync",
  "followers.sync.again": "Sync again",
  "followers.sync.idle":
    "Not synced yet. A sync reads every follower from WeChat page by page (10,000 a page, profiles 100 at a time); after a server restart it continues from the last page.",
  "followers.sync.running": "Syncing: {done} / {total}",
  "followers.sync.done": "{done} followers synced, finished {at}",
  "followers.sync.failed": "The sync failed: {error}",
  "followers.sync.rate": "{rate} a second",
  "followers.sync.eta": "about {eta} left",
  "followers.sync.started": "The sync has started.",
  "followers.list.title": "Followers",
  "followers.filter.tag": "Tag",
  "followers.filter.scene": "Source",
  "followers.filter.active": "Active",
  "followers.filter.search": "Search remark, nickname or OpenID",
  "followers.active.1": "in the last day",
  "followers.active.2": "in the last 48 hours",
  "followers.active.7": "in the last 7 days",
  "followers.active.30": "in the last 30 days",
  "followers.col.openId": "OpenID",
  "followers.col.remark": "Remark",
  "followers.col.tags": "Tags",
  "followers.col.scene": "Source",
  "followers.col.subscribeTime": "Followed",
  "followers.col.lastActive": "Last active",
  "followers.col.actions": "Actions",
  "followers.remark.edit": "Remark",
  "followers.remark.title": "Remark of {openId}",
  "followers.remark.hint": "At most 30 characters; leave it empty to clear it.",
  "followers.remark.saved": "The remark is saved.",
  "followers.tagSelected": "Tag the selected followers",
  "followers.untagSelected": "Untag the selected followers",
  "followers.tagged": "{followers} followers done ({calls} WeChat calls, 50 at most each).",
  "followers.selected": "{count} selected",
  "followers.selectPage": "Select every follower on this page",
  "followers.more": "Next page",
  "followers.empty": "No followers yet: start a sync.",
  "tags.title": "Tags",
  "tags.create": "New tag",
  "tags.name": "Tag name",
  "tags.nameHint": "At most 30 bytes (a Chinese character takes 3), unlike any other tag's.",
  "tags.rename": "Rename",
  "tags.delete": "Delete",
  "tags.deleteConfirm": "Delete the tag “{name}”? Its followers lose it.",
  "tags.system": "WeChat's own",
  "tags.count": "{count} followers",
  "tags.saved": "The tag is saved.",
  "tags.deleted": "The tag is deleted.",
  "tags.bytes": "{bytes} / 30 bytes",
  "scene.ADD_SCENE_SEARCH": "Account search",
  "scene.ADD_SCENE_ACCOUNT_MIGRATION": "Account migration",
  "scene.ADD_SCENE_PROFILE_CARD": "Shared profile card",
  "scene.ADD_SCENE_QR_CODE": "QR code scan",
  "scene.ADD_SCENE_PROFILE_LINK": "Name in an article",
  "scene.ADD_SCENE_PROFILE_ITEM": "Article menu",
  "scene.ADD_SCENE_PAID": "After a payment",
  "scene.ADD_SCENE_WECHAT_ADVERTISEMENT": "WeChat advertising",
  "scene.ADD_SCENE_OTHERS": "Other",
  "followers.error.remark_too_long": "A remark has at most {limit} characters.",
  "followers.error.tag_name_invalid": "A tag needs a name unlike any other tag's.",
  "followers.error.tag_name_too_long": "A tag name has at most {limit} bytes (a Chinese character takes 3).",
  "followers.error.tag_limit": "An account has at most {limit} tags of its own.",
  "followers.error.system_tag": "WeChat's own tags cannot be changed.",
  "followers.error.follower_tag_limit": "A follower carries at most {limit} tags.",
  "followers.error.not_following": "This user no longer follows the account.",
  "followers.error.tag_not_found": "The tag no longer exists: refresh.",
  "followers.error.follower_not_found": "Some followers are not in wxgate's records: sync first.",
};

export const followersDictionary: SectionDictionary<FollowersKey> = { "zh-CN": zhCN, "en-US": enUS };

export type FollowersTranslate = SectionTranslate<FollowersKey>;

/** A refusal in the followers' words when its `details.reason` is one of theirs, else the console's. */
export function followersError(t: FollowersTranslate, error: unknown): string {
  const reason = (error as { reason?: unknown } | null)?.reason;
  const details = (error as { details?: unknown } | null)?.details;
  const key = `followers.error.${String(reason)}`;
  if (typeof reason === "string" && Object.hasOwn(zhCN, key)) {
    const limit = (details as { limit?: unknown } | undefined)?.limit;
    return t(key as FollowersKey, typeof limit === "number" ? { limit } : {});
  }
  return errorMessage(t, error);
}

/** A follow source's label, or WeChat's word when it is not one of ours. */
export function sceneLabel(t: FollowersTranslate, scene: string | null): string {
  if (!scene) return "—";
  const key = `scene.${scene}`;
  return Object.hasOwn(zhCN, key) ? t(key as FollowersKey) : scene;
}
