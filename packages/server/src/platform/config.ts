import { readFileSync } from "node:fs";
import { BlockList, isIP } from "node:net";
import { isAbsolute, join, resolve } from "node:path";
import { isEncodingAESKey } from "@wxgate/wechat";
import { z } from "zod";
import {
  type ConfigSection,
  defineSection,
  flag,
  type SectionValue,
  type Setting,
  wholeNumber,
} from "./config-kit.js";

/** How wxgate talks to WeChat: the built-in emulator, or the real endpoints. */
export type Mode = "sandbox" | "production";

/** The credentials of the third-party platform (开放平台第三方平台) wxgate runs as. */
export interface ComponentConfig {
  appId: string;
  secret: string;
  token: string;
  encodingAESKey: string;
}

/** The settings every part of the server reads: where it listens, its store, its mode. */
export interface CoreConfig {
  host: string;
  port: number;
  /** Absolute path. */
  dataDir: string;
  /** `sqlite:<absolute path>` or `postgres://…`. */
  databaseUrl: string;
  /** The 32-byte master key when given by the environment; otherwise a key file is used. */
  masterKey: Buffer | undefined;
  /** The URL WeChat and browsers reach, without a trailing slash. */
  publicUrl: string;
  logLevel: LogLevel;
  mode: Mode;
  component: ComponentConfig | undefined;
  sandboxSeed: string;
  /**
   * Allows sandbox mode on a host other than loopback, where anyone who reaches the port can
   * use the emulator's control API (its snapshot holds the demo AppSecrets).
   */
  sandboxPublic: boolean;
}

/**
 * Each section, by its name: `config.jobs` here, and each module's own, which its `config.ts`
 * adds by declaration merging (`interface ConfigSections { tokens: SectionValue<…> }`), so the
 * platform names no module.
 */
export interface ConfigSections {
  jobs: SectionValue<typeof jobsConfig.settings>;
}

/** The validated configuration; built once at start by `loadConfig` (src/config.ts). */
export type Config = CoreConfig & ConfigSections;

export const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof logLevels)[number];

/** Every problem found in the configuration, not only the first one. */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

/** The core settings, by the name used in the config file. */
export const coreSettings = {
  host: {
    key: "host",
    env: "HOST",
    schema: z.string().trim().min(1, "must not be empty").default("127.0.0.1"),
    help: "listen address",
  },
  port: {
    key: "port",
    env: "PORT",
    schema: z.coerce
      .number({ error: "must be a number" })
      .int("must be an integer")
      .min(0, "must be between 0 and 65535")
      .max(65535, "must be between 0 and 65535")
      .default(8080),
    help: "listen port (0 picks a free one)",
  },
  dataDir: {
    key: "dataDir",
    env: "DATA_DIR",
    schema: z.string().trim().min(1, "must not be empty").default("./data"),
    help: "SQLite file, master key file, sandbox state",
  },
  databaseUrl: {
    key: "databaseUrl",
    env: "DATABASE_URL",
    schema: optionalText.pipe(
      z
        .string()
        .refine(isDatabaseUrl, "must be sqlite:<path> or postgres://user@host[:port]/database")
        .optional(),
    ),
    help: "sqlite:<path> (DATA_DIR/wxgate.db when unset) or postgres://user@host:5432/db",
  },
  masterKey: {
    key: "masterKey",
    env: "MASTER_KEY",
    schema: optionalText.pipe(
      z
        .string()
        .refine((v) => decodeBase64Key(v) !== undefined, "must be 32 bytes encoded in base64")
        .optional(),
    ),
    help: "base64 of 32 bytes sealing every stored secret (DATA_DIR/master.key when unset)",
  },
  publicUrl: {
    key: "publicUrl",
    env: "PUBLIC_URL",
    schema: optionalText.pipe(
      z.string().refine(isHttpUrl, "must be an absolute http:// or https:// URL").optional(),
    ),
    help: "the URL WeChat and browsers reach (http://HOST:PORT when unset)",
  },
  logLevel: {
    key: "logLevel",
    env: "LOG_LEVEL",
    schema: z.enum(logLevels, { error: `must be one of ${logLevels.join(", ")}` }).default("info"),
    help: logLevels.join(", "),
  },
  mode: {
    key: "mode",
    env: "MODE",
    schema: optionalText.pipe(
      z.enum(["sandbox", "production"], { error: "must be sandbox or production" }).optional(),
    ),
    help: "sandbox or production (production when the component settings are given)",
  },
  componentAppId: {
    key: "componentAppId",
    env: "COMPONENT_APPID",
    schema: optionalText.pipe(
      z
        .string()
        .regex(/^wx[0-9a-f]{16}$/, "must look like wx followed by 16 hexadecimal digits")
        .optional(),
    ),
    help: "the third-party platform's AppID",
  },
  componentSecret: {
    key: "componentSecret",
    env: "COMPONENT_SECRET",
    schema: optionalText.pipe(
      z
        .string()
        .regex(/^[0-9A-Za-z]{16,64}$/, "must be the AppSecret shown by WeChat (letters and digits)")
        .optional(),
    ),
    help: "the third-party platform's AppSecret",
  },
  componentToken: {
    key: "componentToken",
    env: "COMPONENT_TOKEN",
    schema: optionalText.pipe(
      z
        .string()
        .regex(/^[0-9A-Za-z]{3,32}$/, "must be 3 to 32 letters or digits")
        .optional(),
    ),
    help: "the platform's message Token",
  },
  componentEncodingAESKey: {
    key: "componentEncodingAESKey",
    env: "COMPONENT_ENCODING_AES_KEY",
    schema: optionalText.pipe(
      z.string().refine(isEncodingAESKey, "must be exactly 43 letters or digits").optional(),
    ),
    help: "the platform's EncodingAESKey",
  },
  sandboxSeed: {
    key: "sandboxSeed",
    env: "SANDBOX_SEED",
    schema: z.string().trim().min(1, "must not be empty").default("wxgate-demo"),
    help: "seed of the demo world's ids",
  },
  sandboxPublic: {
    key: "sandboxPublic",
    env: "SANDBOX_PUBLIC",
    schema: flag(false),
    help: "allow sandbox mode on a host other than loopback (anyone reaching it can use the emulator's control API)",
  },
} as const satisfies Record<string, Setting>;

/** The job queue's settings: `config.jobs`. */
export const jobsConfig = defineSection("jobs", {
  // Longer than any job may run — a webhook request gives up after 10 s — so a job still
  // running is never taken over; short enough that a crash delays its work by a minute.
  claimTimeoutSeconds: {
    key: "jobClaimTimeoutSeconds",
    env: "JOB_CLAIM_TIMEOUT_SECONDS",
    schema: wholeNumber(11, 3600, 60),
    help: "how long a worker's claim on a job or a webhook delivery lasts, in seconds",
  },
  retentionHours: {
    key: "jobRetentionHours",
    env: "JOB_RETENTION_HOURS",
    schema: wholeNumber(0, 720, 24),
    help: "how long finished jobs are kept for inspection, in hours",
  },
});

/** Every setting of these sections: the core ones first, then each section's, in order. */
export function settingsOf(sections: readonly ConfigSection[]): Setting[] {
  return [
    ...Object.values<Setting>(coreSettings),
    ...sections.flatMap((section) => Object.values<Setting>(section.settings)),
  ];
}

/** The environment variable naming a setting (by its file key), for messages the operator can act on. */
export function envNamer(settings: readonly Setting[]): (key: string) => string {
  const byKey = new Map(settings.map((s) => [s.key, s]));
  return (key) => {
    const found = byKey.get(key);
    return found ? `WXGATE_${found.env}` : key;
  };
}

const componentSettings = [
  "componentAppId",
  "componentSecret",
  "componentToken",
  "componentEncodingAESKey",
] as const satisfies readonly (keyof typeof coreSettings)[];

/**
 * Reads one section's settings from the raw values (file keys), listing each problem with its
 * variable; undefined when any setting is wrong.
 */
function parseSection<F extends Record<string, Setting>>(
  settings: F,
  raw: Record<string, unknown>,
  problems: string[],
  envName: (key: string) => string,
): SectionValue<F> | undefined {
  const value: Record<string, unknown> = {};
  let valid = true;
  for (const [field, setting] of Object.entries(settings)) {
    const parsed = setting.schema.safeParse(raw[setting.key]);
    if (parsed.success) {
      value[field] = parsed.data;
    } else {
      valid = false;
      for (const issue of parsed.error.issues) problems.push(`${envName(setting.key)}: ${issue.message}`);
    }
  }
  // Each field was parsed by its own setting's schema just above, so the object has F's shape.
  return valid ? (value as SectionValue<F>) : undefined;
}

/** Reads every section, each into its name; undefined when any is wrong (its problems are listed). */
function parseSections(
  sections: readonly ConfigSection[],
  raw: Record<string, unknown>,
  problems: string[],
  crossProblems: string[],
  envName: (key: string) => string,
): ConfigSections | undefined {
  const values: Record<string, unknown> = {};
  let valid = true;
  for (const section of sections) {
    const value = parseSection(section.settings, raw, problems, envName);
    if (value === undefined) {
      valid = false;
      continue;
    }
    crossProblems.push(...(section.check?.(value, envName) ?? []));
    values[section.name] = value;
  }
  // Every section given was read into its name just above; the caller gives them all.
  return valid ? (values as unknown as ConfigSections) : undefined;
}

const loopback = new BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");

/** Whether a listen address is reachable only from this machine: 127.0.0.0/8, ::1 or localhost. */
export function isLoopbackHost(host: string): boolean {
  const name = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1");
  if (name === "localhost") return true;
  const family = isIP(name);
  return family !== 0 && loopback.check(name, family === 4 ? "ipv4" : "ipv6");
}

/**
 * The sandbox serves its emulator's control API — the demo AppSecrets included — to whoever
 * reaches the port, so it listens on loopback unless the operator says otherwise. Read setting
 * by setting, so that this is listed even when an unrelated setting is wrong.
 */
function sandboxExposure(
  raw: Record<string, unknown>,
  componentGiven: boolean,
  envName: (key: string) => string,
): string | undefined {
  const mode = coreSettings.mode.schema.safeParse(raw["mode"]);
  const host = coreSettings.host.schema.safeParse(raw["host"]);
  const allowed = coreSettings.sandboxPublic.schema.safeParse(raw["sandboxPublic"]);
  if (!mode.success || !host.success || !allowed.success) return undefined;
  const sandbox = (mode.data ?? (componentGiven ? "production" : "sandbox")) === "sandbox";
  if (!sandbox || allowed.data || isLoopbackHost(host.data)) return undefined;
  return (
    `${envName("host")}: ${host.data} is not a loopback address, and in sandbox mode anyone who reaches ` +
    "the port could use the emulator's control API (/sandbox/__emulator), demo AppSecrets included; " +
    `listen on 127.0.0.1, or start with --sandbox-public (${envName("sandboxPublic")}=true) to allow it`
  );
}

function isDatabaseUrl(value: string): boolean {
  if (value.startsWith("sqlite:")) return value.length > "sqlite:".length;
  if (!/^postgres(ql)?:\/\//.test(value)) return false;
  try {
    const url = new URL(value);
    return url.hostname !== "" && url.pathname.length > 1;
  } catch {
    return false;
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/** Decodes a base64 (or base64url) master key; undefined unless it is exactly 32 bytes. */
export function decodeBase64Key(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) return undefined;
  const bytes = Buffer.from(trimmed.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  return bytes.length === 32 ? bytes : undefined;
}

/** Where configuration comes from. */
export interface ConfigSources {
  env: Record<string, string | undefined>;
  /** A JSON file whose keys are the setting names (`port`, `publicUrl`, …); the environment wins. */
  configFile?: string | undefined;
  /** Base for relative paths; defaults to the working directory. */
  cwd?: string;
  /** Command-line flags (`--sandbox-public`): they win over the environment and the file. */
  overrides?: Partial<Record<string, string>>;
}

/**
 * Reads, validates and normalizes the core settings, the job queue's and the given modules'
 * sections (`loadConfig` in src/config.ts gives them all).
 *
 * @throws {ConfigError} listing every problem at once
 */
export function readConfig(sources: ConfigSources, moduleSections: readonly ConfigSection[]): Config {
  const sections = [jobsConfig, ...moduleSections];
  const settings = settingsOf(sections);
  const known = new Set(settings.map((s) => s.key));
  const envName = envNamer(settings);
  const cwd = sources.cwd ?? process.cwd();
  const problems: string[] = [];
  const raw: Record<string, unknown> = {};
  const fileName = sources.configFile ?? sources.env["WXGATE_CONFIG"];
  if (fileName) Object.assign(raw, readConfigFile(resolve(cwd, fileName), problems));
  for (const setting of settings) {
    const value = sources.env[`WXGATE_${setting.env}`];
    // An empty variable counts as unset, as shells and compose files often leave them.
    if (value !== undefined && value.trim() !== "") raw[setting.key] = value;
  }
  Object.assign(raw, sources.overrides);
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) problems.push(`${fileName}: unknown setting "${key}"`);
  }

  // Every setting is read, whatever else is wrong, so every problem is listed at once.
  const v = parseSection(coreSettings, raw, problems, envName);
  const crossProblems: string[] = [];
  const values = parseSections(sections, raw, problems, crossProblems, envName);

  const given = componentSettings.filter(
    (s) => typeof raw[s] === "string" && (raw[s] as string).trim() !== "",
  );
  const missing = componentSettings.filter((s) => !given.includes(s));
  if (given.length > 0 && missing.length > 0) {
    problems.push(
      `the third-party platform needs all four component settings; missing: ${missing.map(envName).join(", ")}`,
    );
  }
  if (raw["mode"] === "production" && given.length === 0) {
    problems.push(`WXGATE_MODE=production needs ${componentSettings.map(envName).join(", ")}`);
  }
  const exposed = sandboxExposure(raw, given.length > 0, envName);
  if (exposed) problems.push(exposed);
  problems.push(...crossProblems);

  if (problems.length > 0 || v === undefined || values === undefined) throw new ConfigError(problems);

  const dataDir = isAbsolute(v.dataDir) ? v.dataDir : resolve(cwd, v.dataDir);
  const component =
    v.componentAppId && v.componentSecret && v.componentToken && v.componentEncodingAESKey
      ? {
          appId: v.componentAppId,
          secret: v.componentSecret,
          token: v.componentToken,
          encodingAESKey: v.componentEncodingAESKey,
        }
      : undefined;
  const browserHost = v.host === "0.0.0.0" || v.host === "::" ? "127.0.0.1" : v.host;
  return {
    host: v.host,
    port: v.port,
    dataDir,
    databaseUrl: normalizeDatabaseUrl(v.databaseUrl, dataDir, cwd),
    masterKey: v.masterKey ? decodeBase64Key(v.masterKey) : undefined,
    publicUrl: (v.publicUrl ?? `http://${browserHost}:${v.port}`).replace(/\/+$/, ""),
    logLevel: v.logLevel,
    mode: v.mode ?? (component ? "production" : "sandbox"),
    component,
    sandboxSeed: v.sandboxSeed,
    sandboxPublic: v.sandboxPublic,
    ...values,
  };
}

function normalizeDatabaseUrl(url: string | undefined, dataDir: string, cwd: string): string {
  if (!url) return `sqlite:${join(dataDir, "wxgate.db")}`;
  if (!url.startsWith("sqlite:")) return url;
  const path = url.slice("sqlite:".length).replace(/^\/\/(?=\/)/, "");
  return `sqlite:${isAbsolute(path) ? path : resolve(cwd, path)}`;
}

function readConfigFile(path: string, problems: string[]): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = error instanceof Error && "code" in error ? String(error.code) : "unreadable";
    problems.push(`${path}: cannot be read (${code})`);
    return {};
  }
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      problems.push(`${path}: must hold one JSON object`);
      return {};
    }
    // Numbers and strings alike, as the environment would give them.
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, typeof v === "number" ? String(v) : v]),
    );
  } catch {
    problems.push(`${path}: is not valid JSON`);
    return {};
  }
}
