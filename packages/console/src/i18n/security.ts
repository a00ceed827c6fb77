import type { SectionDictionary, SectionTranslate } from "./index.js";

/**
 * The texts of the security screen: loaded with that screen only, not in the first load.
 * zh-CN is the reference; the English half is typed against it.
 */
const zhCN = {
  "pages.security.intro":
    "你在各处登录的会话：设备、地址和最近使用时间。不认识的会话请立即结束，并修改密码。",
  "pages.security.sessions": "登录会话",
  "pages.security.device": "设备",
  "pages.security.ip": "IP 地址",
  "pages.security.signedInAt": "登录时间",
  "pages.security.lastSeen": "最近使用",
  "pages.security.endsAt": "最晚结束",
  "pages.security.current": "当前会话",
  "pages.security.end": "结束",
  "pages.security.endConfirm": "结束 {device} 上的会话？该设备需要重新登录。",
  "pages.security.ended": "会话已结束。",
  "pages.security.endOthers": "退出其他所有会话",
  "pages.security.endOthersConfirm": "结束除当前会话外的所有会话？其他设备需要重新登录。",
  "pages.security.endedOthers": "已结束 {count} 个会话。",
  "pages.security.confirmation": "风险操作验证",
  "pages.security.confirmedUntil": "身份已验证，{time} 前的风险操作无需再次验证。",
  "pages.security.notConfirmed":
    "风险操作（删除账号、修改回调与 Webhook、管理成员、创建可读取令牌的 API 密钥等）需要在 5 分钟内验证过身份。",
  "pages.security.confirmNow": "现在验证身份",
  "pages.security.totp": "身份验证器（两步验证）",
  "pages.security.totpOn": "已启用，{time} 起。新设备登录时需要输入身份验证器中的验证码。",
  "pages.security.totpOff":
    "未启用。启用后，新设备登录和验证身份都可以使用身份验证器应用（如微信小程序“腾讯身份验证器”、Google Authenticator）中的验证码。",
  "pages.security.totpEnrol": "启用身份验证器",
  "pages.security.totpScan":
    "用身份验证器应用扫描二维码，或手动输入密钥，然后输入应用显示的 6 位验证码。密钥只显示这一次。",
  "pages.security.totpSecret": "密钥",
  "pages.security.totpActivate": "启用",
  "pages.security.totpActivated": "身份验证器已启用。",
  "pages.security.totpDisable": "停用身份验证器",
  "pages.security.totpDisableConfirm": "停用身份验证器？新设备登录将改用邮件验证码。",
  "pages.security.totpDisabled": "身份验证器已停用。",
  "pages.security.protection": "新设备登录保护",
  "pages.security.protectedByTotp": "新设备登录时需要身份验证器验证码。",
  "pages.security.protectedByEmail": "新设备登录时需要邮件验证码（{email}）。",
  "pages.security.protectedBySandbox": "新设备登录时需要验证码（沙箱模式：显示在沙箱邮箱中）。",
  "pages.security.unprotected.no_email":
    "未受保护：没有身份验证器，也没有邮箱地址，新设备登录不需要第二步验证。请启用身份验证器，或请管理员填写您的邮箱。",
  "pages.security.unprotected.no_mail_server":
    "未受保护：没有身份验证器，服务器也未配置邮件发送（WXGATE_SMTP_URL），新设备登录不需要第二步验证。请启用身份验证器。",
  "pages.security.unprotected.verification_off": "服务器已关闭新设备验证（WXGATE_NEW_DEVICE_VERIFICATION）。",
  "pages.security.totpEnabledTag": "已启用",
  "pages.security.emailEdit": "修改邮箱",
  "pages.security.emailSave": "保存",
  "pages.security.emailSaved": "邮箱已保存。",
  "pages.security.emailInvalid": "请输入有效的邮箱地址，留空则删除",
  "pages.security.emailHint": "新设备的登录验证码会发送到这个邮箱。修改需要验证身份。",
  "pages.security.email": "邮箱",
  "pages.security.noEmail": "未填写",
  "pages.security.devices": "已知设备",
  "pages.security.devicesIntro": "通过第二步验证的浏览器。从这些设备登录只需要密码。",
  "pages.security.thisDevice": "此设备",
  "pages.security.firstSeen": "首次登录",
  "pages.security.forget": "移除",
  "pages.security.forgetConfirm": "移除 {device}？该设备下次登录时需要重新验证。",
  "pages.security.forgotten": "设备已移除。",
};

type SecurityKey = keyof typeof zhCN;

const enUS: Record<SecurityKey, string> = {
  "pages.security.intro":
    "Where you are signed in: device, address and last use. End any session you do not recognize, and change your password.",
  "pages.security.sessions": "Sessions",
  "pages.security.device": "Device",
  "pages.security.ip": "IP address",
  "pages.security.signedInAt": "Signed in",
  "pages.security.lastSeen": "Last used",
  "pages.security.endsAt": "Ends at the latest",
  "pages.security.current": "This session",
  "pages.security.end": "End",
  "pages.security.endConfirm": "End the session on {device}? That device will have to sign in again.",
  "pages.security.ended": "The session ended.",
  "pages.security.endOthers": "Sign out everywhere else",
  "pages.security.endOthersConfirm":
    "End every session but this one? Other devices will have to sign in again.",
  "pages.security.endedOthers": "{count} sessions ended.",
  "pages.security.confirmation": "Confirmation for risk operations",
  "pages.security.confirmedUntil": "Identity confirmed: risk operations until {time} will not ask again.",
  "pages.security.notConfirmed":
    "Risk operations (deleting accounts, changing callbacks and webhooks, managing members, API keys that read tokens, …) need your identity confirmed within 5 minutes.",
  "pages.security.confirmNow": "Confirm my identity now",
  "pages.security.totp": "Authenticator app (two-step verification)",
  "pages.security.totpOn": "On since {time}. A new device asks for the code of your authenticator app.",
  "pages.security.totpOff":
    "Off. Once on, new devices and confirmations can use the codes of an authenticator app (Google Authenticator, Microsoft Authenticator, 1Password, …).",
  "pages.security.totpEnrol": "Set up an authenticator app",
  "pages.security.totpScan":
    "Scan the QR code with your authenticator app, or type the secret, then enter the 6-digit code it shows. The secret is shown this once.",
  "pages.security.totpSecret": "Secret",
  "pages.security.totpActivate": "Turn on",
  "pages.security.totpActivated": "The authenticator app is on.",
  "pages.security.totpDisable": "Turn off the authenticator app",
  "pages.security.totpDisableConfirm":
    "Turn off the authenticator app? New devices will be verified by e-mailed codes.",
  "pages.security.totpDisabled": "The authenticator app is off.",
  "pages.security.protection": "New-device protection",
  "pages.security.protectedByTotp": "A sign-in from a new device needs your authenticator code.",
  "pages.security.protectedByEmail": "A sign-in from a new device needs a code e-mailed to {email}.",
  "pages.security.protectedBySandbox":
    "A sign-in from a new device needs a code (sandbox mode: shown in the sandbox mailbox).",
  "pages.security.unprotected.no_email":
    "Unprotected: with no authenticator app and no e-mail address, a new device signs in with the password alone. Set up an authenticator app, or ask an administrator to add your e-mail.",
  "pages.security.unprotected.no_mail_server":
    "Unprotected: with no authenticator app and no mail server configured (WXGATE_SMTP_URL), a new device signs in with the password alone. Set up an authenticator app.",
  "pages.security.unprotected.verification_off":
    "New-device verification is off on this server (WXGATE_NEW_DEVICE_VERIFICATION).",
  "pages.security.totpEnabledTag": "On",
  "pages.security.emailEdit": "Change e-mail",
  "pages.security.emailSave": "Save",
  "pages.security.emailSaved": "E-mail saved.",
  "pages.security.emailInvalid": "Enter a valid e-mail address, or leave it empty to remove it",
  "pages.security.emailHint":
    "New devices' sign-in codes go to this address. Changing it needs your identity confirmed.",
  "pages.security.email": "E-mail",
  "pages.security.noEmail": "none",
  "pages.security.devices": "Known devices",
  "pages.security.devicesIntro":
    "Browsers that passed a second factor. From these, the password alone signs in.",
  "pages.security.thisDevice": "This device",
  "pages.security.firstSeen": "First signed in",
  "pages.security.forget": "Forget",
  "pages.security.forgetConfirm": "Forget {device}? Its next sign-in will be verified again.",
  "pages.security.forgotten": "The device is forgotten.",
};

export const securityDictionary: SectionDictionary<SecurityKey> = { "zh-CN": zhCN, "en-US": enUS };

/** A translator of the security screen's texts (and the console's). */
export type SecurityTranslate = SectionTranslate<SecurityKey>;
