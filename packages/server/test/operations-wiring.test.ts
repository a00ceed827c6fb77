import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { moduleFactories } from "../src/registry.js";
import { type TestDatabase, testEngines } from "../src/testing/engines.js";
import { createTestServer, type TestServer } from "../src/testing/server.js";
import { authorizeThroughPage } from "./authorization-page.js";

/**
 * The operation modules as the registry wires them, with nothing replaced: an automatic reply
 * that hands a follower to customer service takes its agent from the customer-service routing
 * rules, and a rule by tag reads the follower's tags from the followers module.
 */

interface Answer<T> {
  status: number;
  body: T;
}

interface Harness {
  server: TestServer;
  appId: string;
  api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<Answer<T>>;
  /** Acts as a follower in the emulator; the push's outcome and the passive reply come back. */
  follower(
    action: string,
    body: Record<string, unknown>,
  ): Promise<{ openId: string; push: { outcome: string; reply?: unknown } }>;
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
  const api = async <T>(method: string, path: string, body?: unknown): Promise<Answer<T>> => {
    const response = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
  };
  const appId = demo.serviceAppId;
  const link = await api<{ pcUrl: string }>("POST", "/authorizations", {});
  const back = await authorizeThroughPage({ pcUrl: link.body.pcUrl, appId });
  if (back.status !== 200) throw new Error(`the redirect page answered ${back.status}`);
  await core.control.push.idle();
  await api("PUT", `/accounts/${appId}/openid-mapping`, { property: "wechat_openid" });
  const enabled = await api("POST", `/accounts/${appId}/enable`);
  if (enabled.status !== 200) throw new Error(`enabling answered ${enabled.status}`);
  return {
    server,
    appId,
    api,
    async follower(action, body) {
      // One second between a follower's actions: WeChat tells pushes apart by OpenID and CreateTime.
      server.clock.advance(1000);
      const response = await fetch(`${url}/sandbox/__emulator/follower/${action}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ appId, ...body }),
      });
      const answer = (await response.json()) as {
        openId: string;
        push: { outcome: string; reply?: unknown };
      };
      if (response.status !== 200) throw new Error(`${action}: ${JSON.stringify(answer)}`);
      return answer;
    },
  };
}

/** Waits until the followers module has recorded a follower from the pushes (written in batches). */
async function recorded(h: Harness, openId: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await h.api("GET", `/accounts/${h.appId}/followers/${openId}`)).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`the follower ${openId} was never recorded`);
}

describe.each(testEngines)("the operation modules wired by the registry, on $name", (engine) => {
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

  it("hands a follower to the agent the routing rules choose, by keyword and by the follower's tag", async () => {
    const base = `/accounts/${h.appId}`;
    for (const [account, nickname] of [
      ["refund@demo", "退款组"],
      ["vip@demo", "VIP"],
    ] as const)
      expect((await h.api("POST", `${base}/kf-accounts`, { account, nickname })).status).toBe(201);
    const tag = await h.api<{ id: number }>("POST", `${base}/follower-tags`, { name: "贵宾" });
    expect(tag.status).toBe(201);
    const routing = await h.api("PUT", `${base}/kf-routing`, {
      rules: [
        { kind: "keyword", value: "退款", match: "contains", kfAccount: "refund@demo" },
        { kind: "tag", tagId: tag.body.id, kfAccount: "vip@demo" },
      ],
    });
    expect(routing.status).toBe(200);
    const rule = await h.api("POST", `${base}/automation/rules`, {
      kind: "keyword",
      keywords: [{ text: "人工", match: "contains" }],
      replies: [{ type: "transfer_customer_service" }],
    });
    expect(rule.status).toBe(201);

    const plain = await h.follower("follow", { nickname: "甲" });
    const vip = await h.follower("follow", { nickname: "乙" });
    await recorded(h, vip.openId);
    const tagged = await h.api(`POST`, `${base}/follower-tags/${tag.body.id}/tagging`, {
      openIds: [vip.openId],
    });
    expect(tagged.status).toBe(200);

    // The keyword rule of the routing comes first: a refund goes to the refund desk.
    const refund = await h.follower("send-text", { openId: plain.openId, content: "人工，我要退款" });
    expect(refund.push.reply).toEqual({ type: "transfer_customer_service", kfAccount: "refund@demo" });
    // A tagged follower asking for anyone goes to the VIP desk.
    const asked = await h.follower("send-text", { openId: vip.openId, content: "转人工" });
    expect(asked.push.reply).toEqual({ type: "transfer_customer_service", kfAccount: "vip@demo" });
    // No routing rule matches: WeChat chooses the agent. (A follower already with an agent talks
    // to that agent, not to the account: a third one asks.)
    const third = await h.follower("follow", { nickname: "丙" });
    const other = await h.follower("send-text", { openId: third.openId, content: "转人工" });
    expect(other.push.reply).toEqual({ type: "transfer_customer_service" });
  });
});
