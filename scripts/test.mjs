// Runs every test tier with vitest and closes with one plain summary line
// ("N passed, N failed, N skipped") that any CI can read.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

await import("./ensure-services.mjs");

const outDir = ".test-results";
const outFile = join(outDir, "vitest.json");
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const args = ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${outFile}`];
args.push(...process.argv.slice(2));
const run = spawnSync("npx", args, { stdio: "inherit" });

let summary = "tests: no result file was written";
try {
  const result = JSON.parse(readFileSync(outFile, "utf8"));
  const skipped = (result.numPendingTests ?? 0) + (result.numTodoTests ?? 0);
  summary = `tests: ${result.numPassedTests} passed, ${result.numFailedTests} failed, ${skipped} skipped`;
  if (result.numTotalTests === 0) summary += " (no test ran)";
} catch {
  // keep the message above
}
console.log(summary);
process.exit(run.status ?? 1);
