import type { SectionDictionary } from "./index.js";

/** The labels of the links from an account to its operation screens (the account page's chunk). */
const zhCN = {
  "ops.materials": "素材管理",
  "ops.customerService": "多客服",
  "ops.campaigns": "运营计划",
};

type OpsKey = keyof typeof zhCN;

const enUS: Record<OpsKey, string> = {
  "ops.materials": "Materials",
  "ops.customerService": "Customer service",
  "ops.campaigns": "Campaigns",
};

export const operationsLinksDictionary: SectionDictionary<OpsKey> = { "zh-CN": zhCN, "en-US": enUS };
