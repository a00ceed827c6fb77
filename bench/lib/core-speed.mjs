import { execFileSync } from "node:child_process";

/**
 * A fixed amount of CPU work, timed in a node of its own pinned to one core: the same loop
 * every time, so only the core's speed moves it. On a shared virtual machine a core can run
 * slower for minutes while every process on it still looks busy and nothing is counted as
 * stolen; the soak times this loop on each core before, between and after its phases, with
 * nothing else running, so a slow stretch shows in the results beside the figures it touched.
 */
const LOOP =
  "let x = 0; const t = performance.now(); for (let i = 0; i < 1e8; i++) x += i % 7; process.stdout.write(String(performance.now() - t + x * 0));";

/** The median of `runs` timings of the loop on `core`, in ms, or NaN when it cannot be pinned. */
export function coreLoopMs(core, runs = 5) {
  const timings = [];
  for (let run = 0; run < runs; run++) {
    try {
      const out = execFileSync("taskset", ["-c", String(core), process.execPath, "-e", LOOP], {
        encoding: "utf8",
      });
      timings.push(Number(out));
    } catch {
      return Number.NaN;
    }
  }
  timings.sort((a, b) => a - b);
  return timings[Math.floor(timings.length / 2)] ?? Number.NaN;
}

/** Each core's loop time, e.g. `{ label: "before A", ms: [141, 138] }`. */
export function coreSpeeds(label, cores) {
  return { label, ms: Array.from({ length: cores }, (_, core) => coreLoopMs(core)) };
}
