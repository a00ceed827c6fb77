import { describe, expect, it } from "vitest";
import { ControllableClock, Scheduler } from "./clock.js";

const T0 = Date.UTC(2024, 0, 1);

describe("ControllableClock", () => {
  it("stands still when frozen and moves only forward", () => {
    const clock = new ControllableClock({ start: T0, frozen: true });
    expect(clock.now()).toBe(T0);
    expect(clock.advance(1500)).toBe(T0 + 1500);
    expect(clock.set(T0 + 10_000)).toBe(T0 + 10_000);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });

  it("flows with real time plus an offset by default", () => {
    const clock = new ControllableClock({ start: T0 });
    const before = clock.now();
    clock.advance(3_600_000);
    expect(clock.now()).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(clock.frozen).toBe(false);
  });
});

describe("Scheduler", () => {
  it("runs thousands of tasks in due order, ties in the order scheduled, cancelled ones never", async () => {
    const clock = new ControllableClock({ start: T0, frozen: true });
    const scheduler = new Scheduler(clock);
    const runs: string[] = [];
    const cancelled = new Set<string>();
    // Due times out of order (a receipt per send, scheduled as the sends come), with ties.
    for (let i = 0; i < 3000; i++) {
      const name = `t${i}`;
      const task = scheduler.at(T0 + ((i * 7919) % 1000), () => {
        runs.push(name);
      });
      if (i % 10 === 3) {
        task.cancel();
        cancelled.add(name);
      }
    }
    const periodic: number[] = [];
    scheduler.every(250, (due) => {
      periodic.push(due);
    });
    expect(scheduler.size).toBe(3000 - cancelled.size + 1);
    clock.advance(1000);
    await scheduler.flush();
    const expected = Array.from({ length: 3000 }, (_, i) => ({ name: `t${i}`, due: (i * 7919) % 1000, i }))
      .filter((task) => !cancelled.has(task.name))
      .sort((a, b) => a.due - b.due || a.i - b.i)
      .map((task) => task.name);
    expect(runs).toEqual(expected);
    expect(periodic).toEqual([250, 500, 750, 1000].map((n) => T0 + n));
    expect(scheduler.size).toBe(1);
    scheduler.stop();
  });

  it("runs a periodic task once per period of a jump, in order, with its due time", async () => {
    const clock = new ControllableClock({ start: T0, frozen: true });
    const scheduler = new Scheduler(clock);
    const runs: number[] = [];
    scheduler.every(600_000, (due) => {
      runs.push(due);
    });
    clock.advance(599_999);
    await scheduler.flush();
    expect(runs).toEqual([]);
    clock.advance(3_000_001);
    await scheduler.flush();
    expect(runs).toEqual([1, 2, 3, 4, 5, 6].map((n) => T0 + n * 600_000));
    scheduler.stop();
  });

  it("runs one-shot tasks in time order, skips cancelled ones, and survives failing tasks", async () => {
    const clock = new ControllableClock({ start: T0, frozen: true });
    const errors: unknown[] = [];
    const scheduler = new Scheduler(clock, { onError: (e) => errors.push(e) });
    const order: string[] = [];
    scheduler.at(T0 + 2000, () => {
      order.push("b");
    });
    scheduler.at(T0 + 1000, () => {
      order.push("a");
      throw new Error("boom");
    });
    const cancelled = scheduler.after(1500, () => {
      order.push("never");
    });
    cancelled.cancel();
    scheduler.after(2500, async () => {
      order.push("c");
      // A task scheduling another due task: the same flush runs it.
      scheduler.at(T0 + 2500, () => {
        order.push("d");
      });
    });
    clock.advance(5000);
    await scheduler.flush();
    expect(order).toEqual(["a", "b", "c", "d"]);
    expect(errors).toHaveLength(1);
    expect(scheduler.size).toBe(0);
    scheduler.stop();
  });

  it("calls afterRun once a task has finished, failed or not", async () => {
    const clock = new ControllableClock({ start: T0, frozen: true });
    const events: string[] = [];
    const scheduler = new Scheduler(clock, {
      onError: () => events.push("error"),
      afterRun: () => events.push("after"),
    });
    scheduler.after(1000, async () => {
      await Promise.resolve();
      events.push("ran");
    });
    scheduler.after(2000, () => {
      throw new Error("boom");
    });
    clock.advance(2000);
    await scheduler.flush();
    expect(events).toEqual(["ran", "after", "error", "after"]);
    scheduler.stop();
  });

  it("caps the catch-up of a long jump", async () => {
    const clock = new ControllableClock({ start: T0, frozen: true });
    const scheduler = new Scheduler(clock, { maxCatchUp: 10 });
    let runs = 0;
    scheduler.every(1000, () => {
      runs++;
    });
    clock.advance(1_000_000);
    await scheduler.flush();
    expect(runs).toBe(10);
    scheduler.stop();
  });

  it("fires on a real timer while time flows", async () => {
    const clock = new ControllableClock({ start: T0 });
    const scheduler = new Scheduler(clock);
    const fired = new Promise<number>((resolve) => {
      scheduler.after(5, (due) => resolve(due));
    });
    expect(await fired).toBeGreaterThan(T0);
    scheduler.stop();
  });
});
