import { readFileSync } from "node:fs";
import { describe, expect, expectTypeOf, it } from "vitest";
import { configSections, everySetting, loadConfig, settingNames } from "./config.js";
import type { ConfigSections } from "./platform/config.js";

describe("the assembled configuration", () => {
  it("reads every section a module declares: none is declared without being listed", () => {
    // A section added to ConfigSections but missing from configSections fails the type check here.
    expectTypeOf<keyof ConfigSections>().toEqualTypeOf<"jobs" | (typeof configSections)[number]["name"]>();
    const config = loadConfig({ env: {} });
    for (const section of configSections) expect(config[section.name]).toBeTypeOf("object");
    expect(config.jobs).toEqual({ claimTimeoutSeconds: 60, retentionHours: 24 });
  });

  it("gives every setting one config-file key and one variable", () => {
    expect(new Set(settingNames).size).toBe(everySetting.length);
    expect(new Set(everySetting.map((s) => s.env)).size).toBe(everySetting.length);
  });
});

describe("the READMEs' configuration tables", () => {
  const root = new URL("../../../", import.meta.url);
  it.each(["README.md", "packages/server/README.md"])(
    "%s lists every setting by its variable and key",
    (file) => {
      const text = readFileSync(new URL(file, root), "utf8");
      const missing = everySetting.filter((s) => !text.includes(`| \`WXGATE_${s.env}\` (\`${s.key}\`)`));
      expect(missing.map((s) => `WXGATE_${s.env}`)).toEqual([]);
    },
  );
});
