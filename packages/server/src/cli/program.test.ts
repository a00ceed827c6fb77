import { describe, expect, it } from "vitest";
import { envName, everySetting, settingNames } from "../config.js";
import { buildProgram } from "./program.js";

function helpText(): string {
  const program = buildProgram();
  let text = "";
  program.configureOutput({ writeOut: (chunk) => (text += chunk) });
  program.outputHelp();
  return text;
}

describe("wxgate --help", () => {
  it("lists every environment variable the configuration reads, with its config file key", () => {
    const help = helpText();
    expect(everySetting.length).toBe(settingNames.length);
    const missing = settingNames.filter((key) => !help.includes(`${envName(key)} (${key})`));
    expect(missing).toEqual([]);
    // The lifecycle's settings, which a hand-written list once left out.
    expect(help).toContain("WXGATE_DEAUTHORIZATION_COOLING_OFF_HOURS (deauthorizationCoolingOffHours)");
    expect(help).toMatch(/WXGATE_PORT \(port\)\s+listen port \(0 picks a free one\); default 8080/);
  });

  it("names no variable the configuration does not read", () => {
    const named = helpText().match(/WXGATE_[A-Z_]+/g) ?? [];
    const read = new Set([...settingNames.map(envName), "WXGATE_CONFIG"]);
    expect(named.filter((name) => !read.has(name))).toEqual([]);
  });
});
