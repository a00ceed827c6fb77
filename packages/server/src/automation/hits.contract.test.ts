import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../platform/logger.js";
import { migrateToLatest } from "../platform/store/migrate.js";
import { testStoreFactories } from "../platform/store/test-stores.js";
import { migrations } from "../registry.js";
import { HitLog } from "./hits.js";
import { AutomationRepository, type HitRow } from "./repository.js";

const APP = "wx0000000000000001";
const logger = createLogger({ level: "silent" });

function hit(n: number): HitRow {
  return {
    event_id: `ev${String(n).padStart(6, "0")}`,
    appid: APP,
    rule_id: `rule${n % 7}`,
    openid: `o${n % 13}`,
    follow_ups: n % 3,
    at: 1_700_000_000_000 + n,
  };
}

describe.each(testStoreFactories)("automation hits on $name", (factory) => {
  let handle: Awaited<ReturnType<typeof factory.create>>;
  let repository: AutomationRepository;
  beforeEach(async () => {
    handle = await factory.create();
    await migrateToLatest(handle.store.db, migrations);
    repository = new AutomationRepository(handle.store.db, handle.store.dialect);
  });
  afterEach(async () => {
    await handle.dispose();
  });

  it("stores batches of any size whole, in pieces, each hit once however often it is recorded", async () => {
    // 300 = 256 + 32 + 8 + 4; then 7 = 4 + 2 + 1, three of them already stored.
    await repository.recordHits(Array.from({ length: 300 }, (_, i) => hit(i)));
    await repository.recordHits([hit(297), hit(298), hit(299), hit(300), hit(301), hit(302), hit(303)]);
    const stored = await repository.recentHits(APP, 1_000);
    expect(stored).toHaveLength(304);
    expect(stored[0]).toEqual(hit(303));
    expect(stored.at(-1)).toEqual(hit(0));
    expect(new Set(stored.map((row) => row.event_id)).size).toBe(304);
    expect(await repository.hitOf("ev000150")).toEqual(hit(150));
  });

  it("writes what the hit log holds when it is flushed, as a clean stop does", async () => {
    const log = new HitLog(repository, logger);
    for (let i = 0; i < 600; i++) log.record(hit(i));
    await log.flush();
    expect(await repository.recentHits(APP, 1_000)).toHaveLength(600);
  });
});
