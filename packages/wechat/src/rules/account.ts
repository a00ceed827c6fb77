import type { AccountKind } from "./permissions.js";

/**
 * The kind of an authorized account from `service_type_info.id` (0 subscription,
 * 1 subscription upgraded from an old account, 2 service). Mini programs are told apart by
 * the presence of `MiniProgramInfo`, not by the service type, so the caller says so.
 * An undocumented service type is treated as a subscription account: the kind with the
 * fewest rights, so an unknown account is never granted more than it may have.
 */
export function accountKindFromServiceType(serviceTypeId: number, isMiniProgram: boolean): AccountKind {
  if (isMiniProgram) return "miniprogram";
  return serviceTypeId === 2 ? "service" : "subscription";
}

/** The documented values of `verify_type_info.id`. */
export const verifyType = {
  unverified: -1,
  wechat: 0,
  sinaWeibo: 1,
  tencentWeibo: 2,
  qualificationOnly: 3,
  qualificationAndSinaWeibo: 4,
  qualificationAndTencentWeibo: 5,
} as const;

/**
 * Whether `verify_type_info.id` counts as verified (微信认证) for the advanced interfaces.
 *
 * - 0 (WeChat verified): verified.
 * - 3 (qualification verified, name not yet): verified. Qualification review (资质认证) is
 *   the step that grants the interface rights; name verification only concerns the
 *   account's displayed name, so the interfaces are already open.
 * - -1, and every Weibo variant (1, 2, 4, 5): not verified. Weibo verification is counted
 *   as unverified, and 4/5 are kept in that group as WeChat's facts list them, although
 *   they also carry a qualification review (uncertain; the conservative choice).
 */
export function isVerifiedType(verifyTypeId: number): boolean {
  return verifyTypeId === verifyType.wechat || verifyTypeId === verifyType.qualificationOnly;
}

/** `authorizer_info.account_status` values. */
export const accountStatus = { normal: 1, cancelled: 14, banned: 16, warned: 18, frozen: 19 } as const;

/** One of the {@link accountStatus} values. */
export type AccountStatus = (typeof accountStatus)[keyof typeof accountStatus];

/** Whether an account in this status can no longer call APIs (cancelled, banned, frozen). A warning does not stop it. */
export function isSuspendedStatus(status: number): boolean {
  return (
    status === accountStatus.cancelled || status === accountStatus.banned || status === accountStatus.frozen
  );
}
