import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type TestDatabase, testEngines } from "../src/testing/engines.js";
import { type FollowersHarness, startFollowers } from "./followers-harness.js";

interface Progress {
  state: string;
  done: number;
  total: number;
  pages: number;
  etaSeconds: number | null;
}
interface FollowerView {
  openId: string;
  remark: string;
  subscribed: boolean;
  subscribeScene: string | null;
  qrScene: string | null;
  tagIds: number[];
  lastInteraction: {
    message: number | null;
    menuClick: number | null;
    follow: number | null;
    scan: number | null;
  };
}
interface ErrorBody {
  error: { code: string; details: { reason?: string; errcode?: number } };
}

const FOLLOWERS = 25_000;

describe.each(testEngines)("followers on $name", (engine) => {
  let dataDir: string;
  let database: TestDatabase;
  const running: FollowersHarness[] = [];

  async function start(): Promise<FollowersHarness> {
    const harness = await startFollowers({ WXGATE_DATA_DIR: dataDir, ...database.env });
    running.push(harness);
    return harness;
  }

  async function setUp() {
    dataDir = mkdtempSync(join(tmpdir(), "wxgate-followers-"));
    database = await engine.database();
  }

  afterEach(async () => {
    while (running.length) await running.pop()!.stop();
    await database.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("syncs 25,000 followers; a server stopped in the middle is resumed by the next from its last page", async () => {
    await setUp();
    const first = await start();
    await first.connectDirect();
    const core = first.server.sandbox!.core;
    core.control.apis.setCrowd(first.appId, FOLLOWERS);
    // The demo world's own followers come first, then the crowd: three pages in all.
    const total = FOLLOWERS + core.control.followers(first.appId, { subscribed: true }).total;
    const pageSizes = [10_000, 10_000, total - 20_000];
    // Slow WeChat down so the sync is caught mid-way: each batchget takes 15 ms.
    core.control.addFault({ api: "/cgi-bin/user/info/batchget", kind: "latency", ms: 15, count: 1_000 });

    const started = await first.api<Progress>("POST", `/accounts/${first.appId}/followers/sync`);
    expect(started.status).toBe(202);
    expect(started.body.state).toBe("running");
    // A second start shows the running sync instead of starting over.
    expect((await first.api<Progress>("POST", `/accounts/${first.appId}/followers/sync`)).body.pages).toBe(0);

    first.server.startWorker();
    let seen: Progress = started.body;
    for (let i = 0; i < 500 && seen.pages < 1; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      seen = (await first.api<Progress>("GET", `/accounts/${first.appId}/followers/sync`)).body;
    }
    expect(seen.pages).toBeGreaterThanOrEqual(1);
    await first.stop();
    running.splice(running.indexOf(first), 1);

    const second = await start();
    const atRestart = (await second.api<Progress>("GET", `/accounts/${second.appId}/followers/sync`)).body;
    expect(atRestart.state).toBe("running");
    expect(atRestart.pages).toBeGreaterThanOrEqual(1);
    expect(atRestart.pages).toBeLessThan(3);
    expect(atRestart.done).toBe(atRestart.pages * 10_000);
    // Server 1 stopped with the cursor after its last committed page in the store.
    second.server.sandbox!.core.control.apis.setCrowd(second.appId, FOLLOWERS);
    // The page cut short (if any) is retried after the queue's backoff.
    second.server.clock.advance(10 * 60_000);
    await second.server.queue.runDue();

    const finished = (await second.api<Progress>("GET", `/accounts/${second.appId}/followers/sync`)).body;
    expect(finished).toMatchObject({
      state: "done",
      done: total,
      total,
      pages: 3,
      etaSeconds: 0,
    });
    // The second server asked only for the pages left, and the empty one after them: not from the start.
    expect(second.wechatCalls("/cgi-bin/user/get")).toBe(3 - atRestart.pages + 1);
    const batchgets = pageSizes.slice(atRestart.pages).reduce((sum, size) => sum + Math.ceil(size / 100), 0);
    expect(second.wechatCalls("/cgi-bin/user/info/batchget")).toBe(batchgets);

    // Every follower once, in OpenID order, a page at a time.
    let count = 0;
    let cursor: string | null = null;
    let previous = "";
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
      const page = await second.api<{ items: FollowerView[]; next: string | null }>(
        "GET",
        `/accounts/${second.appId}/followers?limit=200${query}`,
      );
      expect(page.status).toBe(200);
      for (const item of page.body.items) {
        expect(item.openId > previous).toBe(true);
        previous = item.openId;
      }
      count += page.body.items.length;
      cursor = page.body.next;
    } while (cursor && count < 1_000);
    expect(count).toBe(1_000);
    const scenes = await second.api<{ items: FollowerView[] }>(
      "GET",
      `/accounts/${second.appId}/followers?scene=ADD_SCENE_QR_CODE&limit=5`,
    );
    expect(scenes.body.items).toHaveLength(5);
    expect(scenes.body.items.every((f) => f.subscribeScene === "ADD_SCENE_QR_CODE")).toBe(true);
  });

  it("tags and untags in batches of 50, checks tag names, remarks and the 20-tag rule locally first", async () => {
    await setUp();
    const h = await start();
    await h.connectDirect();
    const core = h.server.sandbox!.core;
    const [vip] = core.control.createTags(h.appId, ["VIP"]);
    const stored = core.control.createFollowers(h.appId, 120);
    core.world.follower(h.appId, stored[0]!.openId)!.tagIds.push(vip!.id);
    await h.api("POST", `/accounts/${h.appId}/followers/sync`);
    await h.server.queue.runDue();

    const tags = await h.api<{ items: { id: number; name: string; count: number; system: boolean }[] }>(
      "GET",
      `/accounts/${h.appId}/follower-tags`,
    );
    expect(tags.body.items.find((t) => t.id === vip!.id)).toEqual({
      id: vip!.id,
      name: "VIP",
      count: 1,
      system: false,
    });
    expect(tags.body.items.find((t) => t.id === 2)?.system).toBe(true);
    const tagged = await h.api<{ items: FollowerView[] }>(
      "GET",
      `/accounts/${h.appId}/followers?tag=${vip!.id}`,
    );
    expect(tagged.body.items.map((f) => f.openId)).toEqual([stored[0]!.openId]);

    // Names: checked before WeChat is asked.
    const creates = () => h.wechatCalls("/cgi-bin/tags/create");
    const long = await h.api<ErrorBody>("POST", `/accounts/${h.appId}/follower-tags`, {
      name: "一二三四五六七八九十壹",
    });
    expect(long.status).toBe(400);
    expect(long.body.error.details.reason).toBe("tag_name_too_long");
    const taken = await h.api<ErrorBody>("POST", `/accounts/${h.appId}/follower-tags`, { name: "VIP" });
    expect(taken.body.error.details.reason).toBe("tag_name_invalid");
    expect(creates()).toBe(0);
    const created = await h.api<{ id: number; name: string }>("POST", `/accounts/${h.appId}/follower-tags`, {
      name: "广东",
    });
    expect(created.status).toBe(201);
    expect(creates()).toBe(1);
    const system = await h.api<ErrorBody>("PATCH", `/accounts/${h.appId}/follower-tags/2`, { name: "x" });
    expect(system.body.error.details.reason).toBe("system_tag");
    const renamed = await h.api<{ name: string }>(
      "PATCH",
      `/accounts/${h.appId}/follower-tags/${created.body.id}`,
      {
        name: "广州",
      },
    );
    expect(renamed.body.name).toBe("广州");
    expect(core.world.tagsOf(h.appId).items[String(created.body.id)]?.name).toBe("广州");

    // 120 followers → three WeChat calls of at most 50.
    const openIds = stored.map((f) => f.openId);
    const result = await h.api("POST", `/accounts/${h.appId}/follower-tags/${created.body.id}/tagging`, {
      openIds,
    });
    expect(result.body).toEqual({ followers: 120, calls: 3 });
    expect(h.wechatCalls("/cgi-bin/tags/members/batchtagging")).toBe(3);
    expect(
      stored.every((f) => core.world.follower(h.appId, f.openId)!.tagIds.includes(created.body.id)),
    ).toBe(true);
    const one = await h.api<FollowerView>("GET", `/accounts/${h.appId}/followers/${openIds[0]}`);
    expect(one.body.tagIds).toEqual([vip!.id, created.body.id]);
    const unknown = await h.api<ErrorBody>(
      "POST",
      `/accounts/${h.appId}/follower-tags/${created.body.id}/tagging`,
      {
        openIds: ["oNobodyAtAll"],
      },
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.details.reason).toBe("follower_not_found");
    const untagged = await h.api("POST", `/accounts/${h.appId}/follower-tags/${created.body.id}/untagging`, {
      openIds: openIds.slice(0, 60),
    });
    expect(untagged.body).toEqual({ followers: 60, calls: 2 });
    const counted = await h.api<{ items: { id: number; count: number }[] }>(
      "GET",
      `/accounts/${h.appId}/follower-tags`,
    );
    expect(counted.body.items.find((t) => t.id === created.body.id)?.count).toBe(60);

    // A follower with 20 tags takes no 21st: refused before WeChat.
    const many: number[] = [];
    for (let i = 0; i < 19; i++) {
      const tag = await h.api<{ id: number }>("POST", `/accounts/${h.appId}/follower-tags`, {
        name: `t${i}`,
      });
      many.push(tag.body.id);
      await h.api("POST", `/accounts/${h.appId}/follower-tags/${tag.body.id}/tagging`, {
        openIds: [openIds[0]],
      });
    }
    const full = await h.api<ErrorBody>(
      "POST",
      `/accounts/${h.appId}/follower-tags/${created.body.id}/tagging`,
      {
        openIds: [openIds[0]],
      },
    );
    expect(full.body.error.details.reason).toBe("follower_tag_limit");

    // Remarks: 30 characters at most, checked first.
    const remarks = () => h.wechatCalls("/cgi-bin/user/info/updateremark");
    const tooLong = await h.api<ErrorBody>("PUT", `/accounts/${h.appId}/followers/${openIds[1]}/remark`, {
      remark: "备".repeat(31),
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.details.reason).toBe("remark_too_long");
    expect(remarks()).toBe(0);
    const remark = await h.api<FollowerView>("PUT", `/accounts/${h.appId}/followers/${openIds[1]}/remark`, {
      remark: "备".repeat(30),
    });
    expect(remark.body.remark).toBe("备".repeat(30));
    expect(core.world.follower(h.appId, openIds[1]!)!.remark).toBe("备".repeat(30));
    const search = await h.api<{ items: FollowerView[] }>(
      "GET",
      `/accounts/${h.appId}/followers?q=${encodeURIComponent("备备")}`,
    );
    expect(search.body.items.map((f) => f.openId)).toEqual([openIds[1]]);

    // Deleting a tag takes it from its followers.
    expect((await h.api("DELETE", `/accounts/${h.appId}/follower-tags/${created.body.id}`)).status).toBe(204);
    const after = await h.api<FollowerView>("GET", `/accounts/${h.appId}/followers/${openIds[100]}`);
    expect(after.body.tagIds).toEqual([]);
  });

  it("keeps followers current from the pushes: follow, message, menu click, scan, unfollow", async () => {
    await setUp();
    const h = await start();
    await h.authorizeAndEnable();
    const follower = h.server.sandbox!.core.control.follower;
    const followed = await follower.follow({ appId: h.appId, nickname: "新朋友" });
    expect(followed.push.outcome).toBe("success");
    const openId = followed.openId;
    h.server.clock.advance(1_000);
    expect((await follower.sendText({ appId: h.appId, openId }, "你好")).push.outcome).toBe("success");
    h.server.clock.advance(1_000);
    expect((await follower.clickMenu({ appId: h.appId, openId }, "MENU_KEY")).push.outcome).toBe("success");
    h.server.clock.advance(1_000);
    expect((await follower.scan({ appId: h.appId, openId, scene: "spring" })).push.outcome).toBe("success");
    await h.server.queue.runDue();

    const seen = await h.api<FollowerView>("GET", `/accounts/${h.appId}/followers/${openId}`);
    expect(seen.status).toBe(200);
    const began = h.server.clock.now() - 3_000;
    const second = (ms: number) => Math.floor(ms / 1000) * 1000;
    expect(seen.body).toMatchObject({
      subscribed: true,
      lastInteraction: {
        follow: second(began),
        message: second(began + 1_000),
        menuClick: second(began + 2_000),
        scan: second(began + 3_000),
      },
    });
    const active = await h.api<{ items: FollowerView[] }>(
      "GET",
      `/accounts/${h.appId}/followers?activeSince=${second(began + 3_000)}`,
    );
    expect(active.body.items.map((f) => f.openId)).toEqual([openId]);

    expect((await follower.unfollow({ appId: h.appId, openId })).push.outcome).toBe("success");
    await h.server.queue.runDue();
    const gone = await h.api<FollowerView>("GET", `/accounts/${h.appId}/followers/${openId}`);
    expect(gone.body.subscribed).toBe(false);
    const listed = await h.api<{ items: FollowerView[] }>("GET", `/accounts/${h.appId}/followers`);
    expect(listed.body.items.map((f) => f.openId)).not.toContain(openId);

    // A follow from a parametric QR code records its scene.
    const scanned = await follower.scan({ appId: h.appId, scene: "channel-7" });
    expect(scanned.push.outcome).toBe("success");
    await h.server.queue.runDue();
    const fromQr = await h.api<FollowerView>("GET", `/accounts/${h.appId}/followers/${scanned.openId}`);
    expect(fromQr.body).toMatchObject({
      subscribed: true,
      subscribeScene: "ADD_SCENE_QR_CODE",
      qrScene: "channel-7",
    });
  });
});
