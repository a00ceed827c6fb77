import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ManualClock } from "../platform/clock.js";
import { createLogger } from "../platform/logger.js";
import { SecretBox } from "../platform/secrets.js";
import { migrateToLatest } from "../platform/store/migrate.js";
import { openStore, type Store } from "../platform/store/store.js";
import { migrations } from "../registry.js";
import { lifecyclePolicy } from "./lifecycle.js";
import { LifecycleSweep } from "./lifecycle-sweep.js";
import { AccountRepository } from "./repository.js";

const DAY = 86_400_000;
const start = Date.UTC(2025, 0, 1);

let store: Store | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await store?.close();
  store = undefined;
});

async function sweepOverOneAccount(clock: ManualClock) {
  store = await openStore("sqlite::memory:");
  await migrateToLatest(store.db, migrations);
  const repository = new AccountRepository(store.db, new SecretBox(randomBytes(32)));
  await repository.insert({
    id: "id-1",
    appid: "wxcomponent000001",
    kind: "service",
    connection: "component",
    nickname: "示例",
    declared_verified: 0,
    func_info: "[]",
    authorization_state: "authorized",
    authorized_at: start,
    authorization_expires_at: start + 365 * DAY,
    enabled: 1,
    created_at: start,
    updated_at: start,
  });
  const policy = lifecyclePolicy({ authorizationValidityDays: 365, deauthorizationCoolingOffHours: 48 });
  const sweep = new LifecycleSweep({ repository, clock, policy, logger: createLogger({ level: "silent" }) });
  return { sweep, repository };
}

describe("the lifecycle sweep's timer", () => {
  it("sweeps at start and at each interval until stopped, without keeping the process alive", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const clock = new ManualClock(start);
    const { sweep, repository } = await sweepOverOneAccount(clock);
    const runs = vi.spyOn(sweep, "run");
    sweep.start(60_000);
    expect(sweep.scheduled).toBe(true);
    expect(runs).toHaveBeenCalledTimes(1);
    // Let the first sweep finish: a tick while one runs is skipped.
    expect(await runs.mock.results[0]!.value).toEqual({ expiring: 0, lapsed: 0 });
    clock.set(start + 340 * DAY);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(runs).toHaveBeenCalledTimes(2);
    expect(await runs.mock.results[1]!.value).toEqual({ expiring: 1, lapsed: 0 });
    await sweep.stop();
    expect(sweep.scheduled).toBe(false);
    expect((await repository.listNotices({ limit: 10 })).map((n) => n.kind)).toEqual([
      "authorization_expiring",
    ]);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(runs).toHaveBeenCalledTimes(2);
  });

  it("runs sweeps asked for together one after the other, each at its own start time", async () => {
    const clock = new ManualClock(start + 340 * DAY);
    const { sweep } = await sweepOverOneAccount(clock);
    const first = sweep.run();
    const second = sweep.run();
    clock.set(start + 365 * DAY);
    expect(await first).toEqual({ expiring: 0, lapsed: 1 });
    expect(await second).toEqual({ expiring: 0, lapsed: 0 });
  });
});
