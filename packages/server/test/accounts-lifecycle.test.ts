import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { authorizeAccount, type SandboxHarness, startSandbox } from "./accounts-fixture.js";

let h: SandboxHarness;
beforeEach(async () => {
  h = await startSandbox();
});
afterEach(async () => {
  await h.close();
});

interface ErrorAnswer {
  error: { code: string; message: string; details: Record<string, unknown> };
}

/** Rows mentioning `appId` in every table of the store that has an appid-like column. */
async function rowsFor(appId: string): Promise<Record<string, number>> {
  const db = h.server.store.db;
  // The WeChat call log writes in batches: what was called so far is counted.
  await h.server.context.wechat.flushCallLog();
  const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db);
  const counts: Record<string, number> = {};
  for (const { name } of tables.rows) {
    const columns = await sql<{ name: string }>`select name from pragma_table_info(${name})`.execute(db);
    const appColumns = columns.rows
      .map((c) => c.name)
      .filter((c) => ["appid", "app_id", "authorizer_appid", "biz_appid"].includes(c));
    if (appColumns.length === 0) continue;
    const where = appColumns.map((c) => `${c} = ?`).join(" or ");
    const result = await sql<{
      n: number;
    }>`select count(*) as n from ${sql.table(name)} where ${sql.raw(where.replace(/\?/g, () => `'${appId}'`))}`.execute(
      db,
    );
    counts[name] = Number(result.rows[0]!.n);
  }
  return counts;
}

describe("quota resets (重置限额)", () => {
  it("counts resets per month, refuses the 11th locally with the reason, keeps the history, and shows a quota", async () => {
    const appId = h.demo.serviceAppId;
    await authorizeAccount(h, appId);
    for (let i = 1; i <= 10; i++) {
      const reset = await h.api("POST", `/accounts/${appId}/quota/reset`);
      expect(reset.status).toBe(200);
      expect(reset.body).toMatchObject({ month: "2025-06", used: i, limit: 10, remaining: 10 - i });
    }
    const eleventh = await h.api<ErrorAnswer>("POST", `/accounts/${appId}/quota/reset`);
    expect(eleventh.status).toBe(429);
    expect(eleventh.body.error.code).toBe("too_many_requests");
    expect(eleventh.body.error.details).toEqual({
      reason: "quota_reset_limit",
      used: 10,
      limit: 10,
      month: "2025-06",
    });
    expect(h.wechatCalls("/cgi-bin/clear_quota")).toBe(10);
    const abilities = await h.api<{ abilities: { resetQuota: unknown } }>("GET", `/accounts/${appId}`);
    expect(abilities.body.abilities.resetQuota).toEqual({ allowed: false, reason: "quota_reset_limit" });

    const history = await h.api<{
      used: number;
      remaining: number;
      history: { result: string; by: string }[];
    }>("GET", `/accounts/${appId}/quota/resets`);
    expect(history.body.used).toBe(10);
    expect(history.body.remaining).toBe(0);
    expect(history.body.history.map((r) => r.result)).toEqual(["refused", ...Array(10).fill("ok")]);
    expect(history.body.history[0]!.by).toBe("api_key:admin");

    const quota = await h.api("GET", `/accounts/${appId}/quota?cgiPath=/cgi-bin/qrcode/create`);
    expect(quota.status).toBe(200);
    expect(quota.body).toEqual({ daily_limit: 100_000, used: 0, remain: 100_000 });
    // WeChat's own refusal passes through with its errcode (every API it serves has a quota).
    const unknownPath = await h.api<ErrorAnswer>(
      "GET",
      `/accounts/${appId}/quota?cgiPath=/cgi-bin/nothing/served`,
    );
    expect(unknownPath.status).toBe(502);
    expect(unknownPath.body.error.details).toMatchObject({ errcode: 76021 });
    const badPath = await h.api<ErrorAnswer>("GET", `/accounts/${appId}/quota?cgiPath=nope`);
    expect(badPath.status).toBe(400);

    // A new month (Beijing time) brings ten more.
    await h.server.sandbox!.core.control.advanceClock(30 * 86_400_000);
    await h.settle();
    const july = await h.api("POST", `/accounts/${appId}/quota/reset`);
    expect(july.status).toBe(200);
    expect(july.body).toMatchObject({ month: "2025-07", used: 1 });
  });
});

describe("deleting an account (删除)", () => {
  it("is refused while authorized and without the typed name, then purges every row of the account in every table", async () => {
    const appId = h.demo.serviceAppId;
    const other = h.demo.subscriptionAppId;
    await authorizeAccount(h, appId);
    await authorizeAccount(h, other);
    await h.api("POST", `/accounts/${appId}/quota/reset`);
    await h.api("POST", `/accounts/${appId}/authorization-update`);
    const purged: string[] = [];
    h.server.context.bus.on("accounts.purge", async (id) => {
      purged.push(id);
      return undefined;
    });

    const before = await rowsFor(appId);
    for (const table of ["accounts", "tokens", "api_calls", "quota_resets", "authorization_requests"]) {
      expect(before[table], table).toBeGreaterThan(0);
    }
    const otherBefore = await rowsFor(other);

    const stillAuthorized = await h.api<ErrorAnswer>("DELETE", `/accounts/${appId}`, {
      confirm: "示例服务号",
    });
    expect(stillAuthorized.status).toBe(409);
    expect(stillAuthorized.body.error.details.reason).toBe("still_authorized");

    await h.server.sandbox!.core.control.component.deauthorize({
      componentAppId: h.demo.componentAppId,
      authorizerAppId: appId,
    });
    // Frozen for the 48 hours of the cooling-off.
    const coolingOff = await h.api<ErrorAnswer>("DELETE", `/accounts/${appId}`, { confirm: "示例服务号" });
    expect(coolingOff.status).toBe(409);
    expect(coolingOff.body.error.details).toEqual({
      reason: "cooling_off",
      until: h.server.clock.now() + 48 * 3_600_000,
    });
    await h.server.sandbox!.core.control.advanceClock(48 * 3_600_000);
    await h.settle();
    const wrong = await h.api<ErrorAnswer>("DELETE", `/accounts/${appId}`, { confirm: "示例" });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({
      code: "validation_failed",
      details: { reason: "confirmation_mismatch" },
    });
    const noBody = await h.api<ErrorAnswer>("DELETE", `/accounts/${appId}`);
    expect(noBody.status).toBe(400);
    expect(noBody.body.error.code).toBe("validation_failed");

    const deleted = await h.api<{ deleted: Record<string, number> }>("DELETE", `/accounts/${appId}`, {
      confirm: "示例服务号",
    });
    expect(deleted.status).toBe(200);
    expect(deleted.body.deleted.accounts).toBe(1);
    expect(purged).toEqual([appId]);

    const after = await rowsFor(appId);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    for (const [table, count] of Object.entries(after)) expect(count, table).toBe(0);
    expect(await rowsFor(other)).toEqual(otherBefore);

    const gone = await h.api<ErrorAnswer>("GET", `/accounts/${appId}`);
    expect(gone.status).toBe(404);
    const again = await h.api<ErrorAnswer>("DELETE", `/accounts/${appId}`, { confirm: "示例服务号" });
    expect(again.status).toBe(404);
  });
});
