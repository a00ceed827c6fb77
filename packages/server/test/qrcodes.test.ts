import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { moduleFactories } from "../src/registry.js";
import { type TestDatabase, testEngines } from "../src/testing/engines.js";
import { createTestServer, type TestServer } from "../src/testing/server.js";
import { authorizeThroughPage } from "./authorization-page.js";

/**
 * Parametric QR codes end to end: the registry's modules, the sandbox WeChat, and followers
 * acted by the emulator — its scans reach wxgate as WeChat's pushes (subscribe with
 * `qrscene_<scene>`, SCAN, unsubscribe) and the figures come from them.
 */

interface Code {
  id: string;
  kind: string;
  name: string | null;
  scene: string;
  ticket: string;
  inviterOpenId: string | null;
  expiresAt: number | null;
  totals?: { scans: number; newFollowers: number; unfollows: number };
}
interface Batch {
  id: string;
  status: string;
  total: number;
  done: number;
  created: number;
  failed: number;
  items: {
    index: number;
    status: string;
    reason: string | null;
    errcode: number | null;
    code: Code | null;
  }[];
}
interface Refusal {
  error: { code: string; details?: { reason?: string; limit?: number } };
}

interface Harness {
  server: TestServer;
  url: string;
  appId: string;
  api<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  follower(
    action: string,
    body: Record<string, unknown>,
  ): Promise<{ openId: string; push: { outcome: string } }>;
  createCalls(): number;
  /** WeChat pushes the platform's ticket (every 10 minutes in WeChat; on demand here). */
  pushTicket(): Promise<unknown>;
  /** A GET under /api/v1 with the admin key, as it comes. */
  raw(path: string): Promise<Response>;
}

/**
 * Moves WeChat's clock and wxgate's together and waits until the pushes that fell due meanwhile
 * (the platform's tickets every ten minutes among them) are delivered: a call made while they
 * are still arriving would race the credentials they renew.
 */
async function advance(h: Harness, ms: number): Promise<void> {
  const core = h.server.sandbox!.core;
  await core.control.advanceClock(ms);
  await core.control.push.idle();
}

async function start(env: Record<string, string>): Promise<Harness> {
  const server = await createTestServer({ modules: moduleFactories, sandbox: true, env });
  const url = server.url!;
  const core = server.sandbox!.core;
  const demo = core.world.state.extensions["demo"] as { componentAppId: string; serviceAppId: string };
  const ticket = await core.control.component.pushTicket(demo.componentAppId);
  if (ticket.push.outcome !== "success") throw new Error(`the ticket push ended ${ticket.push.outcome}`);
  const { user } = await server.auth.createAdmin({ username: "admin", password: "correct horse battery" });
  const { key } = await server.auth.createApiKey(
    { userId: user.id, name: user.username },
    { name: "tests", scopes: ["admin"] },
  );
  const api = async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const json = response.headers.get("content-type")?.includes("json");
    return { status: response.status, body: (json && text ? JSON.parse(text) : text) as T };
  };
  const link = await api<{ pcUrl: string }>("POST", "/authorizations", {});
  const back = await authorizeThroughPage({ pcUrl: link.body.pcUrl, appId: demo.serviceAppId });
  if (back.status !== 200) throw new Error(`the redirect page answered ${back.status}`);
  await core.control.push.idle();
  // An account is enabled once its OpenID mapping is set: until then wxgate ignores its pushes.
  await api("PUT", `/accounts/${demo.serviceAppId}/openid-mapping`, { property: "wechat_openid" });
  const enabled = await api("POST", `/accounts/${demo.serviceAppId}/enable`);
  if (enabled.status !== 200)
    throw new Error(`enabling answered ${enabled.status}: ${JSON.stringify(enabled.body)}`);
  return {
    server,
    url,
    appId: demo.serviceAppId,
    api,
    async follower(action, body) {
      // One second between a follower's actions: WeChat tells pushes apart by OpenID and CreateTime.
      server.clock.advance(1000);
      const response = await fetch(`${url}/sandbox/__emulator/follower/${action}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ appId: demo.serviceAppId, ...body }),
      });
      const answer = (await response.json()) as { openId: string; push: { outcome: string } };
      if (response.status !== 200) throw new Error(`${action}: ${JSON.stringify(answer)}`);
      return answer;
    },
    pushTicket: () => core.control.component.pushTicket(demo.componentAppId),
    raw: (path) => fetch(`${url}/api/v1${path}`, { headers: { authorization: `Bearer ${key}` } }),
    createCalls: () => core.control.requestLog({ path: "/cgi-bin/qrcode/create" }).length,
  };
}

describe.each(testEngines)("parametric QR codes on $name", (engine) => {
  let database: TestDatabase;
  let h: Harness;
  beforeEach(async () => {
    database = await engine.database();
    h = await start(database.env);
  });
  afterEach(async () => {
    await h.server.dispose();
    await database.dispose();
  });

  it("counts scans, new followers and unfollows per channel and per day from WeChat's pushes", async () => {
    const made = await h.api<Code>("POST", `/accounts/${h.appId}/qrcodes/channels`, {
      name: "地铁广告",
      scene: "metro",
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ kind: "channel", name: "地铁广告", scene: "metro", expiresAt: null });
    const other = await h.api<Code>("POST", `/accounts/${h.appId}/qrcodes/channels`, { name: "门店" });
    expect(other.body.scene).toBe("门店");

    // Day one (2025-06-01 CST): two people follow through the metro code, one already following scans it.
    const first = await h.follower("scan", { ticket: made.body.ticket, nickname: "甲" });
    expect(first.push.outcome).toBe("success");
    await h.follower("scan", { ticket: made.body.ticket, nickname: "乙" });
    const plain = await h.follower("follow", { nickname: "丙" });
    await h.follower("scan", { openId: plain.openId, ticket: made.body.ticket });
    // The store code brings one.
    const fromStore = await h.follower("scan", { ticket: other.body.ticket, nickname: "丁" });

    // Day two: the first follower scans again (SCAN) and unfollows; the plain follower's
    // unfollow is no code's.
    await advance(h, 24 * 60 * 60 * 1000);
    await h.follower("scan", { openId: first.openId, ticket: made.body.ticket });
    await h.follower("unfollow", { openId: first.openId });
    await h.follower("unfollow", { openId: plain.openId });
    await h.follower("unfollow", { openId: fromStore.openId });

    const one = await h.api<Code>("GET", `/accounts/${h.appId}/qrcodes/${made.body.id}`);
    expect(one.body.totals).toEqual({ scans: 4, newFollowers: 2, unfollows: 1 });

    const stats = await h.api<{
      days: string[];
      series: {
        scene: string;
        code: Code | null;
        points: { day: string; scans: number; newFollowers: number; unfollows: number }[];
      }[];
    }>("GET", `/accounts/${h.appId}/qrcodes/stats?from=2025-06-01&to=2025-06-02&kind=channel`);
    expect(stats.status).toBe(200);
    expect(stats.body.days).toEqual(["2025-06-01", "2025-06-02"]);
    const metro = stats.body.series.find((s) => s.scene === "metro");
    expect(metro?.code?.id).toBe(made.body.id);
    expect(metro?.points).toEqual([
      { day: "2025-06-01", scans: 3, newFollowers: 2, unfollows: 0 },
      { day: "2025-06-02", scans: 1, newFollowers: 0, unfollows: 1 },
    ]);
    const store = stats.body.series.find((s) => s.scene === "门店");
    expect(store?.points.map((p) => [p.newFollowers, p.unfollows])).toEqual([
      [1, 0],
      [0, 1],
    ]);

    const list = await h.api<{ items: Code[] }>("GET", `/accounts/${h.appId}/qrcodes?kind=channel`);
    expect(list.body.items.map((c) => [c.scene, c.totals?.newFollowers])).toEqual([
      ["门店", 1],
      ["metro", 2],
    ]);

    const csv = await h.api<string>(
      "GET",
      `/accounts/${h.appId}/qrcodes/stats/export?from=2025-06-01&to=2025-06-02`,
    );
    expect(csv.status).toBe(200);
    const lines = csv.body
      .replace(/^\uFEFF/, "")
      .trim()
      .split("\n");
    expect(lines[0]).toBe("day,scene,code_id,kind,name,scans,new_followers,unfollows");
    expect(lines).toContain(`2025-06-01,metro,${made.body.id},channel,地铁广告,3,2,0`);
    expect(lines).toContain(`2025-06-02,metro,${made.body.id},channel,地铁广告,1,0,1`);

    const image = await h.raw(`/accounts/${h.appId}/qrcodes/${made.body.id}/image`);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(image.headers.get("x-image-source")).toBe("wechat");
    expect(
      Buffer.from(await image.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe("PNG");
  });

  it("records who brought whom through fission codes, with counts per inviter and the tree", async () => {
    const a = await h.follower("follow", { nickname: "A" });
    const codeOf = async (openId: string) => {
      const made = await h.api<{ code: Code; created: boolean }>(
        "POST",
        `/accounts/${h.appId}/qrcodes/fission`,
        {
          inviterOpenId: openId,
          expireSeconds: 7 * 24 * 3600,
        },
      );
      expect(made.status, JSON.stringify(made.body)).toBe(200);
      return made.body;
    };
    const codeA = await codeOf(a.openId);
    expect(codeA).toMatchObject({ created: true, code: { kind: "fission", inviterOpenId: a.openId } });
    // One per inviter: asking again gives the live one, and WeChat is not asked.
    const calls = h.createCalls();
    expect((await codeOf(a.openId)).code.id).toBe(codeA.code.id);
    expect(h.createCalls()).toBe(calls);

    const b = await h.follower("scan", { ticket: codeA.code.ticket, nickname: "B" });
    const d = await h.follower("scan", { ticket: codeA.code.ticket, nickname: "D" });
    const codeB = await codeOf(b.openId);
    const c = await h.follower("scan", { ticket: codeB.code.ticket, nickname: "C" });
    await h.follower("unfollow", { openId: c.openId });
    // A scanning their own code is no invitation.
    await h.follower("scan", { openId: a.openId, ticket: codeA.code.ticket });

    const tree = await h.api<{
      nodes: {
        openId: string;
        invitedBy: string | null;
        depth: number;
        invited: number;
        stillFollowing: number;
        descendants: number;
        unfollowed: boolean | null;
      }[];
      invitations: number;
      truncated: boolean;
    }>("GET", `/accounts/${h.appId}/qrcodes/fission/tree`);
    expect(tree.status).toBe(200);
    expect(tree.body.invitations).toBe(3);
    expect(tree.body.truncated).toBe(false);
    expect(
      tree.body.nodes.map((n) => [
        n.openId,
        n.invitedBy,
        n.depth,
        n.invited,
        n.stillFollowing,
        n.descendants,
      ]),
    ).toEqual([
      [a.openId, null, 0, 2, 2, 3],
      [b.openId, a.openId, 1, 1, 0, 1],
      [c.openId, b.openId, 2, 0, 0, 0],
      [d.openId, a.openId, 1, 0, 0, 0],
    ]);
    expect(tree.body.nodes.find((n) => n.openId === c.openId)?.unfollowed).toBe(true);

    // Once expired, the same code (same scene) gets a new ticket from WeChat.
    await advance(h, 8 * 24 * 3600 * 1000);
    const expired = await h.api<Refusal>("GET", `/accounts/${h.appId}/qrcodes/${codeA.code.id}/image`);
    expect(expired.status).toBe(409);
    expect(expired.body.error.details?.reason).toBe("code_expired");
    const renewed = await codeOf(a.openId);
    expect(renewed.created).toBe(true);
    expect(renewed.code.id).toBe(codeA.code.id);
    expect(renewed.code.scene).toBe(codeA.code.scene);
    expect(renewed.code.ticket).not.toBe(codeA.code.ticket);
  });

  it("creates a batch of channels, reporting each item, and refuses WeChat's limits before asking it", async () => {
    await h.api("POST", `/accounts/${h.appId}/qrcodes/channels`, { name: "已有", scene: "ch-7" });
    const channels = Array.from({ length: 50 }, (_, i) => ({ name: `渠道 ${i + 1}`, scene: `ch-${i + 1}` }));
    channels.push({ name: "太长", scene: "s".repeat(65) }, { name: "重复", scene: "ch-1" });
    // WeChat refuses the first call the job makes: that item fails, the others go on.
    h.server.sandbox!.core.control.addFault({
      api: "/cgi-bin/qrcode/create",
      kind: "errcode",
      count: 1,
      errcode: 45009,
    });
    const before = h.createCalls();
    const started = await h.api<Batch>("POST", `/accounts/${h.appId}/qrcodes/channels/batch`, { channels });
    expect(started.status).toBe(202);
    // The rules are checked at once: three items are refused before the job asks WeChat for any.
    expect(started.body).toMatchObject({ status: "running", total: 52, done: 3, failed: 3 });
    expect(started.body.items[6]).toMatchObject({ status: "failed", reason: "scene_taken" });
    expect(started.body.items[50]).toMatchObject({ status: "failed", reason: "scene_invalid" });
    expect(started.body.items[51]).toMatchObject({ status: "failed", reason: "scene_repeated" });
    expect(started.body.items[0]).toMatchObject({ status: "pending", code: null });
    expect(h.createCalls()).toBe(before);

    await h.server.queue.runDue();
    const batch = await h.api<Batch>("GET", `/accounts/${h.appId}/qrcodes/batches/${started.body.id}`);
    expect(batch.body).toMatchObject({ status: "done", total: 52, done: 52, created: 48, failed: 4 });
    expect(batch.body.items.map((item) => item.index)).toEqual(channels.map((_, i) => i));
    expect(batch.body.items[0]).toMatchObject({ status: "failed", reason: "wechat_refused", errcode: 45009 });
    expect(batch.body.items[1]?.code?.scene).toBe("ch-2");
    expect(h.createCalls() - before).toBe(49);
    // Done, the job is not run again.
    await h.server.queue.runDue();
    expect(h.createCalls() - before).toBe(49);

    const refusals: [string, unknown, number, string][] = [
      ["/qrcodes/channels", { name: "x", scene: "字".repeat(65) }, 400, "scene_invalid"],
      ["/qrcodes/channels", { name: " " }, 400, "name_invalid"],
      ["/qrcodes/channels", { name: "again", scene: "ch-2" }, 409, "scene_taken"],
      [
        "/qrcodes/fission",
        { inviterOpenId: "oABC123456789", expireSeconds: 2_592_001 },
        400,
        "expire_invalid",
      ],
      ["/qrcodes/fission", { inviterOpenId: "not an openid" }, 400, "inviter_invalid"],
    ];
    const calls = h.createCalls();
    for (const [path, body, status, reason] of refusals) {
      const answer = await h.api<Refusal>("POST", `/accounts/${h.appId}${path}`, body);
      expect([answer.status, answer.body.error.details?.reason]).toEqual([status, reason]);
    }
    expect(h.createCalls()).toBe(calls);

    // Two requests racing for one scene: one code, the other refused in words.
    const raced = await Promise.all(
      [1, 2].map(() =>
        h.api<Refusal>("POST", `/accounts/${h.appId}/qrcodes/channels`, { name: "同时", scene: "race" }),
      ),
    );
    expect(raced.map((answer) => answer.status).sort()).toEqual([201, 409]);
    expect(raced.find((answer) => answer.status === 409)?.body.error.details?.reason).toBe("scene_taken");

    // 64 characters (Chinese ones too) are within the limit.
    expect(
      (await h.api("POST", `/accounts/${h.appId}/qrcodes/channels`, { name: "y", scene: "字".repeat(64) }))
        .status,
    ).toBe(201);
    const image = await h.raw(`/accounts/${h.appId}/qrcodes/${batch.body.items[1]?.code?.id}/image`);
    expect(image.status).toBe(200);
  });

  it("refuses the 100,001st permanent code without asking WeChat", async () => {
    const db = h.server.store.db;
    const rows = Array.from({ length: 99_999 }, (_, i) => ({
      id: `seed-${String(i).padStart(6, "0")}`,
      appid: h.appId,
      kind: "channel" as const,
      scene: `seed-${i}`,
      name: `seed ${i}`,
      inviter_openid: null,
      ticket: `t${i}`,
      url: `http://weixin.qq.com/q/${i}`,
      expires_at: null,
      created_by: null,
      created_at: 0,
      updated_at: 0,
    }));
    await db.transaction().execute(async (trx) => {
      for (let at = 0; at < rows.length; at += 500)
        await trx
          .insertInto("qrcodes")
          .values(rows.slice(at, at + 500))
          .execute();
    });
    expect((await h.api("POST", `/accounts/${h.appId}/qrcodes/channels`, { name: "最后一个" })).status).toBe(
      201,
    );
    const calls = h.createCalls();
    const over = await h.api<Refusal>("POST", `/accounts/${h.appId}/qrcodes/channels`, { name: "超出" });
    expect([over.status, over.body.error.details?.reason, over.body.error.details?.limit]).toEqual([
      409,
      "permanent_limit",
      100_000,
    ]);
    const started = await h.api<Batch>("POST", `/accounts/${h.appId}/qrcodes/channels/batch`, {
      channels: [{ name: "超出一" }, { name: "超出二" }],
    });
    await h.server.queue.runDue();
    const batch = await h.api<Batch>("GET", `/accounts/${h.appId}/qrcodes/batches/${started.body.id}`);
    expect(batch.body.items.map((item) => item.reason)).toEqual(["permanent_limit", "permanent_limit"]);
    expect(h.createCalls()).toBe(calls);
  }, 60_000);

  it("refuses the 100,001st code of a day (China Standard Time) without asking WeChat, and counts again the next day", async () => {
    const db = h.server.store.db;
    // The test clock starts at 2025-06-01 08:00 in China.
    await db
      .insertInto("qrcode_creations")
      .values({ appid: h.appId, day: "2025-06-01", count: 99_999 })
      .execute();
    expect(
      (await h.api("POST", `/accounts/${h.appId}/qrcodes/channels`, { name: "今天最后一个" })).status,
    ).toBe(201);
    const calls = h.createCalls();
    const channel = await h.api<Refusal>("POST", `/accounts/${h.appId}/qrcodes/channels`, { name: "超出" });
    const fission = await h.api<Refusal>("POST", `/accounts/${h.appId}/qrcodes/fission`, {
      inviterOpenId: "oInviter0001",
    });
    for (const refused of [channel, fission]) {
      expect([refused.status, refused.body.error.details?.reason, refused.body.error.details?.limit]).toEqual(
        [409, "daily_limit", 100_000],
      );
    }
    expect(h.createCalls()).toBe(calls);
    // 16 hours later it is the second of June in China.
    await advance(h, 16 * 60 * 60 * 1000);
    // WeChat's platform ticket lives 12 hours: the one pushed every 10 minutes, pushed now.
    await h.pushTicket();
    const tomorrow = await h.api("POST", `/accounts/${h.appId}/qrcodes/channels`, { name: "超出" });
    expect(tomorrow.status).toBe(201);
  });
});
