import { type Config, isLoopbackHost } from "../platform/config.js";
import type { MasterKeySource } from "../platform/secrets.js";
import { SANDBOX_PREFIX } from "../sandbox.js";
import { VERSION } from "../version.js";

/** What the start-up banner reports. */
export interface BannerFacts {
  config: Config;
  url: string;
  readyMs: number;
  sandbox: boolean;
  masterKeySource: MasterKeySource;
  firstAdmin: { username: string; password: string } | undefined;
}

/**
 * The lines printed once the server listens. It goes to the terminal, not the log: it may
 * hold the first administrator's generated password, which must never reach a log file.
 */
export function renderBanner(facts: BannerFacts): string {
  const { config, url } = facts;
  const database = config.databaseUrl.startsWith("sqlite:")
    ? `SQLite ${config.databaseUrl.slice("sqlite:".length)}`
    : "PostgreSQL";
  const lines = [
    "",
    `wxgate ${VERSION} ready in ${facts.readyMs} ms`,
    `  URL         ${url}`,
    `  mode        ${config.mode}${facts.sandbox ? ` — WeChat emulator at ${url}${SANDBOX_PREFIX}` : ""}`,
    `  console     ${url}/ (sign in and manage authorized accounts; ?lang=en for English)`,
    `  API docs    ${url}/api/v1/docs  ·  ${url}/api/v1/openapi.json`,
    `  health      ${url}/healthz`,
    `  data        ${database}; master key from ${facts.masterKeySource}`,
  ];
  if (facts.sandbox && !isLoopbackHost(config.host)) {
    lines.push(
      "",
      `  WARNING: the sandbox listens on ${config.host} (--sandbox-public). Anyone who can reach this`,
      `  port can use the emulator's control API at ${url}${SANDBOX_PREFIX}/__emulator,`,
      "  including the demo AppSecrets it holds. Use 127.0.0.1 unless that is what you want.",
    );
  }
  if (facts.firstAdmin) {
    lines.push(
      "",
      "  First start: an administrator was created. This password is shown only now:",
      `    username  ${facts.firstAdmin.username}`,
      `    password  ${facts.firstAdmin.password}`,
    );
  }
  lines.push("", "Press Ctrl+C to stop.", "");
  return lines.join("\n");
}
