import { describe, expect, it } from "vitest";
import { InProcessLock } from "./lock.js";

/** Yields to the event loop a few times so overlapping runs would actually overlap. */
async function yieldTurns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

describe("InProcessLock.runExclusive", () => {
  it("lets 200 concurrent callers through one at a time per key", async () => {
    const lock = new InProcessLock();
    const running = new Map<string, number>();
    const maxRunning = new Map<string, number>();
    const order: number[] = [];
    const calls = Array.from({ length: 200 }, (_, i) => {
      const key = `app-${i % 4}`;
      return lock.runExclusive(key, async () => {
        const now = (running.get(key) ?? 0) + 1;
        running.set(key, now);
        maxRunning.set(key, Math.max(maxRunning.get(key) ?? 0, now));
        await yieldTurns(2);
        order.push(i);
        running.set(key, now - 1);
        return i;
      });
    });
    const results = await Promise.all(calls);
    expect(results).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect([...maxRunning.values()]).toEqual([1, 1, 1, 1]);
    // Per key, callers run in the order they arrived.
    const key0 = order.filter((i) => i % 4 === 0);
    expect(key0).toEqual([...key0].sort((a, b) => a - b));
  });

  it("runs different keys concurrently", async () => {
    const lock = new InProcessLock();
    let release: () => void = () => {};
    const blocked = lock.runExclusive("a", () => new Promise<void>((r) => (release = r)));
    const other = await lock.runExclusive("b", async () => "b done");
    expect(other).toBe("b done");
    release();
    await blocked;
  });

  it("keeps serving a key after a caller fails", async () => {
    const lock = new InProcessLock();
    const failed = lock.runExclusive("k", async () => {
      throw new Error("boom");
    });
    await expect(failed).rejects.toThrow("boom");
    await expect(lock.runExclusive("k", async () => 42)).resolves.toBe(42);
  });
});

describe("InProcessLock.singleFlight", () => {
  it("runs fn once for 200 concurrent callers and shares the result", async () => {
    const lock = new InProcessLock();
    let runs = 0;
    const results = await Promise.all(
      Array.from({ length: 200 }, () =>
        lock.singleFlight("token:wx123", async () => {
          runs++;
          await yieldTurns(3);
          return "token-1";
        }),
      ),
    );
    expect(runs).toBe(1);
    expect(new Set(results)).toEqual(new Set(["token-1"]));
    // Once settled, the next call runs again.
    await lock.singleFlight("token:wx123", async () => {
      runs++;
      return "token-2";
    });
    expect(runs).toBe(2);
  });

  it("shares a failure with every waiting caller", async () => {
    const lock = new InProcessLock();
    const calls = Array.from({ length: 10 }, () =>
      lock.singleFlight("k", async () => {
        await yieldTurns(1);
        throw new Error("refresh failed");
      }),
    );
    const settled = await Promise.allSettled(calls);
    expect(settled.every((s) => s.status === "rejected")).toBe(true);
  });
});
