import { describe, expect, expectTypeOf, it } from "vitest";
// The auth module's queue is declared in its jobs.ts; importing it brings the declaration in.
import "./jobs.js";
import {
  defineJob,
  type Job,
  type JobPayloads,
  type ModuleJob,
  type Queue,
  type QueueName,
} from "../platform/ports.js";

/** A queue that records what it is given, to see what a module job registers. */
function recordingQueue() {
  const handled: string[] = [];
  const queue: Queue = {
    enqueue: async () => "id",
    handle: (name) => {
      handled.push(name);
    },
    start: () => {},
    stop: async () => {},
  };
  return { queue, handled };
}

describe("typed jobs", () => {
  it("types enqueue and handlers by the queue's entry in JobPayloads", () => {
    expectTypeOf<QueueName>().toEqualTypeOf<keyof JobPayloads & string>();
    expectTypeOf<Queue["enqueue"]>().parameter(0).toEqualTypeOf<QueueName>();
    expectTypeOf<JobPayloads["auth.purge-sessions"]>().toEqualTypeOf<Record<string, never>>();
    const { queue } = recordingQueue();
    // @ts-expect-error: a queue nobody declared
    void queue.enqueue("accounts.nothing", {});
    // @ts-expect-error: a payload the queue does not take
    void queue.enqueue("auth.purge-sessions", { appid: "wx1" });
    void queue.enqueue("auth.purge-sessions", {});
    defineJob("auth.purge-sessions", async (job) => {
      expectTypeOf(job).toEqualTypeOf<Job<Record<string, never>>>();
    });
    // @ts-expect-error: a handler of another payload
    defineJob("auth.purge-sessions", async (_job: Job<{ appid: string }>) => {});
  });

  it("registers a module's handler on the queue it names", () => {
    const { queue, handled } = recordingQueue();
    const job: ModuleJob = defineJob("auth.purge-sessions", async () => {});
    job.register(queue);
    expect(job.queue).toBe("auth.purge-sessions");
    expect(handled).toEqual(["auth.purge-sessions"]);
  });
});
