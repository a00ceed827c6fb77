import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConsentsRepository } from "../src/campaigns/consents.js";
import { type TestDatabase, testEngines } from "../src/testing/engines.js";
import { authorizeAccount, type SandboxHarness, startSandbox } from "./accounts-fixture.js";

interface Campaign {
  id: string;
  status: string;
  progress: {
    total: number;
    byStatus: Record<"pending" | "sending" | "sent" | "failed" | "skipped", number>;
    skipped: Array<{ reason: string; count: number }>;
  };
}
interface Check {
  check: string;
  ok: boolean;
  reason?: string;
}
interface Recipient {
  openId: string;
  status: string;
  reason: string | null;
}

/**
 * The `subscribers` audience end to end: mini program users answer subscription pop-ups in the
 * emulated WeChat, the pushes reach wxgate, and a subscribe campaign to a template's
 * subscribers reaches those who hold its consent, once per consent.
 */
describe.each(testEngines)("campaigns to a template's subscribers on $name", (engine) => {
  let database: TestDatabase;
  let h: SandboxHarness;
  let mini: string;
  let users: string[];
  let templateId: string;

  const core = () => h.server.sandbox!.core;
  const consents = () => new ConsentsRepository(h.server.store.db);
  const inbox = (openId: string) =>
    core()
      .control.apis.inbox(mini, openId)
      .filter((item) => item.via === "subscribe");
  const drain = async () => {
    for (let i = 0; i < 100 && (await h.server.queue.runDue()) > 0; i++) {}
  };
  const answer = async (openId: string, answers: Array<{ templateId: string; accept: boolean }>) => {
    // A second apart: two events of one user within one second are one push to WeChat (its dedupe key).
    await core().control.advanceClock(1000);
    const done = await core().control.follower.answerSubscription({ appId: mini, openId }, answers);
    expect(done.push.outcome).toBe("success");
  };
  const subscribersCount = async (template = templateId) => {
    const answered = await h.api<{ count: number }>(
      "GET",
      `/accounts/${mini}/campaigns/subscribers?templateId=${template}`,
    );
    expect(answered.status).toBe(200);
    return answered.body.count;
  };
  const campaign = async (template = templateId) => {
    const created = await h.api<Campaign>("POST", `/accounts/${mini}/campaigns`, {
      name: "到货提醒",
      channel: "subscribe",
      audience: { kind: "subscribers", templateId: template },
      content: { channel: "subscribe", templateId: template, data: { thing1: { value: "到货了" } } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body.id;
  };
  const run = async (id: string) => {
    const submitted = await h.api<Campaign>("POST", `/campaigns/${id}/submit`);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    await drain();
    const done = await h.api<Campaign>("GET", `/campaigns/${id}`);
    expect(done.body.status).toBe("completed");
    return done.body;
  };
  const rows = async (id: string) =>
    (await h.api<{ items: Recipient[] }>("GET", `/campaigns/${id}/recipients?limit=200`)).body.items;

  beforeAll(async () => {
    database = await engine.database();
    h = await startSandbox({ env: database.env, modules: "registry" });
    mini = h.demo.miniProgramAppId;
    await authorizeAccount(h, mini);
    await h.settle();
    expect(
      (await h.api("PUT", `/accounts/${mini}/openid-mapping`, { property: "wechat_openid" })).status,
    ).toBe(200);
    expect((await h.api("POST", `/accounts/${mini}/enable`)).status).toBe(200);
    await h.api("PUT", `/accounts/${mini}/campaigns/settings`, {
      approvalRequired: false,
      sendsPerSecond: 2000,
    });
    users = core()
      .control.followers(mini, { subscribed: true, limit: 6 })
      .followers.map((f) => f.openId);
    expect(users).toHaveLength(6);
    templateId = core().control.apis.addTemplate(mini, { type: 2, content: "{{thing1.DATA}}" }).templateId;
  }, 60_000);

  afterAll(async () => {
    await h?.close();
    await database?.dispose();
  });

  it("reaches exactly the users who accepted, once; a rejection, a withdrawal and a used-up consent are left out", async () => {
    const [a, b, c, rejecting, withdrawing, silent] = users as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const other = core().control.apis.addTemplate(mini, { type: 2, content: "{{thing1.DATA}}" }).templateId;
    // One pop-up may ask for several templates: each answer is its own consent.
    await answer(a, [
      { templateId, accept: true },
      { templateId: other, accept: true },
    ]);
    await answer(b, [{ templateId, accept: true }]);
    await answer(c, [{ templateId, accept: true }]);
    await answer(rejecting, [{ templateId, accept: false }]);
    await answer(withdrawing, [{ templateId, accept: true }]);
    await core().control.advanceClock(1000);
    const changed = await core().control.follower.changeSubscription({ appId: mini, openId: withdrawing }, [
      { templateId, accept: false },
    ]);
    expect(changed.push.outcome).toBe("success");
    await h.settle();
    expect(await consents().find(mini, templateId, a)).toEqual({
      status: "accepted",
      sendsLeft: 1,
      longTerm: false,
    });
    expect(await consents().find(mini, other, a)).toMatchObject({ status: "accepted", sendsLeft: 1 });
    expect(await consents().find(mini, templateId, rejecting)).toMatchObject({
      status: "rejected",
      sendsLeft: 0,
    });
    expect(await consents().find(mini, templateId, withdrawing)).toMatchObject({
      status: "rejected",
      sendsLeft: 0,
    });
    expect(await consents().find(mini, templateId, silent)).toBeUndefined();
    expect(await subscribersCount()).toBe(3);

    const first = await campaign();
    const preflight = await h.api<{ ok: boolean; checks: Check[]; audience: { total: number } }>(
      "POST",
      `/campaigns/${first}/preflight`,
    );
    expect(preflight.body.audience.total).toBe(3);
    expect(preflight.body.checks.filter((check) => !check.ok)).toEqual([]);
    expect(preflight.body.ok).toBe(true);
    const done = await run(first);
    expect(done.progress).toMatchObject({ total: 3, byStatus: { sent: 3, skipped: 0, failed: 0 } });
    expect((await rows(first)).map((r) => r.openId).sort()).toEqual([a, b, c].sort());
    for (const openId of [a, b, c]) expect(inbox(openId)).toHaveLength(1);
    for (const openId of [rejecting, withdrawing, silent]) expect(inbox(openId)).toHaveLength(0);
    // Each one-time consent is used up by its message.
    expect(await consents().find(mini, templateId, a)).toMatchObject({ status: "accepted", sendsLeft: 0 });
    expect(await consents().find(mini, other, a)).toMatchObject({ sendsLeft: 1 });
    expect(await subscribersCount()).toBe(0);

    // Nobody holds consent now: the pre-flight says so and the campaign does not start.
    const empty = await campaign();
    const refused = await h.api<{ error: { code: string; details: { checks: Check[] } } }>(
      "POST",
      `/campaigns/${empty}/submit`,
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("preflight_failed");
    expect(refused.body.error.details.checks).toContainEqual(
      expect.objectContaining({ check: "audience", ok: false, reason: "no_subscribers" }),
    );

    // b accepts again: the next campaign reaches b alone.
    await answer(b, [{ templateId, accept: true }]);
    await h.settle();
    const second = await run(await campaign());
    expect(second.progress).toMatchObject({ total: 1, byStatus: { sent: 1 } });
    expect(inbox(b)).toHaveLength(2);
    expect(inbox(a)).toHaveLength(1);
    expect(inbox(c)).toHaveLength(1);
  }, 60_000);

  it("skips a user WeChat answers 43101 for as no_consent and marks the consent refused, never retried", async () => {
    const template = core().control.apis.addTemplate(mini, {
      type: 2,
      content: "{{thing1.DATA}}",
    }).templateId;
    const [a, b] = users as [string, string];
    await answer(a, [{ templateId: template, accept: true }]);
    await answer(b, [{ templateId: template, accept: true }]);
    await h.settle();
    // WeChat no longer holds b's consent (used up by a message sent from elsewhere).
    core().world.follower(mini, b)!.consents[template] = 0;
    const calls = () => h.wechatCalls("/cgi-bin/message/subscribe/send", mini);
    const before = calls();
    const id = await campaign(template);
    const done = await run(id);
    expect(done.progress).toMatchObject({ total: 2, byStatus: { sent: 1, skipped: 1 } });
    expect(done.progress.skipped).toEqual([{ reason: "no_consent", count: 1 }]);
    expect((await rows(id)).find((r) => r.openId === b)).toMatchObject({
      status: "skipped",
      reason: "no_consent",
    });
    // One call each: the refusal is not retried.
    expect(calls() - before).toBe(2);
    expect(await consents().find(mini, template, b)).toMatchObject({ status: "refused", sendsLeft: 0 });
    expect(await consents().find(mini, template, a)).toMatchObject({ status: "accepted", sendsLeft: 0 });
    expect(await subscribersCount(template)).toBe(0);
  }, 60_000);

  it("keeps a long-term subscriber in the audience after each message", async () => {
    const template = core().control.apis.addTemplate(mini, {
      type: 3,
      content: "{{thing1.DATA}}",
    }).templateId;
    // The mini program's templates are its subscription templates, each one-time or long-term.
    const listed = await h.api<{
      items: Array<{ templateId: string; subscription?: string; fields: string[] }>;
    }>("GET", `/accounts/${mini}/campaigns/templates`);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toContainEqual(
      expect.objectContaining({ templateId: template, subscription: "long_term", fields: ["thing1"] }),
    );
    expect(listed.body.items).toContainEqual(
      expect.objectContaining({ templateId, subscription: "one_time" }),
    );
    const a = users[0]!;
    await answer(a, [{ templateId: template, accept: true }]);
    await h.settle();
    const before = inbox(a).length;
    for (let i = 0; i < 2; i++) {
      const done = await run(await campaign(template));
      expect(done.progress).toMatchObject({ total: 1, byStatus: { sent: 1 } });
    }
    expect(inbox(a).length - before).toBe(2);
    expect(await consents().find(mini, template, a)).toEqual({
      status: "accepted",
      sendsLeft: 1,
      longTerm: true,
    });
  }, 60_000);

  it("refuses a subscribers audience of another template than the one the campaign sends", async () => {
    const created = await h.api<{ error: { code: string } }>("POST", `/accounts/${mini}/campaigns`, {
      name: "错配",
      channel: "subscribe",
      audience: { kind: "subscribers", templateId: "some-other-template" },
      content: { channel: "subscribe", templateId, data: { thing1: { value: "x" } } },
    });
    expect(created.status).toBe(400);
    expect(created.body.error.code).toBe("audience_invalid");
  });
});
