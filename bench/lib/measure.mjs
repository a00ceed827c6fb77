// Timed loops: a warm-up, then several fixed-length rounds; the median round is reported.
// Calls run in batches so the clock is read rarely; async work is awaited one call at a time.
// Rates are per second of this process's CPU time (user + system): on a shared machine,
// wall time would also count the time spent waiting for a core.

const now = () => Number(process.hrtime.bigint()) / 1e6;

async function runFor(fn, ms, isAsync, batch) {
  let calls = 0;
  const start = now();
  const cpuStart = process.cpuUsage();
  let elapsed = 0;
  do {
    if (isAsync) {
      for (let i = 0; i < batch; i++) await fn();
    } else {
      for (let i = 0; i < batch; i++) fn();
    }
    calls += batch;
    elapsed = now() - start;
  } while (elapsed < ms);
  const cpu = process.cpuUsage(cpuStart);
  return (calls * 1e6) / (cpu.user + cpu.system);
}

function summarize(name, perRound) {
  const sorted = [...perRound].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const result = {
    name,
    opsPerSecond: median,
    min: sorted[0],
    max: sorted[sorted.length - 1],
    rounds: sorted.length,
  };
  console.log(`${name}: ${format(median)} ops/s (rounds ${format(result.min)}–${format(result.max)})`);
  return result;
}

/**
 * Measures several functions in operations per second. Rounds alternate between them, so a
 * machine that gets busier or quieter during the run affects every contestant alike.
 * @param {Record<string, () => unknown>} contestants
 * @param {{ warmupMs?: number, roundMs?: number, rounds?: number, batch?: number }} [options]
 * @returns {Promise<Record<string, { name: string, opsPerSecond: number, min: number, max: number, rounds: number }>>}
 */
export async function compare(contestants, options = {}) {
  const { warmupMs = 1500, roundMs = 1000, rounds = 7, batch = 64 } = options;
  const entries = Object.entries(contestants).map(([name, fn]) => ({
    name,
    fn,
    isAsync: fn() instanceof Promise,
    perRound: [],
  }));
  for (const entry of entries) await runFor(entry.fn, warmupMs, entry.isAsync, batch);
  for (let r = 0; r < rounds; r++) {
    for (const entry of entries) entry.perRound.push(await runFor(entry.fn, roundMs, entry.isAsync, batch));
  }
  return Object.fromEntries(entries.map((entry) => [entry.name, summarize(entry.name, entry.perRound)]));
}

/** 123456.7 → "123,457". */
export function format(value) {
  return Math.round(value).toLocaleString("en-US");
}

/** Microseconds per operation. */
export function micros(opsPerSecond) {
  return (1e6 / opsPerSecond).toFixed(1);
}
