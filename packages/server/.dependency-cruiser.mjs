import { fileURLToPath } from "node:url";
import { moduleRules } from "./dependency-rules.mjs";

/** @type {import("dependency-cruiser").IConfiguration} */
export default {
  forbidden: moduleRules("src"),
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: fileURLToPath(new URL("../../tsconfig.json", import.meta.url)) },
    enhancedResolveOptions: { conditionNames: ["source", "import", "default"] },
  },
};
