import { describe, expect, it } from "vitest";
import { ControllableClock, Scheduler } from "../clock.js";
import type { Follower } from "../world/types.js";
import { deliver, INBOX_CAPACITY } from "./inbox.js";
import { JobQueue } from "./jobs.js";

describe("JobQueue", () => {
  it("runs each job once its delay has passed, in order, through one scheduler task", async () => {
    const clock = new ControllableClock({ start: 0, frozen: true });
    const scheduler = new Scheduler(clock);
    const queue = new JobQueue(scheduler, clock, 3_000);
    const ran: string[] = [];
    queue.add(() => {
      ran.push("a");
    });
    clock.set(1_000);
    queue.add(() => {
      ran.push("b");
    });
    expect(scheduler.size).toBe(1);
    clock.set(2_999);
    await scheduler.flush();
    expect(ran).toEqual([]);
    clock.set(3_000);
    await scheduler.flush();
    expect(ran).toEqual(["a"]);
    expect(queue.size).toBe(1);
    clock.set(10_000);
    await scheduler.flush();
    expect(ran).toEqual(["a", "b"]);
    expect(scheduler.size).toBe(0);
    scheduler.stop();
  });
});

describe("deliver", () => {
  it("keeps at least the newest INBOX_CAPACITY items and never grows past 110% of it", () => {
    const follower = { inbox: [] } as unknown as Follower;
    for (let i = 0; i < 5_000; i++) {
      deliver(follower, { at: i, via: "custom", msgType: "text", content: i });
      expect(follower.inbox.length).toBeLessThanOrEqual(INBOX_CAPACITY * 1.1);
    }
    expect(follower.inbox.length).toBeGreaterThanOrEqual(INBOX_CAPACITY);
    expect(follower.inbox.at(-1)?.content).toBe(4_999);
    expect(follower.inbox[0]?.content).toBe(5_000 - follower.inbox.length);
  });
});
