import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type TestDatabase, testEngines } from "../src/testing/engines.js";
import { authorizeAccount, type SandboxHarness, startSandbox } from "./accounts-fixture.js";

/**
 * The operation modules as the registry wires them, with nothing replaced: an automatic reply
 * that hands a follower to customer service takes its agent from the customer-service routing
 * rules, and a rule by tag reads the follower's tags from the followers module.
 */

interface Harness extends SandboxHarness {
  appId: string;
  /** Acts as a follower in the emulator; the push's outcome and the passive reply come back. */
  follower(
    action: string,
    body: Record<string, unknown>,
  ): Promise<{ openId: string; push: { outcome: string; reply?: unknown } }>;
}

async function start(env: Record<string, string>): Promise<Harness> {
  const h = await startSandbox({ env, modules: "registry" });
  const appId = h.demo.serviceAppId;
  await authorizeAccount(h, appId);
  await h.settle();
  await h.api("PUT", `/accounts/${appId}/openid-mapping`, { property: "wechat_openid" });
  const enabled = await h.api("POST", `/accounts/${appId}/enable`);
  if (enabled.status !== 200) throw new Error(`enabling answered ${enabled.status}`);
  return {
    ...h,
    appId,
    async follower(action, body) {
      // One second between a follower's actions: WeChat tells pushes apart by OpenID and CreateTime.
      h.server.clock.advance(1000);
      const response = await fetch(`${h.url}/sandbox/__emulator/follower/${action}`, {
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
    await h.close();
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
