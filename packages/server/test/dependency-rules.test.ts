import { fileURLToPath } from "node:url";
import { cruise } from "dependency-cruiser";
import { describe, expect, it } from "vitest";
import { moduleRules } from "../dependency-rules.mjs";

const fixture = fileURLToPath(new URL("./fixtures/boundaries", import.meta.url));
const tsConfig = fileURLToPath(new URL("../../../tsconfig.json", import.meta.url));

/** The violations the server's rules find in the fixture modules, as "rule: from → to". */
async function violations(): Promise<string[]> {
  const result = await cruise(
    ["src"],
    {
      baseDir: fixture,
      validate: true,
      ruleSet: { forbidden: moduleRules("src") },
      tsPreCompilationDeps: true,
      doNotFollow: { path: "node_modules" },
    },
    undefined,
    { tsConfig: { fileName: tsConfig } },
  );
  if (typeof result.output === "string") throw new Error("expected a cruise result, got text");
  return result.output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
}

describe("the module boundary rules (dependency-cruiser)", () => {
  it("report a module importing another module's internal file, a cycle, and the platform importing a module — and nothing else", async () => {
    const found = await violations();
    expect(found).toContain("module-internals: src/beta/index.ts → src/alpha/inner.ts");
    // A cycle is reported once, from whichever of its files the cruise met first.
    const cycles = found.filter((v) => v.startsWith("no-cycles:"));
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toMatch(/^no-cycles: src\/(gamma|delta)\/index\.ts → src\/(delta|gamma)\/index\.ts$/);
    expect(found).toContain("platform-knows-no-domain: src/platform/port.ts → src/alpha/index.ts");
    // epsilon imports alpha through its index.ts, and alpha's index reaches its own inner file.
    expect(found.filter((v) => v.includes("epsilon") || v.startsWith("module-internals: src/alpha"))).toEqual(
      [],
    );
    expect(found).toHaveLength(3);
  });
});
