import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock } from "../platform/clock.js";
import { createLogger } from "../platform/logger.js";
import { SecretBox } from "../platform/secrets.js";
import { migrateToLatest } from "../platform/store/migrate.js";
import { testStoreFactories } from "../platform/store/test-stores.js";
import { migrations } from "../registry.js";
import { adminActor } from "../testing/actors.js";
import { lifecyclePolicy } from "./lifecycle.js";
import { LifecycleSweep } from "./lifecycle-sweep.js";
import { AccountRepository } from "./repository.js";
import type { AccountsTable } from "./tables.js";

const DAY = 86_400_000;
const start = Date.UTC(2025, 0, 1);
const policy = lifecyclePolicy({ authorizationValidityDays: 365, deauthorizationCoolingOffHours: 48 });
const logger = createLogger({ level: "silent" });

function account(appid: string, connection: AccountsTable["connection"]) {
  return {
    id: `id-${appid}`,
    appid,
    kind: "service" as const,
    connection,
    nickname: appid,
    declared_verified: 0,
    func_info: "[]",
    authorization_state: "authorized" as const,
    authorized_at: start,
    enabled: 1,
    created_at: start,
    updated_at: start,
  };
}

function request(id: string, createdAt: number, bizAppId: string | null) {
  return {
    id,
    pre_auth_code: `preauthcode@@@${id}`,
    auth_type: null,
    biz_appid: bizAppId,
    created_by: null,
    created_at: createdAt,
    expires_at: createdAt + 600_000,
    completed_at: null,
    authorizer_appid: null,
    auth_code_digest: null,
  };
}

describe.each(testStoreFactories)("authorization lifecycle storage on $name", (factory) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function store() {
    const handle = await factory.create();
    cleanups.push(handle.dispose);
    return handle;
  }

  it("gives accounts authorized before the migration a year from their authorization", async () => {
    const { store: opened } = await store();
    const before = migrations.filter((m) => m.name < "0005_lifecycle");
    await migrateToLatest(opened.db, before);
    await opened.db.insertInto("accounts").values(account("wxcomponent000001", "component")).execute();
    await opened.db.insertInto("accounts").values(account("wxdirect000000001", "direct")).execute();
    const through = migrations.filter((m) => m.name <= "0005_lifecycle");
    expect((await migrateToLatest(opened.db, through)).applied).toEqual(["0005_lifecycle"]);
    const rows = await opened.db
      .selectFrom("accounts")
      .select(["appid", "authorization_expires_at"])
      .orderBy("appid")
      .execute();
    expect(rows).toEqual([
      { appid: "wxcomponent000001", authorization_expires_at: start + 365 * DAY },
      { appid: "wxdirect000000001", authorization_expires_at: null },
    ]);
  });

  it("records each notice once, even from two sweeps at once; counts a month's requests; purge leaves none naming the account", async () => {
    const { store: opened } = await store();
    await migrateToLatest(opened.db, migrations);
    const repository = new AccountRepository(opened.db, new SecretBox(randomBytes(32)));
    const appId = "wxcomponent000001";
    await repository.insert({ ...account(appId, "component"), authorization_expires_at: start + 365 * DAY });
    await repository.insert({ ...account("wxcomponent000002", "component"), authorization_expires_at: null });

    const clock = new ManualClock(start + 340 * DAY);
    // Two processes sweeping the same store at the same moment.
    const sweeps = [1, 2].map(() => new LifecycleSweep({ repository, clock, policy, logger }));
    const reports = await Promise.all(sweeps.map((s) => s.run()));
    expect(reports.map((r) => r.expiring).sort()).toEqual([0, 1]);
    expect(await sweeps[0]!.run()).toEqual({ expiring: 0, lapsed: 0 });
    clock.set(start + 365 * DAY);
    expect(await sweeps[1]!.run()).toEqual({ expiring: 0, lapsed: 1 });
    expect(await sweeps[0]!.run()).toEqual({ expiring: 0, lapsed: 0 });
    const notices = await sweeps[0]!.notices(adminActor(), { appId, limit: 10 });
    expect(notices.items.map((n) => [n.kind, n.periodStartedAt, n.expiresAt])).toEqual([
      ["authorization_lapsed", start, start + 365 * DAY],
      ["authorization_expiring", start, start + 365 * DAY],
    ]);
    // Every account's notices are the accounts in reach's only.
    expect((await sweeps[0]!.notices(adminActor([appId]), { limit: 10 })).items).toHaveLength(2);
    const elsewhere = adminActor(["wxcomponent000002"]);
    expect(await sweeps[0]!.notices(elsewhere, { limit: 10 })).toEqual({ items: [], nextBefore: null });
    expect((await sweeps[0]!.notices(adminActor([]), { limit: 10 })).items).toEqual([]);
    await expect(sweeps[0]!.notices(elsewhere, { appId, limit: 10 })).rejects.toMatchObject({
      code: "forbidden",
      details: { reason: "out_of_reach", action: "accounts.read" },
    });

    const from = Date.UTC(2025, 0, 31, 16);
    const to = Date.UTC(2025, 1, 28, 16);
    await repository.createAuthorizationRequest(request("r1", from - 1, null));
    await repository.createAuthorizationRequest(request("r2", from, appId));
    await repository.createAuthorizationRequest(request("r3", to - 1, null));
    await repository.createAuthorizationRequest(request("r4", to, null));
    expect(await repository.countAuthorizationRequests(from, to)).toBe(2);

    const report = await repository.purge(appId);
    expect(report).toMatchObject({ accounts: 1, authorization_notices: 2, authorization_requests: 1 });
    expect(await repository.listNotices({ appId, limit: 10 })).toEqual([]);
    const detached = await opened.db
      .selectFrom("authorization_requests")
      .selectAll()
      .where("id", "=", "r2")
      .executeTakeFirstOrThrow();
    expect(detached).toMatchObject({ biz_appid: null, authorizer_appid: null, auth_code_digest: null });
    expect(await repository.countAuthorizationRequests(from, to)).toBe(2);
  });
});
