import { callLogConfig, lifecycleConfig } from "./accounts/index.js";
import { auditConfig } from "./audit/index.js";
import { authConfig } from "./auth/index.js";
import { campaignsConfig } from "./campaigns/index.js";
import {
  type Config,
  type ConfigSources,
  type coreSettings,
  envNamer,
  jobsConfig,
  readConfig,
  settingsOf,
} from "./platform/config.js";
import type { Setting } from "./platform/config-kit.js";
import { riskConfig } from "./risk/index.js";
import { teamConfig } from "./team/index.js";
import { tokensConfig } from "./tokens/index.js";
import { webhooksConfig } from "./webhooks/index.js";

export { type Config, ConfigError, type ConfigSources } from "./platform/config.js";

/**
 * The modules' config sections, in the order their problems are listed (after the core
 * settings and the job queue's). A module with settings adds its section here, as it adds
 * its factory to `registry.ts`.
 */
export const configSections = [
  webhooksConfig,
  lifecycleConfig,
  tokensConfig,
  authConfig,
  auditConfig,
  teamConfig,
  riskConfig,
  campaignsConfig,
  callLogConfig,
] as const;

/** Every setting the server reads: the core ones, the job queue's, then each module's. */
export const everySetting: readonly Setting[] = settingsOf([jobsConfig, ...configSections]);

/** The config-file keys of a section's settings. */
type KeysOf<F> = { [K in keyof F]: F[K] extends { key: infer N } ? N : never }[keyof F];
type SectionSettingKey = (typeof configSections)[number] | typeof jobsConfig extends infer S
  ? S extends { settings: infer F }
    ? KeysOf<F>
    : never
  : never;

/** A setting's name: its key in the config file. */
export type SettingName = keyof typeof coreSettings | SectionSettingKey;

const known = new Set<string>(everySetting.map((s) => s.key));
function isSettingName(key: string): key is SettingName {
  return known.has(key);
}

/** Every setting, by the name used in the config file. */
export const settingNames: SettingName[] = everySetting.map((s) => s.key).filter(isSettingName);

/** The environment variable naming a setting, for messages the operator can act on. */
export const envName: (setting: string) => string = envNamer(everySetting);

/**
 * The settings that protect the server. Each one must change what the running server does:
 * `test/security-settings.test.ts` starts a server with each at a non-default value and
 * fails for a setting listed here without a probe showing the change over HTTP.
 */
export const securitySettings = [
  "loginMaxFailures",
  "loginFreezeMinutes",
  "signInIpLimit",
  "signInIpWindowMinutes",
  "signInUsernameLimit",
  "signInUsernameWindowMinutes",
  "sessionIdleMinutes",
  "sessionMaxHours",
  "confirmationMinutes",
  "newDeviceVerification",
  "secondFactorMinutes",
  "sandboxPublic",
] as const satisfies readonly SettingName[];
export type SecuritySetting = (typeof securitySettings)[number];

/**
 * Reads, validates and normalizes the whole configuration: the core settings and every
 * section, each module's from its own schema.
 *
 * @throws {ConfigError} listing every problem at once
 */
export function loadConfig(sources: ConfigSources): Config {
  return readConfig(sources, configSections);
}

/**
 * The settings as `wxgate --help` lists them, one a line: the variable (and the config file's
 * key), what it does, and its default. Built from the assembled sections, so a setting is
 * listed as soon as it exists.
 */
export function settingsHelp(): string {
  return everySetting
    .map((setting) => {
      const fallback = setting.schema.safeParse(undefined);
      const shown =
        fallback.success && fallback.data !== undefined ? `; default ${String(fallback.data)}` : "";
      return `  ${envName(setting.key)} (${setting.key})\n      ${setting.help}${shown}`;
    })
    .join("\n");
}
