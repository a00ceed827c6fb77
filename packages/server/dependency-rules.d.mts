import type { IForbiddenRuleType } from "dependency-cruiser";

/** The server's module boundary rules for the modules under `root`. */
export declare function moduleRules(root: string): IForbiddenRuleType[];
