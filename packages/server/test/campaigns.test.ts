import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RecipientsRepository } from "../src/campaigns/recipients.js";
import { type TestDatabase, testEngines } from "../src/testing/engines.js";
import { authorizeAccount, type SandboxHarness, startSandbox } from "./accounts-fixture.js";

interface Progress {
  total: number;
  byStatus: Record<"pending" | "sending" | "sent" | "failed" | "skipped", number>;
  errcodes: Array<{ errcode: number; count: number }>;
  skipped: Array<{ reason: string; count: number }>;
  receipts: { confirmed: number; failed: number };
}
interface Campaign {
  id: string;
  status: string;
  abilities: string[];
  progress: Progress;
}
interface Recipient {
  openId: string;
  status: string;
  attempts: number;
  msgid: string | null;
  reason: string | null;
  receipt: string | null;
}
interface Refusal {
  error: { code: string; details?: { status?: string; checks?: Array<{ check: string; reason?: string }> } };
}

const TEMPLATE_CONTENT = "{{first.DATA}}\n订单号：{{keyword1.DATA}}\n{{remark.DATA}}";
const templateData = {
  first: { value: "您好" },
  keyword1: { value: "A-1001" },
  remark: { value: "感谢" },
};

describe.each(testEngines)("campaigns on $name", (engine) => {
  let database: TestDatabase;
  let h: SandboxHarness;
  let appId: string;
  let templateId: string;
  let followers: string[];

  const core = () => h.server.sandbox!.core;
  const inboxOf = (openId: string, via: string) =>
    core()
      .control.apis.inbox(appId, openId)
      .filter((item) => item.via === via);

  const templateReceipts = () =>
    core()
      .control.apis.events(appId)
      .filter((e) => e.fields.Event === "TEMPLATESENDJOBFINISH").length;
  /** Waits until the emulator raised `count` receipts (its jobs run on the clock's scheduler) and pushed them. */
  const receiptsRaised = async (count: number) => {
    for (let i = 0; i < 500 && templateReceipts() < count; i++) await new Promise((r) => setTimeout(r, 10));
    expect(templateReceipts()).toBe(count);
    await h.settle();
  };

  const rowsOf = () => new RecipientsRepository(h.server.store.db, h.server.store.dialect);
  /** The progress' counters equal a real count of the campaign's rows. */
  const expectCountersTrue = async (campaignId: string) => {
    const sorted = (counts: Awaited<ReturnType<RecipientsRepository["counts"]>>) => ({
      ...counts,
      errcodes: [...counts.errcodes].sort((a, b) => a.errcode - b.errcode),
      skipped: [...counts.skipped].sort((a, b) => (a.reason < b.reason ? -1 : 1)),
    });
    const repository = rowsOf();
    expect(sorted(await repository.counts(campaignId))).toEqual(
      sorted(await repository.countRows(campaignId)),
    );
  };

  /** Runs every due job (the worker is not started: the test drives it). */
  const drain = async () => {
    for (let i = 0; i < 100 && (await h.server.queue.runDue()) > 0; i++) {}
  };

  const create = async (body: Record<string, unknown>) => {
    const created = await h.api<Campaign>("POST", `/accounts/${appId}/campaigns`, body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body;
  };
  const templateCampaign = (extra: Record<string, unknown> = {}) =>
    create({
      name: "订单提醒",
      channel: "template",
      audience: { kind: "all" },
      content: { channel: "template", templateId, data: templateData },
      ...extra,
    });
  const recipients = async (id: string, status?: string) => {
    const all: Recipient[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?limit=200${status ? `&status=${status}` : ""}${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await h.api<{ items: Recipient[]; nextCursor: string | null }>(
        "GET",
        `/campaigns/${id}/recipients${query}`,
      );
      expect(page.status).toBe(200);
      all.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    return all;
  };

  beforeAll(async () => {
    database = await engine.database();
    h = await startSandbox({
      env: { ...database.env, WXGATE_CAMPAIGN_MASS_BATCH: "100" },
      modules: "registry",
    });
    appId = h.demo.serviceAppId;
    await authorizeAccount(h, appId);
    await h.settle();
    expect(
      (await h.api("PUT", `/accounts/${appId}/openid-mapping`, { property: "wechat_openid" })).status,
    ).toBe(200);
    expect((await h.api("POST", `/accounts/${appId}/enable`)).status).toBe(200);
    expect((await h.api("POST", `/accounts/${appId}/followers/sync`)).status).toBe(202);
    await drain();
    followers = core()
      .control.followers(appId, { subscribed: true, limit: 10_000 })
      .followers.map((f) => f.openId);
    expect(followers.length).toBeGreaterThan(200);
    // Fast sends: the rate limit is WeChat's politeness, not what these tests look at.
    await h.api("PUT", `/accounts/${appId}/campaigns/settings`, {
      approvalRequired: false,
      sendsPerSecond: 2000,
    });
    templateId = core().control.apis.addTemplate(appId, { content: TEMPLATE_CONTENT }).templateId;
  }, 60_000);

  afterAll(async () => {
    await h?.close();
    await database?.dispose();
  });

  it("sends a template campaign to every follower once; the receipts confirm each row", async () => {
    const campaign = await templateCampaign();
    expect(campaign.status).toBe("draft");
    expect(campaign.abilities).toEqual(expect.arrayContaining(["edit", "submit", "cancel", "preview"]));

    const preflight = await h.api<{
      ok: boolean;
      checks: Array<{ check: string; ok: boolean }>;
      audience: { total: number };
    }>("POST", `/campaigns/${campaign.id}/preflight`);
    expect(preflight.status).toBe(200);
    expect(preflight.body.ok).toBe(true);
    expect(preflight.body.audience.total).toBe(followers.length);
    expect(preflight.body.checks.map((c) => c.check)).toEqual(
      expect.arrayContaining([
        "account_type",
        "verified",
        "permission_sets",
        "mass_quota",
        "window_48h",
        "consent",
        "template",
        "content",
        "sender_switch",
      ]),
    );

    const submitted = await h.api<Campaign>("POST", `/campaigns/${campaign.id}/submit`);
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe("sending");
    await drain();

    const done = (await h.api<Campaign>("GET", `/campaigns/${campaign.id}`)).body;
    expect(done.status).toBe("completed");
    expect(done.progress.total).toBe(followers.length);
    expect(done.progress.byStatus.sent).toBe(followers.length);
    for (const openId of followers) {
      const items = inboxOf(openId, "template").filter((item) =>
        JSON.stringify(item.content).includes("A-1001"),
      );
      expect(items, openId).toHaveLength(1);
    }
    const rows = await recipients(campaign.id);
    expect(rows).toHaveLength(followers.length);
    expect(rows.every((r) => r.status === "sent" && r.msgid !== null)).toBe(true);

    // WeChat tells the outcome a few seconds later (TEMPLATESENDJOBFINISH), pushed to the gateway.
    const raisedBefore = templateReceipts();
    h.server.clock.advance(5_000);
    await receiptsRaised(raisedBefore + followers.length);
    const receipts = (await h.api<Progress>("GET", `/campaigns/${campaign.id}/progress`)).body.receipts;
    expect(receipts).toEqual({ confirmed: followers.length, failed: 0 });
    await expectCountersTrue(campaign.id);
  }, 60_000);

  it("refuses to submit a campaign whose template field is missing, naming the check", async () => {
    const campaign = await create({
      name: "缺字段",
      channel: "template",
      audience: { kind: "all" },
      content: { channel: "template", templateId, data: { first: { value: "您好" } } },
    });
    const refused = await h.api<Refusal>("POST", `/campaigns/${campaign.id}/submit`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("preflight_failed");
    expect(refused.body.error.details?.checks).toEqual([
      expect.objectContaining({ check: "template", reason: "field_missing" }),
    ]);
    const unknown = await create({
      name: "无模板",
      channel: "template",
      audience: { kind: "all" },
      content: { channel: "template", templateId: "no-such-template", data: templateData },
    });
    const refusedAgain = await h.api<Refusal>("POST", `/campaigns/${unknown.id}/submit`);
    expect(refusedAgain.body.error.details?.checks).toEqual([
      expect.objectContaining({ check: "template", reason: "template_not_found" }),
    ]);
    const empty = await h.api<Refusal>("POST", `/accounts/${appId}/campaigns`, {
      name: "空",
      channel: "custom",
      audience: { kind: "all" },
      content: { channel: "custom", type: "text", text: "" },
    });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe("content_invalid");
  });

  it("pauses, resumes and cancels; a cancelled campaign's rows are skipped as cancelled", async () => {
    const paused = await templateCampaign();
    expect((await h.api<Campaign>("POST", `/campaigns/${paused.id}/submit`)).body.status).toBe("sending");
    expect((await h.api<Campaign>("POST", `/campaigns/${paused.id}/pause`)).body.status).toBe("paused");
    await drain();
    let view = (await h.api<Campaign>("GET", `/campaigns/${paused.id}`)).body;
    expect(view.progress.byStatus.sent).toBe(0);
    expect(view.abilities).toContain("resume");
    const again = await h.api<Refusal>("POST", `/campaigns/${paused.id}/pause`);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: "campaign_state", details: { status: "paused" } });
    expect((await h.api<Campaign>("POST", `/campaigns/${paused.id}/resume`)).body.status).toBe("sending");
    await drain();
    view = (await h.api<Campaign>("GET", `/campaigns/${paused.id}`)).body;
    expect(view.status).toBe("completed");
    expect(view.progress.byStatus.sent).toBe(followers.length);

    // Paused at once: the audience is written while paused, nothing is sent; then cancelled.
    const cancelled = await templateCampaign();
    await h.api("POST", `/campaigns/${cancelled.id}/submit`);
    await h.api("POST", `/campaigns/${cancelled.id}/pause`);
    await drain();
    expect((await h.api<Campaign>("GET", `/campaigns/${cancelled.id}`)).body.progress.byStatus.pending).toBe(
      followers.length,
    );
    const cancelling = await h.api<Campaign>("POST", `/campaigns/${cancelled.id}/cancel`);
    expect(cancelling.body.status).toBe("cancelled");
    await drain();
    view = (await h.api<Campaign>("GET", `/campaigns/${cancelled.id}`)).body;
    expect(view.progress.byStatus.sent).toBe(0);
    expect(view.progress.skipped).toEqual([{ reason: "cancelled", count: view.progress.total }]);
    await expectCountersTrue(cancelled.id);
    await expectCountersTrue(paused.id);
  }, 60_000);

  it("starts a scheduled campaign when its time comes", async () => {
    const at = new Date(h.server.clock.now() + 60 * 60_000).toISOString();
    const campaign = await templateCampaign({ scheduledAt: at });
    expect((await h.api<Campaign>("POST", `/campaigns/${campaign.id}/submit`)).body.status).toBe("scheduled");
    await drain();
    expect((await h.api<Campaign>("GET", `/campaigns/${campaign.id}`)).body.status).toBe("scheduled");
    h.server.clock.advance(60 * 60_000);
    await drain();
    const done = (await h.api<Campaign>("GET", `/campaigns/${campaign.id}`)).body;
    expect(done.status).toBe("completed");
    expect(done.progress.byStatus.sent).toBe(followers.length);
  }, 60_000);

  it("waits for an administrator's approval when the account requires it", async () => {
    expect(
      (
        await h.api("PUT", `/accounts/${appId}/campaigns/settings`, {
          approvalRequired: true,
          sendsPerSecond: 2000,
        })
      ).status,
    ).toBe(200);
    const operator = await h.keyWith(["accounts:write"]);
    const created = await h.api<Campaign>(
      "POST",
      `/accounts/${appId}/campaigns`,
      {
        name: "待审批",
        channel: "template",
        audience: { kind: "all" },
        content: { channel: "template", templateId, data: templateData },
      },
      operator,
    );
    expect(created.status).toBe(201);
    const submitted = await h.api<Campaign>(
      "POST",
      `/campaigns/${created.body.id}/submit`,
      undefined,
      operator,
    );
    expect(submitted.body.status).toBe("awaiting_approval");
    // Asking again to start it, submitting or resuming, is refused: only an approval starts it.
    for (const verb of ["submit", "resume"]) {
      const early = await h.api<Refusal>(
        "POST",
        `/campaigns/${created.body.id}/${verb}`,
        undefined,
        operator,
      );
      expect(early.status, verb).toBe(403);
      expect(early.body.error, verb).toMatchObject({
        code: "approval_required",
        details: { status: "awaiting_approval" },
      });
    }
    // An administrator asking the same is told the campaign's state.
    const adminResume = await h.api<Refusal>("POST", `/campaigns/${created.body.id}/resume`);
    expect(adminResume.body.error.code).toBe("campaign_state");
    const notHers = await h.api<Refusal>(
      "POST",
      `/campaigns/${created.body.id}/approve`,
      undefined,
      operator,
    );
    expect(notHers.status).toBe(403);
    const approved = await h.api<Campaign>("POST", `/campaigns/${created.body.id}/approve`);
    expect(approved.body.status).toBe("sending");
    await drain();
    expect((await h.api<Campaign>("GET", `/campaigns/${created.body.id}`)).body.status).toBe("completed");
    await h.api("PUT", `/accounts/${appId}/campaigns/settings`, {
      approvalRequired: false,
      sendsPerSecond: 2000,
    });
  }, 60_000);

  it("sends customer-service messages only within the 48-hour window; the others are skipped and counted", async () => {
    const talker = followers[0]!;
    const follower = core().control.follower;
    expect((await follower.sendText({ appId, openId: talker }, "你好")).push.outcome).toBe("success");
    await h.settle();
    await drain();
    const campaign = await create({
      name: "48小时推送",
      channel: "custom",
      audience: { kind: "active48h" },
      content: { channel: "custom", type: "text", text: "本周活动" },
    });
    const preflight = await h.api<{ ok: boolean; audience: { total: number; eligible: number } }>(
      "POST",
      `/campaigns/${campaign.id}/preflight`,
    );
    expect(preflight.body.audience.eligible).toBe(1);
    await h.api("POST", `/campaigns/${campaign.id}/submit`);
    await drain();
    const view = (await h.api<Campaign>("GET", `/campaigns/${campaign.id}`)).body;
    expect(view.status).toBe("completed");
    expect(view.progress.byStatus.sent).toBe(1);
    expect(
      inboxOf(talker, "custom").filter((i) => JSON.stringify(i.content).includes("本周活动")),
    ).toHaveLength(1);

    const everyone = await create({
      name: "全员客服消息",
      channel: "custom",
      audience: { kind: "all" },
      content: { channel: "custom", type: "text", text: "全员" },
    });
    // The pre-flight reads the window a page of followers at a time (one query per page).
    const counted = await h.api<{ audience: { total: number; eligible: number; skipped: unknown[] } }>(
      "POST",
      `/campaigns/${everyone.id}/preflight`,
    );
    expect(counted.body.audience).toEqual({
      total: followers.length,
      eligible: 1,
      skipped: [{ reason: "outside_48h", count: followers.length - 1 }],
    });
    const lookup = h.server.context.use("followers");
    const strangers = Array.from({ length: 1500 }, (_, i) => `oSTRANGER${String(i).padStart(20, "0")}`);
    const batch = await lookup.lastInteractionsOf(appId, [...strangers, ...followers]);
    expect(batch.size).toBe(followers.length);
    for (const openId of followers) {
      expect(batch.get(openId), openId).toEqual(await lookup.lastInteractionOf(appId, openId));
    }
    expect(batch.get(talker)?.message).toEqual(expect.any(Number));
    await h.api("POST", `/campaigns/${everyone.id}/submit`);
    await drain();
    const all = (await h.api<Campaign>("GET", `/campaigns/${everyone.id}`)).body;
    expect(all.progress.byStatus.sent).toBe(1);
    expect(all.progress.skipped).toEqual([{ reason: "outside_48h", count: followers.length - 1 }]);
  }, 60_000);

  it("sends a mass message to all followers with one sendall; MASSSENDJOBFINISH gives the counts", async () => {
    const campaign = await create({
      name: "群发通知",
      channel: "mass",
      audience: { kind: "all" },
      content: { channel: "mass", type: "text", text: "本月活动预告" },
    });
    const preflight = await h.api<{
      ok: boolean;
      checks: Array<{ check: string; ok: boolean; details?: object }>;
    }>("POST", `/campaigns/${campaign.id}/preflight`);
    expect(preflight.body.ok).toBe(true);
    expect(preflight.body.checks).toEqual(
      expect.arrayContaining([
        { check: "mass_quota", ok: true, details: { limit: 4, perRecipient: true, atLimit: 0 } },
        { check: "confirmation", ok: true },
      ]),
    );
    expect((await h.api<Campaign>("POST", `/campaigns/${campaign.id}/submit`)).body.status).toBe("sending");
    await drain();
    const sent = (await h.api<Campaign>("GET", `/campaigns/${campaign.id}`)).body;
    expect(sent.status).toBe("completed");
    expect(sent.progress.byStatus.sent).toBe(followers.length);
    expect(h.wechatCalls("/cgi-bin/message/mass/sendall", appId)).toBe(1);
    const rows = await recipients(campaign.id);
    expect(new Set(rows.map((r) => r.msgid)).size).toBe(1);

    // WeChat delivers the job and reports it a few seconds later.
    const massEvents = () =>
      core()
        .control.apis.events(appId)
        .filter((e) => e.fields.Event === "MASSSENDJOBFINISH").length;
    h.server.clock.advance(6_000);
    for (let i = 0; i < 500 && massEvents() < 1; i++) await new Promise((r) => setTimeout(r, 10));
    await h.settle();
    for (const openId of followers) {
      expect(
        inboxOf(openId, "mass").filter((i) => JSON.stringify(i.content).includes("本月活动预告")),
      ).toHaveLength(1);
    }
    const progress = (await h.api<Progress>("GET", `/campaigns/${campaign.id}/progress`)).body;
    expect(progress.receipts).toEqual({ confirmed: followers.length, failed: 0 });
  }, 60_000);

  const massEventCount = () =>
    core()
      .control.apis.events(appId)
      .filter((e) => e.fields.Event === "MASSSENDJOBFINISH").length;
  /** Lets the emulator finish the mass jobs just sent (5 s later) and push their reports. */
  const massDelivered = async (jobs: number) => {
    const before = massEventCount();
    h.server.clock.advance(6_000);
    for (let i = 0; i < 500 && massEventCount() < before + jobs; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(massEventCount()).toBe(before + jobs);
    await h.settle();
  };
  const massCalls = () => core().control.requestLog({ path: "/cgi-bin/message/mass/send", appid: appId });
  const uploadList = async (name: string, openIds: readonly string[]) => {
    const csv = `id,wechat_openid\n${openIds.map((openId, i) => `m-${i},${openId}`).join("\n")}\n`;
    const list = await h.api<{ listId: string; resolved: number }>(
      "POST",
      `/accounts/${appId}/campaigns/lists`,
      {
        name,
        csv,
      },
    );
    expect(list.body.resolved).toBe(openIds.length);
    return list.body.listId;
  };
  const massToList = (name: string, listId: string, text: string) =>
    create({
      name,
      channel: "mass",
      audience: { kind: "list", listId },
      content: { channel: "mass", type: "text", text },
    });

  it("sends a mass message to a list by OpenIDs, one mass/send per batch; each batch's receipt counts", async () => {
    // Batches of 100 (WXGATE_CAMPAIGN_MASS_BATCH): 201 recipients are 100 + 99 + 2, never a batch of one.
    const audience = followers.slice(0, 201);
    const campaign = await massToList("名单群发", await uploadList("群发名单", audience), "BATCH-1");
    const preflight = await h.api<{ ok: boolean; audience: { total: number; eligible: number } }>(
      "POST",
      `/campaigns/${campaign.id}/preflight`,
    );
    expect(preflight.body).toMatchObject({ ok: true, audience: { total: 201, eligible: 201 } });
    const callsBefore = massCalls().length;
    const eventsBefore = massEventCount();
    expect((await h.api<Campaign>("POST", `/campaigns/${campaign.id}/submit`)).body.status).toBe("sending");
    await drain();
    const done = (await h.api<Campaign>("GET", `/campaigns/${campaign.id}`)).body;
    expect(done.status).toBe("completed");
    expect(done.progress.byStatus.sent).toBe(201);
    const calls = massCalls().slice(callsBefore);
    expect(calls.map((c) => c.errcode)).toEqual([0, 0, 0]);
    const rows = await recipients(campaign.id);
    const perMsgid = new Map<string, number>();
    for (const row of rows) perMsgid.set(row.msgid ?? "none", (perMsgid.get(row.msgid ?? "none") ?? 0) + 1);
    expect([...perMsgid.values()].sort((a, b) => a - b)).toEqual([2, 99, 100]);
    expect(perMsgid.has("none")).toBe(false);

    h.server.clock.advance(6_000);
    for (let i = 0; i < 500 && massEventCount() < eventsBefore + 3; i++)
      await new Promise((r) => setTimeout(r, 10));
    await h.settle();
    for (const openId of audience) {
      expect(
        inboxOf(openId, "mass").filter((i) => JSON.stringify(i.content).includes("BATCH-1")),
        openId,
      ).toHaveLength(1);
    }
    const progress = (await h.api<Progress>("GET", `/campaigns/${campaign.id}/progress`)).body;
    expect(progress.receipts).toEqual({ confirmed: 201, failed: 0 });

    // A worker killed after WeChat took a batch but before its rows were written: the batch is
    // called again with the same clientmsgid, WeChat refuses the repeat, the rows read as sent.
    const db = h.server.store.db;
    const until = h.server.clock.now() + 1_000;
    await db
      .updateTable("campaign_recipients")
      .set({ status: "sending", msgid: null, sent_at: null, locked_until: until, next_attempt_at: until })
      .where("campaign_id", "=", campaign.id)
      .where("mass_batch", "=", 3)
      .execute();
    await db
      .updateTable("campaigns")
      .set({ status: "sending", finished_at: null })
      .where("id", "=", campaign.id)
      .execute();
    // Rows changed by hand: the counters are counted again from them.
    await rowsOf().recount(campaign.id);
    h.server.clock.advance(1_000);
    await h.api("POST", `/campaigns/${campaign.id}/pause`);
    await h.api("POST", `/campaigns/${campaign.id}/resume`);
    await drain();
    const repeat = massCalls().slice(callsBefore + 3);
    expect(repeat).toHaveLength(1);
    expect([45065, 45066]).toContain(repeat[0]!.errcode);
    const again = (await h.api<Campaign>("GET", `/campaigns/${campaign.id}`)).body;
    expect(again).toMatchObject({ status: "completed", progress: { byStatus: { sent: 201, sending: 0 } } });
    await expectCountersTrue(campaign.id);
    h.server.clock.advance(6_000);
    await h.settle();
    for (const openId of audience) {
      expect(
        inboxOf(openId, "mass").filter((i) => JSON.stringify(i.content).includes("BATCH-1")),
        openId,
      ).toHaveLength(1);
    }
  }, 60_000);

  it("sends a mass message to the 48-hour audience; followers at four mass messages this month are skipped as quota", async () => {
    // Two followers who wrote within 48 hours.
    const [x, y] = [followers[10]!, followers[11]!];
    for (const openId of [x, y]) await core().control.follower.sendText({ appId, openId }, "在");
    await h.settle();
    await drain();
    const active = await create({
      name: "48小时群发",
      channel: "mass",
      audience: { kind: "active48h" },
      content: { channel: "mass", type: "text", text: "ACTIVE-1" },
    });
    const pre = await h.api<{ ok: boolean; audience: { total: number } }>(
      "POST",
      `/campaigns/${active.id}/preflight`,
    );
    expect(pre.body.ok).toBe(true);
    await h.api("POST", `/campaigns/${active.id}/submit`);
    await drain();
    const sent = (await h.api<Campaign>("GET", `/campaigns/${active.id}`)).body;
    expect(sent.status).toBe("completed");
    expect(sent.progress.byStatus.sent).toBe(pre.body.audience.total);
    await massDelivered(1);
    for (const openId of [x, y]) {
      expect(
        inboxOf(openId, "mass").filter((i) => JSON.stringify(i.content).includes("ACTIVE-1")),
      ).toHaveLength(1);
    }

    // x and y have had the sendall, the list and the 48-hour message: one more makes four.
    const pair = await uploadList("两人", [x, y]);
    const fourth = await massToList("第四条", pair, "FOURTH");
    await h.api("POST", `/campaigns/${fourth.id}/submit`);
    await drain();
    expect((await h.api<Campaign>("GET", `/campaigns/${fourth.id}`)).body.progress.byStatus.sent).toBe(2);
    await massDelivered(1);

    const [z1, z2] = [followers.at(-1)!, followers.at(-2)!];
    const mixed = await massToList("第五条", await uploadList("四人", [x, y, z1, z2]), "FIFTH");
    const preflight = await h.api<{
      ok: boolean;
      checks: Array<{ check: string; ok: boolean; details?: object }>;
      audience: { eligible: number; skipped: Array<{ reason: string; count: number }> };
    }>("POST", `/campaigns/${mixed.id}/preflight`);
    expect(preflight.body.audience).toMatchObject({ eligible: 2, skipped: [{ reason: "quota", count: 2 }] });
    expect(preflight.body.checks).toContainEqual({
      check: "mass_quota",
      ok: true,
      details: { limit: 4, perRecipient: true, atLimit: 2 },
    });
    await h.api("POST", `/campaigns/${mixed.id}/submit`);
    await drain();
    const view = (await h.api<Campaign>("GET", `/campaigns/${mixed.id}`)).body;
    expect(view.progress.byStatus).toMatchObject({ sent: 2, skipped: 2 });
    expect(view.progress.skipped).toEqual([{ reason: "quota", count: 2 }]);
    await expectCountersTrue(mixed.id);
    await massDelivered(1);
    expect(inboxOf(x, "mass").filter((i) => JSON.stringify(i.content).includes("FIFTH"))).toHaveLength(0);
    expect(inboxOf(z1, "mass").filter((i) => JSON.stringify(i.content).includes("FIFTH"))).toHaveLength(1);

    // WeChat busy with quota (45009): the batch waits for its retry; a cancel skips its rows.
    core().control.addFault({ api: "/cgi-bin/message/mass/send", kind: "errcode", errcode: 45009, count: 1 });
    const busy = await massToList("第七条", await uploadList("两人乙", [z1, z2]), "SEVENTH");
    await h.api("POST", `/campaigns/${busy.id}/submit`);
    await drain();
    let waiting = (await h.api<Campaign>("GET", `/campaigns/${busy.id}`)).body;
    expect(waiting).toMatchObject({ status: "sending", progress: { byStatus: { sending: 2 } } });
    expect((await recipients(busy.id)).map((r) => r.reason)).toEqual(["quota", "quota"]);
    await expectCountersTrue(busy.id);
    expect((await h.api<Campaign>("POST", `/campaigns/${busy.id}/cancel`)).body.status).toBe("cancelled");
    waiting = (await h.api<Campaign>("GET", `/campaigns/${busy.id}`)).body;
    expect(waiting.progress.byStatus).toMatchObject({ sending: 0, skipped: 2 });
    expect(waiting.progress.skipped).toEqual([{ reason: "cancelled", count: 2 }]);
    await expectCountersTrue(busy.id);

    // Only x and y at their limit: nobody left, the pre-flight says so.
    const none = await massToList("第六条", pair, "SIXTH");
    const refused = await h.api<Refusal>("POST", `/campaigns/${none.id}/submit`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.details?.checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ check: "mass_quota", reason: "recipients_at_quota" }),
      ]),
    );
  }, 60_000);

  /** Sends list mass messages to `pair` until both have had four this month (the count depends on earlier sends). */
  const untilAtQuota = async (pair: readonly string[]) => {
    const listId = await uploadList("收满名单", pair);
    for (let i = 0; i <= 4; i++) {
      const campaign = await massToList(`收满-${i}`, listId, `FILL-${i}`);
      const pre = await h.api<{ checks: Array<{ check: string; details?: { atLimit?: number } }> }>(
        "POST",
        `/campaigns/${campaign.id}/preflight`,
      );
      const atLimit = pre.body.checks.find((c) => c.check === "mass_quota")?.details?.atLimit;
      if (atLimit === pair.length) {
        expect((await h.api("DELETE", `/campaigns/${campaign.id}`)).status).toBe(204);
        return;
      }
      expect(atLimit).toBe(0);
      await h.api("POST", `/campaigns/${campaign.id}/submit`);
      await drain();
      expect((await h.api<Campaign>("GET", `/campaigns/${campaign.id}`)).body.status).toBe("completed");
      await massDelivered(1);
    }
    throw new Error("the pair never reached its monthly quota");
  };

  it("never calls mass/send with one OpenID: a lone follower left by the quota is skipped, or merged into a batch", async () => {
    const [p, q, r] = [followers[20]!, followers[21]!, followers[22]!];
    // Submitted while everyone can receive it, held by a pause; then p and q reach their quota.
    const held = await massToList("三人", await uploadList("三人名单", [p, q, r]), "LONE");
    const pre = await h.api<{ ok: boolean; audience: { eligible: number } }>(
      "POST",
      `/campaigns/${held.id}/preflight`,
    );
    expect(pre.body).toMatchObject({ ok: true, audience: { eligible: 3 } });
    expect((await h.api<Campaign>("POST", `/campaigns/${held.id}/submit`)).body.status).toBe("sending");
    expect((await h.api<Campaign>("POST", `/campaigns/${held.id}/pause`)).body.status).toBe("paused");
    await untilAtQuota([p, q]);

    const callsBefore = massCalls().length;
    expect((await h.api<Campaign>("POST", `/campaigns/${held.id}/resume`)).body.status).toBe("sending");
    await drain();
    const view = (await h.api<Campaign>("GET", `/campaigns/${held.id}`)).body;
    expect(view.status).toBe("completed");
    expect(view.progress.byStatus).toMatchObject({ sent: 0, skipped: 3, sending: 0, pending: 0 });
    expect([...view.progress.skipped].sort((a, b) => (a.reason < b.reason ? -1 : 1))).toEqual([
      { reason: "mass_single_recipient", count: 1 },
      { reason: "quota", count: 2 },
    ]);
    const rows = await recipients(held.id);
    expect(rows.find((row) => row.openId === r)).toMatchObject({
      status: "skipped",
      reason: "mass_single_recipient",
    });
    // r alone was never called (WeChat would have answered 40130).
    expect(massCalls().slice(callsBefore)).toEqual([]);
    expect(inboxOf(r, "mass").filter((i) => JSON.stringify(i.content).includes("LONE"))).toHaveLength(0);
    await expectCountersTrue(held.id);

    // With others left, p and q are skipped before the batches are cut: 101 reachable are 99 + 2.
    const others = followers.filter((f) => f !== p && f !== q).slice(100, 201);
    expect(others).toHaveLength(101);
    const merged = await massToList("合批", await uploadList("合批名单", [...others, p, q]), "MERGED");
    await h.api("POST", `/campaigns/${merged.id}/submit`);
    await drain();
    const done = (await h.api<Campaign>("GET", `/campaigns/${merged.id}`)).body;
    expect(done.status).toBe("completed");
    expect(done.progress.byStatus).toMatchObject({ sent: 101, skipped: 2 });
    expect(done.progress.skipped).toEqual([{ reason: "quota", count: 2 }]);
    expect(
      massCalls()
        .slice(callsBefore)
        .map((c) => c.errcode),
    ).toEqual([0, 0]);
    await expectCountersTrue(merged.id);
    await massDelivered(2);
    for (const openId of others) {
      expect(
        inboxOf(openId, "mass").filter((i) => JSON.stringify(i.content).includes("MERGED")),
        openId,
      ).toHaveLength(1);
    }
  }, 60_000);

  it("refuses a mass message by OpenIDs to a single recipient at the pre-flight", async () => {
    const single = await massToList("一人", await uploadList("一人名单", [followers[30]!]), "SINGLE");
    const preflight = await h.api<{
      ok: boolean;
      checks: Array<{ check: string; ok: boolean; reason?: string; details?: object }>;
      audience: { total: number; eligible: number };
    }>("POST", `/campaigns/${single.id}/preflight`);
    expect(preflight.body).toMatchObject({ ok: false, audience: { total: 1, eligible: 1 } });
    expect(preflight.body.checks).toContainEqual({
      check: "audience",
      ok: false,
      reason: "audience_too_small",
      details: { min: 2, eligible: 1 },
    });
    const refused = await h.api<Refusal>("POST", `/campaigns/${single.id}/submit`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("preflight_failed");
    expect((await h.api<Campaign>("GET", `/campaigns/${single.id}`)).body.status).toBe("draft");
  }, 60_000);

  it("judges each follower of a customer-service batch against the 48-hour window read once for the batch", async () => {
    const [late, talker, clicker, silent] = [followers[40]!, followers[41]!, followers[42]!, followers[43]!];
    const follower = core().control.follower;
    // A menu click more than a minute old, and no message: outside the window.
    expect((await follower.clickMenu({ appId, openId: late }, "WINDOW_KEY")).push.outcome).toBe("success");
    await h.settle();
    await drain();
    h.server.clock.advance(2 * 60_000);
    // A message (48 hours) and a menu click (a minute) just now: inside.
    expect((await follower.sendText({ appId, openId: talker }, "在吗")).push.outcome).toBe("success");
    expect((await follower.clickMenu({ appId, openId: clicker }, "WINDOW_KEY")).push.outcome).toBe("success");
    await h.settle();
    await drain();
    const seen = await h.server.context
      .use("followers")
      .lastInteractionsOf(appId, [late, talker, clicker, silent]);
    expect(seen.get(late)).toMatchObject({ message: null, menuClick: expect.any(Number) });

    const audience = [silent, late, talker, clicker];
    const campaign = await create({
      name: "窗口混合",
      channel: "custom",
      audience: { kind: "list", listId: await uploadList("窗口名单", audience) },
      content: { channel: "custom", type: "text", text: "WINDOW-MIX" },
    });
    expect((await h.api<Campaign>("POST", `/campaigns/${campaign.id}/submit`)).body.status).toBe("sending");
    await drain();
    const view = (await h.api<Campaign>("GET", `/campaigns/${campaign.id}`)).body;
    expect(view.status).toBe("completed");
    expect(view.progress.byStatus).toMatchObject({ sent: 2, skipped: 2 });
    expect(view.progress.skipped).toEqual([{ reason: "outside_48h", count: 2 }]);
    const rows = new Map((await recipients(campaign.id)).map((row) => [row.openId, row]));
    expect(rows.get(talker)).toMatchObject({ status: "sent", reason: null });
    expect(rows.get(clicker)).toMatchObject({ status: "sent", reason: null });
    expect(rows.get(late)).toMatchObject({ status: "skipped", reason: "outside_48h" });
    expect(rows.get(silent)).toMatchObject({ status: "skipped", reason: "outside_48h" });
    for (const openId of audience) {
      expect(
        inboxOf(openId, "custom").filter((i) => JSON.stringify(i.content).includes("WINDOW-MIX")),
        openId,
      ).toHaveLength(openId === talker || openId === clicker ? 1 : 0);
    }
    await expectCountersTrue(campaign.id);
  }, 60_000);

  it("resolves an uploaded list through the OpenID mapping, reporting the rows it cannot", async () => {
    const [a, b] = followers;
    const csv = `id,wechat_openid\nc-1,${a}\nc-2,${b}\nc-3,\nc-4,oNOBODY000000000000000000000\nc-5,${a}\n`;
    const uploaded = await h.api<{ listId: string; rows: number; resolved: number; unknown: unknown[] }>(
      "POST",
      `/accounts/${appId}/campaigns/lists`,
      { name: "VIP 客户", csv },
    );
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({ rows: 5, resolved: 2 });
    expect(uploaded.body.unknown).toEqual([
      { row: 4, id: "c-3", reason: "no_openid" },
      { row: 5, id: "c-4", reason: "not_a_follower" },
      { row: 6, id: "c-5", reason: "duplicate" },
    ]);
    const badHeader = await h.api<Refusal>("POST", `/accounts/${appId}/campaigns/lists`, {
      name: "x",
      csv: "id,phone\n1,2\n",
    });
    expect(badHeader.status).toBe(400);
    expect(badHeader.body.error.code).toBe("list_invalid");

    const campaign = await templateCampaign({ audience: { kind: "list", listId: uploaded.body.listId } });
    await h.api("POST", `/campaigns/${campaign.id}/submit`);
    await drain();
    const done = (await h.api<Campaign>("GET", `/campaigns/${campaign.id}`)).body;
    expect(done).toMatchObject({ status: "completed", progress: { total: 2, byStatus: { sent: 2 } } });
    expect((await recipients(campaign.id)).map((r) => r.openId).sort()).toEqual([a, b].sort());
  }, 60_000);

  it("sends mini program subscription messages to those who consented; 43101 is skipped as no_consent", async () => {
    const mini = h.demo.miniProgramAppId;
    await authorizeAccount(h, mini);
    await h.settle();
    expect(
      (await h.api("PUT", `/accounts/${mini}/openid-mapping`, { property: "wechat_openid" })).status,
    ).toBe(200);
    const enabled = await h.api("POST", `/accounts/${mini}/enable`);
    expect(enabled.status, JSON.stringify(enabled.body)).toBe(200);
    const users = core()
      .control.followers(mini, { subscribed: true, limit: 3 })
      .followers.map((f) => f.openId);
    const { templateId: subscribeTemplate } = core().control.apis.addTemplate(mini, {
      type: 2,
      content: "{{thing1.DATA}}",
    });
    for (const openId of users.slice(0, 2)) {
      await core().control.follower.answerSubscription({ appId: mini, openId }, [
        { templateId: subscribeTemplate, accept: true },
      ]);
    }
    await h.settle();
    const csv = `id,wechat_openid\n${users.map((openId, i) => `u-${i},${openId}`).join("\n")}\n`;
    const list = await h.api<{ listId: string; resolved: number }>(
      "POST",
      `/accounts/${mini}/campaigns/lists`,
      {
        name: "订阅用户",
        csv,
      },
    );
    expect(list.body.resolved).toBe(3);
    const created = await h.api<Campaign>("POST", `/accounts/${mini}/campaigns`, {
      name: "到货提醒",
      channel: "subscribe",
      audience: { kind: "list", listId: list.body.listId },
      content: {
        channel: "subscribe",
        templateId: subscribeTemplate,
        data: { thing1: { value: "您关注的商品到货了" } },
      },
    });
    expect(created.status).toBe(201);
    const submitted = await h.api<Campaign>("POST", `/campaigns/${created.body.id}/submit`);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    await drain();
    const done = (await h.api<Campaign>("GET", `/campaigns/${created.body.id}`)).body;
    expect(done.progress.byStatus).toMatchObject({ sent: 2, skipped: 1, failed: 0 });
    expect(done.progress.skipped).toEqual([{ reason: "no_consent", count: 1 }]);
    const refused = (await recipients(created.body.id, "skipped"))[0]!;
    expect(refused).toMatchObject({ openId: users[2], reason: "no_consent" });
  }, 60_000);

  it("previews the message to one follower, and sends to a tag's followers only", async () => {
    const tagged = (
      await h.api<{ items: Array<{ openId: string; tagIds: number[] }> }>(
        "GET",
        `/accounts/${appId}/followers?limit=200`,
      )
    ).body.items;
    const tagId = tagged.flatMap((f) => f.tagIds).find((id) => id >= 100);
    expect(tagId).toBeDefined();
    const members = new Set<string>();
    let cursor: string | null = null;
    do {
      const page: { body: { items: Array<{ openId: string }>; next: string | null } } = await h.api(
        "GET",
        `/accounts/${appId}/followers?tag=${tagId}&limit=200${cursor ? `&cursor=${cursor}` : ""}`,
      );
      for (const f of page.body.items) members.add(f.openId);
      cursor = page.body.next;
    } while (cursor);

    const campaign = await templateCampaign({
      audience: { kind: "tag", tagId },
      content: { channel: "template", templateId, data: { ...templateData, keyword1: { value: "TAG-7" } } },
    });
    const previewTo = followers[1]!;
    const preview = await h.api<{ sent: boolean; msgid?: string }>(
      "POST",
      `/campaigns/${campaign.id}/preview`,
      {
        openId: previewTo,
      },
    );
    expect(preview.status).toBe(200);
    expect(preview.body.sent).toBe(true);
    expect(preview.body.msgid).toEqual(expect.any(String));
    await h.api("POST", `/campaigns/${campaign.id}/submit`);
    await drain();
    const rows = await recipients(campaign.id);
    expect(new Set(rows.map((r) => r.openId))).toEqual(members);
    const withTag = followers.filter(
      (openId) =>
        inboxOf(openId, "template").filter((i) => JSON.stringify(i.content).includes("TAG-7")).length > 0,
    );
    expect(new Set(withTag)).toEqual(new Set([...members, previewTo]));
  }, 60_000);

  it("resolves rows a stopped worker left sending: by their receipt, by sending again, or as outcome_unknown", async () => {
    const db = h.server.store.db;
    /** What a worker killed mid-batch leaves: rows claimed (sending, attempt 1) until `until`. */
    const leaveSending = async (campaignId: string, openIds: string[], until: number) => {
      await db
        .updateTable("campaign_recipients")
        .set({ status: "sending", attempts: 1, locked_until: until, next_attempt_at: until })
        .where("campaign_id", "=", campaignId)
        .where("openid", "in", openIds)
        .execute();
      await rowsOf().recount(campaignId);
    };
    const [reached, notReached] = [followers[5]!, followers[6]!];
    const campaign = await templateCampaign({
      content: { channel: "template", templateId, data: { ...templateData, keyword1: { value: "LEFT-1" } } },
    });
    await h.api("POST", `/campaigns/${campaign.id}/submit`);
    await h.api("POST", `/campaigns/${campaign.id}/pause`);
    await drain();
    await leaveSending(campaign.id, [reached, notReached], h.server.clock.now() + 1_000);
    // The call for `reached` got to WeChat before the worker died (its answer did not).
    expect((await h.api("POST", `/campaigns/${campaign.id}/preview`, { openId: reached })).status).toBe(200);
    await h.api("POST", `/campaigns/${campaign.id}/resume`);
    await drain();
    expect((await h.api<Campaign>("GET", `/campaigns/${campaign.id}`)).body.progress.byStatus).toMatchObject({
      sent: followers.length - 2,
      sending: 2,
    });

    // The claim lapses: both rows wait for a receipt; the one WeChat took gets it.
    h.server.clock.advance(1_000);
    await drain();
    h.server.clock.advance(5_000);
    // The emulator raises the receipt on its scheduler, then pushes it.
    for (let i = 0; i < 500 && (await recipients(campaign.id, "sending")).length > 1; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await h.settle();
    let rows = await recipients(campaign.id, "sending");
    expect(rows).toEqual([expect.objectContaining({ openId: notReached, reason: "unconfirmed" })]);
    // No receipt for the other within the wait: its call never reached WeChat, it is sent now.
    h.server.clock.advance(600_000);
    await drain();
    rows = await recipients(campaign.id);
    expect(rows.find((r) => r.openId === reached)).toMatchObject({
      status: "sent",
      reason: "answer_lost",
      receipt: "confirmed",
    });
    expect(rows.find((r) => r.openId === notReached)).toMatchObject({ status: "sent", attempts: 2 });
    expect((await h.api<Campaign>("GET", `/campaigns/${campaign.id}`)).body.status).toBe("completed");
    for (const openId of [reached, notReached]) {
      expect(
        inboxOf(openId, "template").filter((i) => JSON.stringify(i.content).includes("LEFT-1")),
        openId,
      ).toHaveLength(1);
    }

    // A customer-service message has no receipt: its row fails rather than risk a second message.
    const talker = followers[0]!;
    await core().control.follower.sendText({ appId, openId: talker }, "在吗");
    await h.settle();
    await drain();
    const custom = await create({
      name: "客服推送",
      channel: "custom",
      audience: { kind: "active48h" },
      content: { channel: "custom", type: "text", text: "LEFT-2" },
    });
    await h.api("POST", `/campaigns/${custom.id}/submit`);
    await h.api("POST", `/campaigns/${custom.id}/pause`);
    await drain();
    await leaveSending(custom.id, [talker], h.server.clock.now() + 1_000);
    await h.api("POST", `/campaigns/${custom.id}/resume`);
    h.server.clock.advance(1_000);
    await drain();
    // (Other followers who wrote within 48 hours in earlier tests are sent it as usual.)
    const row = (await recipients(custom.id)).find((r) => r.openId === talker);
    expect(row).toMatchObject({ openId: talker, status: "failed", reason: "outcome_unknown" });
    await expectCountersTrue(custom.id);
    await expectCountersTrue(campaign.id);
    expect((await h.api<Campaign>("GET", `/campaigns/${custom.id}`)).body.status).toBe("completed");
  }, 60_000);
});
