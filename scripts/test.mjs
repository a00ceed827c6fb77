// Runs every test tier with vitest and closes with one plain summary line
// ("N passed, N failed, N skipped") that any CI can read: a test file that did not load counts
// as a failure, and tests left out by WXGATE_TEST_PG=off as skipped (scripts/test-summary.mjs).
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { summarize } from "./test-summary.mjs";

await import("./ensure-services.mjs");
await import("./install-browser.mjs");

const outDir = ".test-results";
const outFile = join(outDir, "vitest.json");
const listFile = join(outDir, "listed-with-postgres.json");
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const filters = process.argv.slice(2);
const args = ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${outFile}`];
args.push(...filters);
const run = spawnSync("npx", args, { stdio: "inherit" });

const pgOff = process.env.WXGATE_TEST_PG === "off";
/** With WXGATE_TEST_PG=off: the tests there are with PostgreSQL on (collected, not run). */
function listedWithPostgres() {
  const { WXGATE_TEST_PG: _off, ...env } = process.env;
  const listed = spawnSync("npx", ["vitest", "list", `--json=${listFile}`, ...filters], {
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (listed.status !== 0) return undefined;
  try {
    return JSON.parse(readFileSync(listFile, "utf8"));
  } catch {
    return undefined;
  }
}

let summary = "tests: no result file was written";
try {
  const report = JSON.parse(readFileSync(outFile, "utf8"));
  const listed = pgOff ? listedWithPostgres() : undefined;
  summary = summarize(report, { pgOff, ...(listed ? { listedWithPostgres: listed } : {}) }).line;
} catch {
  // keep the message above
}
console.log(summary);
process.exit(run.status ?? 1);
