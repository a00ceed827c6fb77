import type { ApiCallRecord } from "@wxgate/wechat";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../platform/logger.js";
import { migrateToLatest } from "../platform/store/migrate.js";
import { testStoreFactories } from "../platform/store/test-stores.js";
import { migrations } from "../registry.js";
import { ApiCallLog, CALLS_PER_INSERT } from "./call-log.js";

const APP = "wx00000000000000c1";
const logger = createLogger({ level: "silent" });

function call(n: number): ApiCallRecord {
  return {
    api: `/cgi-bin/api-${n % 5}`,
    method: "POST",
    errcode: n % 7 === 0 ? 45009 : 0,
    ok: n % 7 !== 0,
    ...(n % 7 === 0 ? { error: "wechat_api_error", rid: `rid-${n}` } : {}),
    attempt: 1 + (n % 3),
    latencyMs: n + 0.4,
  };
}

describe.each(testStoreFactories)("the WeChat call log on $name", (factory) => {
  let handle: Awaited<ReturnType<typeof factory.create>>;
  let at = 1_700_000_000_000;
  const clock = { now: () => at };
  beforeEach(async () => {
    handle = await factory.create();
    await migrateToLatest(handle.store.db, migrations);
  });
  afterEach(async () => {
    await handle.dispose();
  });

  const stored = () =>
    handle.store.db.selectFrom("api_calls").selectAll().where("appid", "=", APP).orderBy("at").execute();

  it("writes every record once, in multi-row inserts, and all of them once flushed", async () => {
    const log = new ApiCallLog(handle.store.db, clock, logger);
    // Two full inserts go while recording; the rest waits for the flush.
    const count = 2 * CALLS_PER_INSERT + 234;
    for (let n = 0; n < count; n++) {
      at += 1;
      log.record(APP, call(n));
    }
    log.record(null, call(7));
    await log.flush();
    const rows = await stored();
    expect(rows).toHaveLength(count);
    expect(new Set(rows.map((row) => row.id)).size).toBe(count);
    expect(rows[7]).toMatchObject({
      api: "/cgi-bin/api-2",
      method: "POST",
      errcode: 45009,
      ok: 0,
      error: "wechat_api_error",
      rid: "rid-7",
      attempt: 2,
      latency_ms: 7,
    });
    expect(rows[8]).toMatchObject({ errcode: 0, ok: 1, error: null, rid: null });
    expect(
      await handle.store.db.selectFrom("api_calls").select("id").where("appid", "is", null).execute(),
    ).toHaveLength(1);
    // Nothing waits: a second flush writes nothing more.
    await log.flush();
    expect(await stored()).toHaveLength(count);
  });

  it("keeps the good records of an insert one bad record made fail", async () => {
    const log = new ApiCallLog(handle.store.db, clock, logger);
    for (let n = 0; n < 4; n++) {
      at += 1;
      // The third has no latency a column can hold (NOT NULL integer): only it is lost.
      log.record(APP, n === 2 ? { ...call(n), latencyMs: Number.NaN } : call(n));
    }
    await expect(log.flush()).resolves.toBeUndefined();
    expect((await stored()).map((row) => row.api)).toEqual([
      "/cgi-bin/api-0",
      "/cgi-bin/api-1",
      "/cgi-bin/api-3",
    ]);
    at += 1;
    log.record(APP, call(9));
    await log.flush();
    expect(await stored()).toHaveLength(4);
  });
});
