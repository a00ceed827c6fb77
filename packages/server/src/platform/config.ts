import { readFileSync } from "node:fs";
import { BlockList, isIP } from "node:net";
import { isAbsolute, join, resolve } from "node:path";
import { isEncodingAESKey } from "@wxgate/wechat";
import { z } from "zod";

/** How wxgate talks to WeChat: the built-in emulator, or the real endpoints. */
export type Mode = "sandbox" | "production";

/** The credentials of the third-party platform (开放平台第三方平台) wxgate runs as. */
export interface ComponentConfig {
  appId: string;
  secret: string;
  token: string;
  encodingAESKey: string;
}

/** The validated configuration; built once at start by {@link loadConfig}. */
export interface Config {
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
  /**
   * How long a worker's claim on a job lasts, in seconds: a job whose worker died (a crash,
   * a kill) is run again once its claim lapses.
   */
  jobClaimTimeoutSeconds: number;
  /** How long finished jobs are kept for inspection before they are deleted, in hours. */
  jobRetentionHours: number;
  /** Webhook deliveries in flight at once, over all webhooks. */
  webhookConcurrency: number;
  /** Webhook deliveries in flight at once to one webhook (at most {@link webhookConcurrency}). */
  webhookConcurrencyPerWebhook: number;
  /** How long a platform authorization lasts, in days (at most 365). */
  authorizationValidityDays: number;
  /** How long a de-authorized account stays frozen before it may be deleted, in hours. */
  deauthorizationCoolingOffHours: number;
  /** Authorization requests (pre-auth links) the platform may start per month, Beijing time. */
  authorizationRequestsPerMonth: number;
  /** How often the authorization lifecycle sweep runs, in minutes. */
  authorizationSweepMinutes: number;
  /** How often the background token refresher looks for tokens about to expire, in seconds. */
  tokenRefreshSeconds: number;
  /** Consecutive wrong passwords that freeze a login. */
  loginMaxFailures: number;
  /** How long a frozen login stays frozen, in minutes. */
  loginFreezeMinutes: number;
  /** Sign-in attempts one client address may make per window. */
  signInIpLimit: number;
  /** The window of {@link signInIpLimit}, in minutes. */
  signInIpWindowMinutes: number;
  /** Sign-in attempts for one username (from any address) per window. */
  signInUsernameLimit: number;
  /** The window of {@link signInUsernameLimit}, in minutes. */
  signInUsernameWindowMinutes: number;
}

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

/** The settings, by the name used in the config file; the environment variable is WXGATE_ + upper snake case. */
const settings = {
  host: "HOST",
  port: "PORT",
  dataDir: "DATA_DIR",
  databaseUrl: "DATABASE_URL",
  masterKey: "MASTER_KEY",
  publicUrl: "PUBLIC_URL",
  logLevel: "LOG_LEVEL",
  jobClaimTimeoutSeconds: "JOB_CLAIM_TIMEOUT_SECONDS",
  jobRetentionHours: "JOB_RETENTION_HOURS",
  webhookConcurrency: "WEBHOOK_CONCURRENCY",
  webhookConcurrencyPerWebhook: "WEBHOOK_CONCURRENCY_PER_WEBHOOK",
  mode: "MODE",
  componentAppId: "COMPONENT_APPID",
  componentSecret: "COMPONENT_SECRET",
  componentToken: "COMPONENT_TOKEN",
  componentEncodingAESKey: "COMPONENT_ENCODING_AES_KEY",
  sandboxSeed: "SANDBOX_SEED",
  sandboxPublic: "SANDBOX_PUBLIC",
  authorizationValidityDays: "AUTHORIZATION_VALIDITY_DAYS",
  deauthorizationCoolingOffHours: "DEAUTHORIZATION_COOLING_OFF_HOURS",
  authorizationRequestsPerMonth: "AUTHORIZATION_REQUESTS_PER_MONTH",
  authorizationSweepMinutes: "AUTHORIZATION_SWEEP_MINUTES",
  tokenRefreshSeconds: "TOKEN_REFRESH_SECONDS",
  loginMaxFailures: "LOGIN_MAX_FAILURES",
  loginFreezeMinutes: "LOGIN_FREEZE_MINUTES",
  signInIpLimit: "SIGN_IN_IP_LIMIT",
  signInIpWindowMinutes: "SIGN_IN_IP_WINDOW_MINUTES",
  signInUsernameLimit: "SIGN_IN_USERNAME_LIMIT",
  signInUsernameWindowMinutes: "SIGN_IN_USERNAME_WINDOW_MINUTES",
} as const;
export type SettingName = keyof typeof settings;

/** Every setting, by the name used in the config file. */
export const settingNames = Object.keys(settings) as SettingName[];

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
  "sandboxPublic",
] as const satisfies readonly SettingName[];
export type SecuritySetting = (typeof securitySettings)[number];

const componentSettings = [
  "componentAppId",
  "componentSecret",
  "componentToken",
  "componentEncodingAESKey",
] as const satisfies readonly SettingName[];

/** The environment variable naming a setting, for messages the operator can act on. */
export function envName(setting: string): string {
  const suffix = (settings as Record<string, string>)[setting];
  return suffix ? `WXGATE_${suffix}` : setting;
}

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

/** A whole number between `min` and `max`, from the environment's text or the file's number. */
function wholeNumber(min: number, max: number, fallback: number) {
  const range = `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: range }).int(range).min(min, range).max(max, range).default(fallback);
}

/** A yes or no: the file's boolean, or the environment's `true` / `false` (also 1/0, yes/no, on/off). */
function flag(fallback: boolean) {
  const message = "must be true or false";
  return z.union([z.boolean(), z.stringbool({ error: message })], { error: message }).default(fallback);
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

const schema = z.object({
  host: z.string().trim().min(1, "must not be empty").default("127.0.0.1"),
  port: z.coerce
    .number({ error: "must be a number" })
    .int("must be an integer")
    .min(0, "must be between 0 and 65535")
    .max(65535, "must be between 0 and 65535")
    .default(8080),
  dataDir: z.string().trim().min(1, "must not be empty").default("./data"),
  databaseUrl: optionalText.pipe(
    z
      .string()
      .refine(isDatabaseUrl, "must be sqlite:<path> or postgres://user@host[:port]/database")
      .optional(),
  ),
  masterKey: optionalText.pipe(
    z
      .string()
      .refine((v) => decodeBase64Key(v) !== undefined, "must be 32 bytes encoded in base64")
      .optional(),
  ),
  publicUrl: optionalText.pipe(
    z.string().refine(isHttpUrl, "must be an absolute http:// or https:// URL").optional(),
  ),
  logLevel: z.enum(logLevels, { error: `must be one of ${logLevels.join(", ")}` }).default("info"),
  mode: optionalText.pipe(
    z.enum(["sandbox", "production"], { error: "must be sandbox or production" }).optional(),
  ),
  componentAppId: optionalText.pipe(
    z
      .string()
      .regex(/^wx[0-9a-f]{16}$/, "must look like wx followed by 16 hexadecimal digits")
      .optional(),
  ),
  componentSecret: optionalText.pipe(
    z
      .string()
      .regex(/^[0-9A-Za-z]{16,64}$/, "must be the AppSecret shown by WeChat (letters and digits)")
      .optional(),
  ),
  componentToken: optionalText.pipe(
    z
      .string()
      .regex(/^[0-9A-Za-z]{3,32}$/, "must be 3 to 32 letters or digits")
      .optional(),
  ),
  componentEncodingAESKey: optionalText.pipe(
    z.string().refine(isEncodingAESKey, "must be exactly 43 letters or digits").optional(),
  ),
  sandboxSeed: z.string().trim().min(1, "must not be empty").default("wxgate-demo"),
  sandboxPublic: flag(false),
  // Longer than any job may run — a webhook request gives up after 10 s — so a job still
  // running is never taken over; short enough that a crash delays its work by a minute.
  jobClaimTimeoutSeconds: wholeNumber(11, 3600, 60),
  jobRetentionHours: wholeNumber(0, 720, 24),
  // Requests out at once, each holding a connection and its delivery in memory: the backlog
  // waits in the store, never in memory. A webhook's deliveries per second are about its
  // share divided by its response time (the event loop's turn included, under load): 16 keep
  // up with a busy gateway on one core.
  webhookConcurrency: wholeNumber(1, 256, 64),
  webhookConcurrencyPerWebhook: wholeNumber(1, 256, 16),
  // A platform authorization lasts at most a year; an operator may choose less.
  authorizationValidityDays: wholeNumber(1, 365, 365),
  // 0 turns the freeze off; a month is the most it may last.
  deauthorizationCoolingOffHours: wholeNumber(0, 720, 48),
  authorizationRequestsPerMonth: wholeNumber(1, 1000, 50),
  authorizationSweepMinutes: wholeNumber(1, 1440, 60),
  // Well inside the 5-minute refresh-ahead window: a token entering it is seen before it expires.
  tokenRefreshSeconds: wholeNumber(1, 240, 60),
  // 5 wrong passwords in a row freeze a login for 2 hours; a right one resets the count.
  loginMaxFailures: wholeNumber(1, 100, 5),
  loginFreezeMinutes: wholeNumber(1, 10_080, 120),
  // Every attempt counts, right or wrong: parallel guesses cannot slip in between a check
  // and the count. Generous enough for people sharing an office's address.
  signInIpLimit: wholeNumber(1, 10_000, 20),
  signInIpWindowMinutes: wholeNumber(1, 1440, 1),
  // Guessing one login from many addresses; unknown usernames count alike.
  signInUsernameLimit: wholeNumber(1, 10_000, 10),
  signInUsernameWindowMinutes: wholeNumber(1, 1440, 15),
});

/**
 * The sandbox serves its emulator's control API — the demo AppSecrets included — to whoever
 * reaches the port, so it listens on loopback unless the operator says otherwise. Read setting
 * by setting, so that this is listed even when an unrelated setting is wrong.
 */
function sandboxExposure(raw: Record<string, unknown>, componentGiven: boolean): string | undefined {
  const mode = schema.shape.mode.safeParse(raw["mode"]);
  const host = schema.shape.host.safeParse(raw["host"]);
  const allowed = schema.shape.sandboxPublic.safeParse(raw["sandboxPublic"]);
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
  overrides?: Partial<Record<SettingName, string>>;
}

/**
 * Reads, validates and normalizes the configuration.
 *
 * @throws {ConfigError} listing every problem at once
 */
export function loadConfig(sources: ConfigSources): Config {
  const cwd = sources.cwd ?? process.cwd();
  const problems: string[] = [];
  const raw: Record<string, unknown> = {};
  const fileName = sources.configFile ?? sources.env["WXGATE_CONFIG"];
  if (fileName) Object.assign(raw, readConfigFile(resolve(cwd, fileName), problems));
  for (const [setting, suffix] of Object.entries(settings)) {
    const value = sources.env[`WXGATE_${suffix}`];
    // An empty variable counts as unset, as shells and compose files often leave them.
    if (value !== undefined && value.trim() !== "") raw[setting] = value;
  }
  Object.assign(raw, sources.overrides);
  for (const key of Object.keys(raw)) {
    if (!(key in settings)) problems.push(`${fileName}: unknown setting "${key}"`);
  }

  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const setting = String(issue.path[0] ?? "");
      problems.push(`${envName(setting)}: ${issue.message}`);
    }
  }

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
  const exposed = sandboxExposure(raw, given.length > 0);
  if (exposed) problems.push(exposed);
  if (parsed.success && parsed.data.webhookConcurrencyPerWebhook > parsed.data.webhookConcurrency) {
    problems.push(
      `${envName("webhookConcurrencyPerWebhook")}: must not exceed ${envName("webhookConcurrency")} (${parsed.data.webhookConcurrency})`,
    );
  }

  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const v = parsed.data;

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
    jobClaimTimeoutSeconds: v.jobClaimTimeoutSeconds,
    jobRetentionHours: v.jobRetentionHours,
    webhookConcurrency: v.webhookConcurrency,
    webhookConcurrencyPerWebhook: v.webhookConcurrencyPerWebhook,
    mode: v.mode ?? (component ? "production" : "sandbox"),
    component,
    sandboxSeed: v.sandboxSeed,
    sandboxPublic: v.sandboxPublic,
    authorizationValidityDays: v.authorizationValidityDays,
    deauthorizationCoolingOffHours: v.deauthorizationCoolingOffHours,
    authorizationRequestsPerMonth: v.authorizationRequestsPerMonth,
    authorizationSweepMinutes: v.authorizationSweepMinutes,
    tokenRefreshSeconds: v.tokenRefreshSeconds,
    loginMaxFailures: v.loginMaxFailures,
    loginFreezeMinutes: v.loginFreezeMinutes,
    signInIpLimit: v.signInIpLimit,
    signInIpWindowMinutes: v.signInIpWindowMinutes,
    signInUsernameLimit: v.signInUsernameLimit,
    signInUsernameWindowMinutes: v.signInUsernameWindowMinutes,
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
