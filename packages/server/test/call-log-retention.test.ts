import { afterEach, describe, expect, it } from "vitest";
import { accountsModule } from "../src/accounts/index.js";
import { ConfigError, loadConfig } from "../src/config.js";
import { newId } from "../src/platform/ids.js";
import { createTestServer, type TestServer } from "../src/testing/server.js";
import { tokensModule } from "../src/tokens/index.js";

const DAY = 24 * 60 * 60 * 1000;

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ env });
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe("WXGATE_API_CALL_RETENTION_DAYS", () => {
  it("keeps the call log 30 days unless set, from 1 to 3650 days", () => {
    expect(loadConfig({ env: {} }).callLog).toEqual({ retentionDays: 30 });
    expect(loadConfig({ env: { WXGATE_API_CALL_RETENTION_DAYS: "3650" } }).callLog.retentionDays).toBe(3650);
    for (const value of ["0", "3651", "7.5", "a week"])
      expect(problemsOf({ WXGATE_API_CALL_RETENTION_DAYS: value })).toEqual([
        "WXGATE_API_CALL_RETENTION_DAYS: must be a whole number from 1 to 3650",
      ]);
  });
});

describe("the call log's retention on a server", () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.dispose();
    server = undefined;
  });

  it("is the accounts module's worker, purging records older than the setting when due", async () => {
    server = await createTestServer({
      modules: [tokensModule, accountsModule],
      env: { WXGATE_API_CALL_RETENTION_DAYS: "7" },
    });
    expect(server.workers.map((worker) => worker.name)).toContain("call log retention");
    const db = server.store.db;
    // Ahead of the real time: the ids made below carry the manual clock's time, as a server's do.
    const start = Date.UTC(2045, 0, 1);
    server.clock.set(start);
    const insert = async () => {
      const at = server!.clock.now();
      await db
        .insertInto("api_calls")
        .values({
          id: newId(at),
          appid: "wx00000000000000c1",
          api: "/cgi-bin/user/get",
          method: "GET",
          errcode: 0,
          ok: 1,
          error: null,
          rid: null,
          attempt: 1,
          latency_ms: 20,
          at,
        })
        .execute();
    };
    await insert();
    server.clock.advance(3 * DAY);
    await insert();
    const stored = async () =>
      (await db.selectFrom("api_calls").select("at").orderBy("id").execute()).map((row) => Number(row.at));

    server.clock.set(start + 7 * DAY);
    await server.queue.runDue();
    expect(await stored()).toEqual([start, start + 3 * DAY]);
    server.clock.advance(1);
    await server.queue.runDue();
    expect(await stored()).toEqual([start + 3 * DAY]);
    expect(server.logLines.some((line) => line.includes("WeChat call log records purged"))).toBe(true);
  });
});
