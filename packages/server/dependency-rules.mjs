// The module boundaries of the server, checked by dependency-cruiser (`npm run lint`) and by
// `dependency-rules.test.ts` against small fixtures, so the rules are proven to catch what they name.

/** Folders under `src/` that are layers, not domain modules: any file of theirs may be imported. */
const LAYERS = ["platform", "http", "cli", "testing"];

/** @param {string} root the folder holding the modules, relative to where the cruise runs */
export function moduleRules(root) {
  const base = root.replace(/\/+$/, "").replace(/[.]/g, "\\.");
  const layers = LAYERS.map((layer) => `${layer}/`).join("|");
  return [
    {
      name: "module-internals",
      comment:
        "A domain module is imported by other code only through its index.ts: what it offers is " +
        "declared there, and its other files can change without breaking a neighbour.",
      severity: "error",
      from: { path: `^(${base}/[^/]+)` },
      to: {
        path: `^${base}/(?!${layers})[^/]+/(?!index\\.ts$)`,
        pathNot: `^$1/`,
      },
    },
    {
      name: "no-cycles",
      comment: "No import cycles: between modules they tie two modules into one.",
      severity: "error",
      from: { path: `^${base}/` },
      to: { circular: true },
    },
    {
      name: "platform-knows-no-domain",
      comment: "The platform layer offers ports and adapters; it imports no domain module.",
      severity: "error",
      from: { path: `^${base}/platform/` },
      to: { path: `^${base}/(?!${layers})[^/]+/` },
    },
  ];
}
