import type { SectionDictionary, SectionTranslate } from "./index.js";

/**
 * The texts of the parametric QR codes screen (参数二维码): loaded with that screen only.
 * zh-CN is the reference; the English half is typed against it.
 */
const zhCN = {
  "qr.title": "参数二维码",
  "qr.intro":
    "渠道二维码永久有效，按渠道统计扫码和新增关注；裂变二维码每位邀请人一个（临时，最长 30 天），记录谁带来了谁。数据来自微信推送的关注和扫码事件，按北京时间分日。",
  "qr.back": "返回账号",
  "qr.tab.channels": "渠道二维码",
  "qr.tab.stats": "数据",
  "qr.tab.fission": "裂变",
  "qr.create": "新建渠道码",
  "qr.batch": "批量创建",
  "qr.name": "渠道名称",
  "qr.scene": "场景值",
  "qr.sceneHint": "留空则使用渠道名称；1 到 64 个字符，关注和扫码事件中原样带回。",
  "qr.created": "已创建渠道码“{name}”。",
  "qr.createdAt": "创建时间",
  "qr.scans": "扫码次数",
  "qr.newFollowers": "新增关注",
  "qr.unfollows": "取消关注",
  "qr.download": "下载图片",
  "qr.empty": "还没有渠道二维码。",
  "qr.list": "渠道二维码列表",
  "qr.batchHint": "每行一个渠道：“名称”或“名称,场景值”。一次最多 100 个，逐个创建，每一个的结果都会列出。",
  "qr.batchLines": "渠道",
  "qr.batchTooMany": "一次最多 100 个渠道，现在有 {count} 个。",
  "qr.batchEmpty": "请至少填写一个渠道。",
  "qr.batchRunning": "正在创建：已完成 {done} / {total} 个……",
  "qr.batchPending": "等待中",
  "qr.batchDone": "已创建 {created} 个，失败 {failed} 个。",
  "qr.batchOk": "已创建",
  "qr.result": "结果",
  "qr.range": "日期范围",
  "qr.metric": "指标",
  "qr.export": "导出 CSV",
  "qr.statsEmpty": "这段时间没有扫码。",
  "qr.chart": "每日{metric}（按渠道，前 {count} 个）",
  "qr.fission.inviter": "邀请人 OpenID",
  "qr.fission.days": "有效天数",
  "qr.fission.create": "生成裂变码",
  "qr.fission.created": "已生成裂变码，{time} 过期。",
  "qr.fission.reused": "这位邀请人的裂变码仍然有效，{time} 过期。",
  "qr.fission.tree": "邀请关系",
  "qr.fission.empty": "还没有人通过裂变码关注。",
  "qr.fission.counts": "邀请 {invited} 人 · 仍关注 {still} 人 · 下级共 {descendants} 人",
  "qr.fission.unfollowed": "已取消关注",
  "qr.fission.total": "共 {count} 条邀请关系",
  "qr.fission.truncated": "邀请关系超过 10,000 条，只显示前 10,000 条。",
  "qr.errors.name_invalid": "渠道名称需要 1 到 {limit} 个字符。",
  "qr.errors.scene_invalid": "场景值需要 1 到 {limit} 个字符（微信的 scene_str 限制）。",
  "qr.errors.scene_repeated": "这一批里有重复的场景值。",
  "qr.errors.scene_taken": "这个账号已有使用该场景值的二维码。",
  "qr.errors.permanent_limit": "这个账号的永久二维码已达微信上限 {limit} 个。",
  "qr.errors.daily_limit": "这个账号今天已向微信申请 {limit} 个二维码，达到每日上限，请明天再试。",
  "qr.errors.expire_invalid": "有效期最长 30 天（{limit} 秒）。",
  "qr.errors.inviter_invalid": "邀请人需要是粉丝的 OpenID。",
  "qr.errors.code_expired": "这个临时二维码已过期，微信不再显示它。",
  "qr.errors.wechat_refused": "微信拒绝了请求（错误码 {errcode}）。",
  "qr.errors.wechat_unreachable": "无法连接微信，请稍后重试。",
  "qr.errors.range_invalid": "日期范围无效（最长 {limit} 天）。",
};

type QrKey = keyof typeof zhCN;

const enUS: Record<QrKey, string> = {
  "qr.title": "Parametric QR codes",
  "qr.intro":
    "Channel codes never expire and count scans and new followers per channel; fission codes are one per inviting follower (temporary, 30 days at most) and record who brought whom. The figures come from WeChat's follow and scan events, by day in China Standard Time.",
  "qr.back": "Back to the account",
  "qr.tab.channels": "Channel codes",
  "qr.tab.stats": "Figures",
  "qr.tab.fission": "Fission",
  "qr.create": "New channel code",
  "qr.batch": "Create a batch",
  "qr.name": "Channel name",
  "qr.scene": "Scene",
  "qr.sceneHint":
    "The name when left empty; 1 to 64 characters, carried back as is in follow and scan events.",
  "qr.created": "Channel code “{name}” created.",
  "qr.createdAt": "Created",
  "qr.scans": "Scans",
  "qr.newFollowers": "New followers",
  "qr.unfollows": "Unfollows",
  "qr.download": "Download image",
  "qr.empty": "No channel code yet.",
  "qr.list": "Channel codes",
  "qr.batchHint":
    "One channel a line: “name” or “name,scene”. Up to 100 at once, created one after the other; each one's outcome is listed.",
  "qr.batchLines": "Channels",
  "qr.batchTooMany": "At most 100 channels at once; there are {count}.",
  "qr.batchEmpty": "Give at least one channel.",
  "qr.batchRunning": "Creating: {done} of {total} done…",
  "qr.batchPending": "Waiting",
  "qr.batchDone": "{created} created, {failed} failed.",
  "qr.batchOk": "Created",
  "qr.result": "Outcome",
  "qr.range": "Days",
  "qr.metric": "Figure",
  "qr.export": "Export CSV",
  "qr.statsEmpty": "No scans in these days.",
  "qr.chart": "{metric} per day (per channel, top {count})",
  "qr.fission.inviter": "Inviter's OpenID",
  "qr.fission.days": "Days valid",
  "qr.fission.create": "Make the fission code",
  "qr.fission.created": "Fission code made; it expires {time}.",
  "qr.fission.reused": "This inviter's fission code is still valid; it expires {time}.",
  "qr.fission.tree": "Who brought whom",
  "qr.fission.empty": "No one has followed through a fission code yet.",
  "qr.fission.counts": "invited {invited} · still following {still} · {descendants} below",
  "qr.fission.unfollowed": "unfollowed",
  "qr.fission.total": "{count} invitations",
  "qr.fission.truncated": "More than 10,000 invitations: the first 10,000 are shown.",
  "qr.errors.name_invalid": "A channel's name is 1 to {limit} characters.",
  "qr.errors.scene_invalid": "A scene is 1 to {limit} characters (WeChat's scene_str).",
  "qr.errors.scene_repeated": "The batch has a scene twice.",
  "qr.errors.scene_taken": "The account has a code with that scene already.",
  "qr.errors.permanent_limit": "The account has WeChat's maximum of {limit} permanent codes.",
  "qr.errors.daily_limit":
    "The account asked WeChat for {limit} codes today, its daily maximum: try again tomorrow.",
  "qr.errors.expire_invalid": "A code lives 30 days ({limit} seconds) at most.",
  "qr.errors.inviter_invalid": "The inviter must be a follower's OpenID.",
  "qr.errors.code_expired": "This temporary code has expired: WeChat no longer shows it.",
  "qr.errors.wechat_refused": "WeChat refused (errcode {errcode}).",
  "qr.errors.wechat_unreachable": "WeChat could not be reached; try again later.",
  "qr.errors.range_invalid": "The days are not a valid range ({limit} days at most).",
};

export const qrcodesDictionary: SectionDictionary<QrKey> = { "zh-CN": zhCN, "en-US": enUS };

/** A translator of the QR codes' texts (and the console's). */
export type QrTranslate = SectionTranslate<QrKey>;

/** The translated reason of a refusal or a batch item, when this section knows it. */
export function qrReason(
  t: QrTranslate,
  reason: string | null | undefined,
  vars: Readonly<Record<string, string | number>> = {},
): string | undefined {
  const key = `qr.errors.${reason}`;
  return reason && Object.hasOwn(zhCN, key) ? t(key as QrKey, vars) : undefined;
}
