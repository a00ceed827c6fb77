import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { START, startEmulator, type TestEmulator } from "../../test/support.js";
import { closeCore, emulatorPlugin } from "../app.js";
import { ControllableClock } from "../clock.js";
import { createEmulatorCore } from "../core.js";
import { IdGenerator } from "../ids.js";
import type { DemoIds } from "../world/demo.js";

const running: TestEmulator[] = [];
async function start(options: Parameters<typeof startEmulator>[0] = {}): Promise<TestEmulator> {
  const emu = await startEmulator(options);
  running.push(emu);
  return emu;
}
afterEach(async () => {
  for (const emu of running.splice(0)) await emu.close();
});

async function control(emu: TestEmulator, method: string, path: string, body?: unknown) {
  const res = await fetch(`${emu.baseUrls.control}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("control API", () => {
  it("creates platforms, accounts, followers and tags and summarizes the world", async () => {
    const emu = await start();
    const platform = await control(emu, "POST", "/platforms", {
      name: "P",
      authEventUrl: "http://127.0.0.1:1/auth",
    });
    expect(platform.body.componentAppId).toMatch(/^wx[0-9a-f]{16}$/);
    const acc = await control(emu, "POST", "/accounts", {
      kind: "subscription",
      verifyType: -1,
      nickname: "订阅号",
      server: { url: "http://127.0.0.1:1/cb", mode: "safe" },
    });
    const appId = acc.body.appId as string;
    expect(acc.body).toMatchObject({
      kind: "subscription",
      verifyType: -1,
      originalId: expect.stringMatching(/^gh_/),
    });
    expect((acc.body.server as { encodingAESKey: string }).encodingAESKey).toMatch(/^[A-Za-z0-9]{43}$/);
    const tags = await control(emu, "POST", `/accounts/${appId}/tags`, { names: ["A", "B"] });
    expect((tags.body.tags as { id: number }[]).map((t) => t.id)).toEqual([100, 101]);
    const many = await control(emu, "POST", `/accounts/${appId}/followers`, { count: 25 });
    expect(many.body.followers).toHaveLength(25);
    const listed = await control(emu, "POST", `/accounts/${appId}/followers`, {
      followers: [{ nickname: "张三", tagIds: [100] }, { subscribed: false }],
    });
    expect(listed.body.followers).toMatchObject([
      { nickname: "张三", tagIds: [100], subscribed: true },
      { subscribed: false },
    ]);
    const summary = await control(emu, "GET", "/summary");
    expect(summary.body).toMatchObject({
      seed: "test",
      now: START,
      platforms: [{ componentAppId: platform.body.componentAppId, authorizers: [], hasTicket: false }],
      accounts: [{ appId, followers: 26, tags: 5 }],
    });
  });

  it("lists an account's followers, newest subscription first, filtered and bounded", async () => {
    const emu = await start();
    const { appId } = emu.control.createAccount({ kind: "service" });
    await control(emu, "POST", `/accounts/${appId}/followers`, {
      followers: [
        { nickname: "张三", subscribeTime: START - 3_000 },
        { nickname: "李四", subscribeTime: START - 2_000 },
        { nickname: "王五", subscribeTime: START - 1_000, subscribed: false },
      ],
    });
    const all = await control(emu, "GET", `/accounts/${appId}/followers`);
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(3);
    const listed = all.body.followers as { nickname: string; openId: string; subscribed: boolean }[];
    expect(listed.map((f) => f.nickname)).toEqual(["王五", "李四", "张三"]);
    expect(Object.keys(listed[0]!).sort()).toEqual(
      ["nickname", "openId", "remark", "subscribeTime", "subscribed", "tagIds"].sort(),
    );
    const following = await control(emu, "GET", `/accounts/${appId}/followers?subscribed=true&limit=1`);
    expect(following.body).toMatchObject({ total: 2, followers: [{ nickname: "李四" }] });
    const byOpenId = await control(
      emu,
      "GET",
      `/accounts/${appId}/followers?q=${encodeURIComponent(listed[2]!.openId.toUpperCase())}`,
    );
    expect(byOpenId.body).toMatchObject({ total: 1, followers: [{ nickname: "张三" }] });
    const byName = await control(emu, "GET", `/accounts/${appId}/followers?q=${encodeURIComponent("李")}`);
    expect(byName.body).toMatchObject({ total: 1, followers: [{ nickname: "李四" }] });
    expect((await control(emu, "GET", `/accounts/${appId}/followers?limit=0`)).status).toBe(400);
    expect((await control(emu, "GET", `/accounts/${appId}/followers?subscribed=yes`)).status).toBe(400);
    expect((await control(emu, "GET", "/accounts/wx0/followers")).status).toBe(404);
  });

  it("refuses bad input with 400, unknown accounts with 404, duplicates with 409", async () => {
    const emu = await start();
    expect((await control(emu, "POST", "/accounts", { kind: "enterprise" })).status).toBe(400);
    expect((await control(emu, "POST", "/accounts/wx0/followers", { count: 1 })).status).toBe(404);
    const acc = emu.control.createAccount();
    expect((await control(emu, "POST", "/accounts", { appId: acc.appId })).status).toBe(409);
    expect((await control(emu, "POST", `/accounts/${acc.appId}/followers`, {})).status).toBe(400);
    const res = await fetch(`${emu.baseUrls.control}/accounts`, { method: "POST", body: "{oops" });
    expect(res.status).toBe(400);
  });

  it("advances the clock over HTTP and runs what fell due", async () => {
    const emu = await start();
    const fired: number[] = [];
    emu.core.scheduler.every(600_000, (due) => {
      fired.push(due);
    });
    const res = await control(emu, "POST", "/clock/advance", { ms: 1_800_000 });
    expect(res.body.now).toBe(START + 1_800_000);
    expect(fired).toHaveLength(3);
    expect((await control(emu, "GET", "/clock")).body.now).toBe(START + 1_800_000);
    expect((await control(emu, "POST", "/clock/advance", { ms: -5 })).status).toBe(400);
    expect((await control(emu, "POST", "/clock/set", { now: START })).status).toBe(400);
  });

  it("invalidates a token as if another system had refreshed it", async () => {
    const emu = await start();
    const acc = emu.control.createAccount();
    const q = { grant_type: "client_credential", appid: acc.appId, secret: acc.secret };
    const old = (await emu.get("/cgi-bin/token", q)).body.access_token as string;
    const res = await control(emu, "POST", `/accounts/${acc.appId}/invalidate-token`, {});
    const fresh = res.body.access_token as string;
    expect((await emu.get("/cgi-bin/test/whoami", { access_token: old })).body.errcode).toBe(40001);
    expect((await emu.get("/cgi-bin/test/whoami", { access_token: fresh })).body.errcode).toBe(0);
    const kept = await control(emu, "POST", `/accounts/${acc.appId}/invalidate-token`, { overlap: true });
    expect((await emu.get("/cgi-bin/test/whoami", { access_token: fresh })).body.errcode).toBe(0);
    await emu.control.advanceClock(300_000);
    expect((await emu.get("/cgi-bin/test/whoami", { access_token: fresh })).body.errcode).toBe(40001);
    expect(
      (await emu.get("/cgi-bin/test/whoami", { access_token: kept.body.access_token as string })).body
        .errcode,
    ).toBe(0);
  });
});

describe("determinism", () => {
  it("the same seed gives the same demo world, tokens and OpenIDs; another seed does not", async () => {
    const run = async (seed: string) => {
      const emu = await start({ seed, preset: "demo" });
      const demo = emu.world.state.extensions.demo as DemoIds;
      const acc = emu.world.account(demo.serviceAppId)!;
      const token = (
        await emu.get("/cgi-bin/token", {
          grant_type: "client_credential",
          appid: acc.appId,
          secret: acc.secret,
        })
      ).body.access_token;
      return {
        demo,
        secret: acc.secret,
        token,
        openIds: Object.keys(emu.world.followersOf(acc.appId)).slice(0, 5),
      };
    };
    const a = await run("same");
    const b = await run("same");
    const c = await run("different");
    expect(b).toEqual(a);
    expect(c.demo.serviceAppId).not.toBe(a.demo.serviceAppId);
  });

  it("the demo preset has a platform, three kinds of account with hundreds of followers, tags and shared UnionIDs", async () => {
    const emu = await start({ preset: "demo" });
    const demo = emu.world.state.extensions.demo as DemoIds;
    const service = emu.world.account(demo.serviceAppId)!;
    const sub = emu.world.account(demo.subscriptionAppId)!;
    const mini = emu.world.account(demo.miniProgramAppId)!;
    expect([service.kind, service.verifyType]).toEqual(["service", 0]);
    expect([sub.kind, sub.verifyType]).toEqual(["subscription", -1]);
    expect(mini.kind).toBe("miniprogram");
    expect(emu.world.platform(demo.componentAppId)).toBeDefined();
    for (const acc of [service, sub, mini]) {
      const count = Object.keys(emu.world.followersOf(acc.appId)).length;
      expect(count).toBeGreaterThanOrEqual(100);
      expect(Object.keys(emu.world.tagsOf(acc.appId).items).length).toBeGreaterThan(3);
    }
    const unionIds = (appId: string) =>
      new Set(Object.values(emu.world.followersOf(appId)).map((f) => f.unionId));
    const shared = [...unionIds(service.appId)].filter((u) => unionIds(sub.appId).has(u));
    expect(shared.length).toBeGreaterThan(0);
    const openIds = new Set([
      ...Object.keys(emu.world.followersOf(service.appId)),
      ...Object.keys(emu.world.followersOf(sub.appId)),
    ]);
    expect(openIds.size).toBe(
      Object.keys(emu.world.followersOf(service.appId)).length +
        Object.keys(emu.world.followersOf(sub.appId)).length,
    );
  });
});

describe("snapshots", () => {
  it("round-trip through a file: accounts, tokens, clock and id sequence survive a restart", async () => {
    const dir = await mkdtemp(join(tmpdir(), "wxgate-emu-"));
    const file = join(dir, "world.json");
    try {
      const first = await startEmulator({ snapshotFile: file, preset: "demo", seed: "snap" });
      const acc = first.control.createAccount({ nickname: "快照" });
      const q = { grant_type: "client_credential", appid: acc.appId, secret: acc.secret };
      const token = (await first.get("/cgi-bin/token", q)).body.access_token as string;
      await first.control.advanceClock(3_600_000);
      const saved = await control(first, "POST", "/snapshot");
      expect(saved.body.file).toBe(file);
      await first.close();
      // Closing saves again: the id stream resumes exactly where the first emulator stopped.
      const probe = new IdGenerator("probe");
      probe.prng.state = first.core.ids.prng.state;
      const nextAppId = probe.appId();
      const text = await readFile(file, "utf8");
      expect(text).toContain(acc.appId);

      const clock = new ControllableClock({ start: START, frozen: true });
      const second = await startEmulator({ snapshotFile: file, clock, seed: "ignored" });
      expect(second.clock.now()).toBe(START + 3_600_000);
      expect(second.world.account(acc.appId)?.nickname).toBe("快照");
      expect((await second.get("/cgi-bin/test/whoami", { access_token: token })).body.errcode).toBe(0);
      expect(second.core.ids.seed).toBe("snap");
      expect(second.core.ids.appId()).toBe(nextAppId);
      expect(second.world.toJSON()).toEqual(second.control.snapshot().world);
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("GET /snapshot returns the document and restore loads it into another emulator", async () => {
    const a = await start({ preset: "demo", seed: "x" });
    const doc = await control(a, "GET", "/snapshot");
    const b = await start();
    expect((await control(b, "POST", "/snapshot/restore", doc.body)).status).toBe(200);
    expect(b.world.state.accounts).toEqual(a.world.state.accounts);
    expect((await control(b, "POST", "/snapshot/restore", { format: "nope" })).status).toBe(400);
    expect((await control(b, "POST", "/snapshot")).status).toBe(400);
  });
});

describe("emulatorPlugin", () => {
  it("mounts under a prefix inside another Fastify app", async () => {
    const core = await createEmulatorCore({
      prefix: "/sandbox",
      seed: 3,
      clock: new ControllableClock({ frozen: true }),
    });
    const host = Fastify();
    host.get("/health", async () => ({ ok: true }));
    await host.register(emulatorPlugin, { prefix: "/sandbox", core });
    await host.listen({ host: "127.0.0.1", port: 0 });
    try {
      const address = host.server.address();
      if (typeof address !== "object" || address === null) throw new Error("no address");
      core.setOrigin(`http://127.0.0.1:${address.port}`);
      const urls = core.baseUrls();
      expect(urls.api).toBe(`http://127.0.0.1:${address.port}/sandbox`);
      expect(urls.control).toBe(`${urls.api}/__emulator`);
      const acc = core.control.createAccount();
      const res = await fetch(
        `${urls.api}/cgi-bin/token?grant_type=client_credential&appid=${acc.appId}&secret=${acc.secret}`,
      );
      expect(((await res.json()) as { expires_in: number }).expires_in).toBe(7200);
      expect(core.control.requestLog()[0]).toMatchObject({ path: "/cgi-bin/token", appid: acc.appId });
      expect((await fetch(`${urls.control}/summary`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${address.port}/health`)).status).toBe(200);
      expect(core.control.requestLog()).toHaveLength(1);
    } finally {
      await closeCore(core);
      await host.close();
    }
  });
});
