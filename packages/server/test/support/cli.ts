import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const repoDir = resolve(packageDir, "../..");

/**
 * Compiles one entry of this package (a `.ts` path relative to it) with the workspace packages
 * from source into one ESM file, so a test runs exactly this tree's code in a plain `node`
 * process without a full `npm run build`. npm dependencies stay external and load from
 * node_modules.
 */
export async function bundleEntry(entry: string, name: string): Promise<string> {
  const outDir = join(packageDir, "node_modules", ".cache", `wxgate-${name}-${process.pid}`);
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, `${name}.mjs`);
  await build({
    entryPoints: [join(packageDir, entry)],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "warning",
    plugins: [
      {
        name: "workspace-sources",
        setup(builder) {
          builder.onResolve({ filter: /^@wxgate\/[a-z-]+$/ }, (args) => ({
            path: join(repoDir, "packages", args.path.slice("@wxgate/".length), "src/index.ts"),
          }));
        },
      },
    ],
  });
  return outfile;
}

/** The real CLI entry (src/cli/main.ts), bundled as {@link bundleEntry} does. */
export function buildCli(): Promise<string> {
  return bundleEntry("src/cli/main.ts", "e2e");
}

/** A CLI child process with its output collected. */
export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Resolves once stdout contains `text` (rejects if the process exits first). */
  waitFor(text: string | RegExp): Promise<string>;
}

/**
 * Runs `node <cli> ...args` with only the given WXGATE_* variables (and PATH). Sign-ins from new
 * devices need no second factor unless `env` turns WXGATE_NEW_DEVICE_VERIFICATION on: the
 * second factor has tests of its own, the others sign in with the password alone.
 */
export function runCli(cli: string, args: string[], env: Record<string, string>, stdin?: string): CliProcess {
  const child = spawn(process.execPath, [cli, ...args], {
    env: { PATH: process.env["PATH"] ?? "", WXGATE_NEW_DEVICE_VERIFICATION: "false", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  const waiters: Array<() => void> = [];
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
    for (const w of waiters) w();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    err += chunk.toString("utf8");
  });
  if (stdin !== undefined) child.stdin.end(stdin);
  else child.stdin.end();
  const exited = new Promise<number | null>((resolveExit) => child.on("exit", (code) => resolveExit(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(text) {
      return new Promise((resolveWait, reject) => {
        const check = () => {
          const match =
            typeof text === "string" ? (out.includes(text) ? text : null) : (out.match(text)?.[0] ?? null);
          if (match !== null) resolveWait(match);
        };
        waiters.push(check);
        check();
        void exited.then((code) =>
          reject(new Error(`the CLI exited (${code}) before printing ${text}:\n${out}\n${err}`)),
        );
      });
    },
  };
}
