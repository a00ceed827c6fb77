// Runs every bench/*.bench.mjs (or those named on the command line, less those named in
// BENCH_SKIP, comma-separated), each in its own process, then assembles docs/benchmarks.md from
// the sections in bench/results/ — those of benches not run this time are kept as they were.
// The soak takes the longest (about 12 minutes): `npm run bench -- soak` runs it alone,
// `BENCH_SKIP=soak npm run bench` everything else.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { machineLine } from "./lib/machine.mjs";
import { resultsDir } from "./lib/section.mjs";

const benchDir = dirname(fileURLToPath(import.meta.url));
const docsFile = join(benchDir, "..", "docs", "benchmarks.md");
const wanted = process.argv.slice(2);
const skipped = (process.env.BENCH_SKIP ?? "")
  .split(",")
  .map((name) => name.trim())
  .filter(Boolean);

const benches = readdirSync(benchDir)
  .filter((file) => file.endsWith(".bench.mjs"))
  .map((file) => basename(file, ".bench.mjs"))
  .filter((name) => (wanted.length === 0 || wanted.includes(name)) && !skipped.includes(name))
  .sort();

if (benches.length === 0) {
  console.error(`no benchmark matches ${wanted.join(", ") || "bench/*.bench.mjs"}`);
  process.exit(1);
}

const failed = [];
for (const name of benches) {
  console.log(`\n=== ${name} ===`);
  const run = spawnSync(process.execPath, [join(benchDir, `${name}.bench.mjs`)], { stdio: "inherit" });
  if (run.status !== 0) failed.push(name);
}

const sections = existsSync(resultsDir)
  ? readdirSync(resultsDir)
      .filter((file) => file.endsWith(".md"))
      .sort()
      .map((file) => readFileSync(join(resultsDir, file), "utf8").trim())
  : [];

const doc = [
  "# Benchmarks",
  "",
  "Produced by `npm run bench` (build, then `node bench/run.mjs [name…]`): every",
  "`bench/*.bench.mjs` runs in its own process and writes its section to `bench/results/`;",
  "this page is assembled from those sections. Figures depend on the machine; compare",
  "the ratios measured in the same run. The soak runs for about 12 minutes: `npm run bench -- soak`",
  "runs it alone (`SOAK_SECONDS=60` shortens each phase), `BENCH_SKIP=soak npm run bench` the rest.",
  "",
  `Last run: ${machineLine()}.`,
  "",
  ...sections.flatMap((section) => [section, ""]),
].join("\n");
writeFileSync(docsFile, doc);
console.log(`\nwrote ${docsFile}`);

if (failed.length > 0) {
  console.error(`failed: ${failed.join(", ")}`);
  process.exit(1);
}
