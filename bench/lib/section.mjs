import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { machineLine } from "./machine.mjs";

/** Where each benchmark leaves its section of docs/benchmarks.md. */
export const resultsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "results");

/**
 * Writes a benchmark's section (Markdown, starting at a `##` heading); bench/run.mjs
 * assembles all sections into docs/benchmarks.md.
 */
export function writeSection(name, title, body) {
  mkdirSync(resultsDir, { recursive: true });
  const text = `## ${title}\n\n_Measured on ${machineLine()}._\n\n${body.trim()}\n`;
  writeFileSync(join(resultsDir, `${name}.md`), text);
}
