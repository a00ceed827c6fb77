import { type Config, ConfigError, loadConfig } from "../config.js";

/** Options every server command accepts. */
export interface ConfigOption {
  config?: string;
  /** `start --sandbox-public`: sandbox mode on a non-loopback host. */
  sandboxPublic?: boolean;
}

/** Exit codes: 2 for configuration problems (fix the settings), 1 for anything else. */
export const EXIT_CONFIG = 2;
export const EXIT_FAILURE = 1;

/** Loads the configuration or prints every problem and exits with code 2. */
export function configOrExit(options: ConfigOption): Config {
  try {
    return loadConfig({
      env: process.env,
      configFile: options.config,
      overrides: options.sandboxPublic ? { sandboxPublic: "true" } : {},
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`wxgate: the configuration has ${error.problems.length} problem(s):\n`);
      for (const problem of error.problems) process.stderr.write(`  - ${problem}\n`);
      process.stderr.write("Settings come from WXGATE_* environment variables or the --config JSON file.\n");
      process.exit(EXIT_CONFIG);
    }
    throw error;
  }
}

/** Prints a failure without a stack (the logs have it) and exits with code 1. */
export function fail(message: string): never {
  process.stderr.write(`wxgate: ${message}\n`);
  process.exit(EXIT_FAILURE);
}

/** Reads standard input to its end. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8");
}
