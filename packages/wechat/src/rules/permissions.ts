/** The three kinds of account wxgate manages: 订阅号, 服务号 and 小程序. */
export type AccountKind = "subscription" | "service" | "miniprogram";

/** One permission set (权限集, `funcscope_category.id`) an account can grant a third-party platform. */
export interface PermissionSet {
  /** `funcscope_category.id` as found in `func_info`. */
  id: number;
  /** WeChat's Chinese name, as shown on the authorization page. */
  name: string;
  /** Whether the set belongs to official accounts or to mini programs. */
  appliesTo: "official" | "miniprogram";
}

/** Every permission set id WeChat documents, with its Chinese name. */
export const permissionSets: readonly PermissionSet[] = [
  { id: 1, name: "消息管理", appliesTo: "official" },
  { id: 2, name: "用户管理", appliesTo: "official" },
  { id: 3, name: "账号服务", appliesTo: "official" },
  { id: 4, name: "网页服务", appliesTo: "official" },
  { id: 5, name: "微信小店", appliesTo: "official" },
  { id: 6, name: "微信多客服", appliesTo: "official" },
  { id: 7, name: "群发与通知", appliesTo: "official" },
  { id: 8, name: "微信卡券", appliesTo: "official" },
  { id: 9, name: "微信扫一扫", appliesTo: "official" },
  { id: 10, name: "微信连WIFI", appliesTo: "official" },
  { id: 11, name: "素材管理", appliesTo: "official" },
  { id: 12, name: "微信摇周边", appliesTo: "official" },
  { id: 13, name: "微信门店", appliesTo: "official" },
  { id: 15, name: "自定义菜单", appliesTo: "official" },
  { id: 17, name: "获取小程序码", appliesTo: "miniprogram" },
  { id: 18, name: "开发与数据分析", appliesTo: "miniprogram" },
  { id: 19, name: "客服管理", appliesTo: "miniprogram" },
  { id: 22, name: "城市服务", appliesTo: "official" },
  { id: 23, name: "广告管理", appliesTo: "official" },
  { id: 24, name: "开放平台账号管理", appliesTo: "official" },
  { id: 25, name: "开放平台账号管理", appliesTo: "miniprogram" },
  { id: 26, name: "微信电子发票", appliesTo: "official" },
  { id: 27, name: "快速注册小程序", appliesTo: "official" },
  { id: 30, name: "基本信息管理", appliesTo: "miniprogram" },
  { id: 31, name: "认证名称检测", appliesTo: "miniprogram" },
  { id: 33, name: "小程序关联管理", appliesTo: "official" },
  { id: 34, name: "微信商品库管理", appliesTo: "official" },
  { id: 37, name: "附近的小程序", appliesTo: "miniprogram" },
  { id: 40, name: "插件管理", appliesTo: "miniprogram" },
  { id: 45, name: "物流服务", appliesTo: "miniprogram" },
  { id: 49, name: "云开发", appliesTo: "miniprogram" },
  { id: 51, name: "即时配送", appliesTo: "miniprogram" },
  { id: 52, name: "直播", appliesTo: "miniprogram" },
  { id: 54, name: "服务号对话管理", appliesTo: "official" },
  { id: 89, name: "服务号订阅通知", appliesTo: "official" },
];

const namesById = new Map(permissionSets.map((set) => [set.id, set.name]));

/** The Chinese name of a permission set, or `undefined` for an id WeChat does not document. */
export function permissionSetName(id: number): string | undefined {
  return namesById.get(id);
}

/**
 * The permission sets an account must grant before wxgate enables it. These are defaults:
 * the server keeps the list as a setting.
 *
 * The mini program list lacks 小程序链接管理 on purpose: its `funcscope_category` id is not
 * confirmed by any source, so it is left for the operator to add.
 */
export const defaultMinimumPermissionSets: { official: readonly number[]; miniprogram: readonly number[] } = {
  official: [1, 2, 3, 7, 8, 11, 15],
  miniprogram: [17, 19, 30],
};

/**
 * Granted vs required vs missing, as the account page shows them. Every list is sorted
 * ascending and free of duplicates; `missing` keeps only required ids not granted.
 */
export function comparePermissionSets(
  granted: readonly number[],
  required: readonly number[],
): { granted: number[]; required: number[]; missing: number[] } {
  const grantedSorted = uniqueSorted(granted);
  const requiredSorted = uniqueSorted(required);
  const grantedSet = new Set(grantedSorted);
  return {
    granted: grantedSorted,
    required: requiredSorted,
    missing: requiredSorted.filter((id) => !grantedSet.has(id)),
  };
}

function uniqueSorted(ids: readonly number[]): number[] {
  return [...new Set(ids)].sort((a, b) => a - b);
}
