import { describe, expect, it } from "vitest";
import { BackgroundJob } from "./background-job.js";
import { createLogger } from "./logger.js";

const logger = createLogger({ level: "silent" });

/** A job whose work is the given function. */
class TestJob<R> extends BackgroundJob<R> {
  constructor(private readonly fn: () => Promise<R>) {
    super("a test job", logger);
  }

  protected work(): Promise<R> {
    return this.fn();
  }
}

/** A run that finishes only when told to. */
function heldWork() {
  const releases: Array<() => void> = [];
  let runs = 0;
  const work = () =>
    new Promise<number>((resolve) => {
      runs++;
      const n = runs;
      releases.push(() => resolve(n));
    });
  return { work, releases, runs: () => runs };
}

describe("BackgroundJob", () => {
  it("runs one at a time: a second call starts after the first ends", async () => {
    const held = heldWork();
    const job = new TestJob(held.work);
    const first = job.run();
    const second = job.run();
    await Promise.resolve();
    expect(held.runs()).toBe(1);
    held.releases[0]?.();
    expect(await first).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(held.runs()).toBe(2);
    held.releases[1]?.();
    expect(await second).toBe(2);
  });

  it("runs at once on start, skips ticks while a run is going, and stop waits for it", async () => {
    const held = heldWork();
    const job = new TestJob(held.work);
    job.start(60_000);
    job.start(60_000);
    expect(job.scheduled).toBe(true);
    await Promise.resolve();
    expect(held.runs()).toBe(1);
    let stopped = false;
    const stopping = job.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(job.scheduled).toBe(false);
    expect(stopped).toBe(false);
    held.releases[0]?.();
    await stopping;
    expect(stopped).toBe(true);
  });

  it("wakes only while started, and wakes never pile up: one waiting run covers them all", async () => {
    const held = heldWork();
    const job = new TestJob(held.work);
    job.wake();
    await new Promise((resolve) => setImmediate(resolve));
    expect(held.runs()).toBe(0);

    job.start(60_000);
    await Promise.resolve();
    expect(held.runs()).toBe(1);
    // While the first run goes on, three wakes ask for one more run, not three.
    job.wake();
    job.wake();
    job.wake();
    held.releases[0]?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(held.runs()).toBe(2);
    // That run has begun: a wake now asks for the next one.
    job.wake();
    held.releases[1]?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(held.runs()).toBe(3);
    held.releases[2]?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(held.runs()).toBe(3);
    await job.stop();
    job.wake();
    await new Promise((resolve) => setImmediate(resolve));
    expect(held.runs()).toBe(3);
  });

  it("keeps going after a failed run", async () => {
    let calls = 0;
    const job = new TestJob(async () => {
      calls++;
      if (calls === 1) throw new Error("first run fails");
      return calls;
    });
    await expect(job.run()).rejects.toThrow("first run fails");
    expect(await job.run()).toBe(2);
  });
});
