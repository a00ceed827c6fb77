import { createRequire } from "node:module";
import { buildReplyXml, type PushMode, type TextMessage } from "@wxgate/wechat";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_PUSH_SETTINGS } from "../src/push/state.js";
import type { Account } from "../src/world/types.js";
import { type ReceivedPush, type Receiver, type ReceiverAnswer, startReceiver } from "./push-receiver.js";
import { startEmulator, type TestEmulator } from "./support.js";

const TOKEN = "pushtoken123";
const AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

let emu: TestEmulator;
const receivers: Receiver[] = [];

beforeEach(async () => {
  emu = await startEmulator();
  emu.control.push.configure({ replyTimeoutMs: 200 });
});

afterEach(async () => {
  await emu.close();
  for (const receiver of receivers.splice(0)) await receiver.close();
});

async function receiver(
  appId: string,
  answer?: (push: ReceivedPush, endpoint: import("@wxgate/wechat").PushEndpoint) => ReceiverAnswer,
): Promise<Receiver> {
  const r = await startReceiver({ token: TOKEN, appId, encodingAESKey: AES_KEY }, answer);
  receivers.push(r);
  return r;
}

/** An account whose server configuration points at a fresh receiver. */
async function accountWithServer(
  mode: PushMode,
  answer?: Parameters<typeof receiver>[1],
): Promise<{ account: Account; receiver: Receiver; openId: string }> {
  const appId = emu.control.createAccount({ kind: "service" }).appId;
  const r = await receiver(appId, answer);
  const account = emu.world.account(appId)!;
  account.server = { url: `${r.url}/wechat`, token: TOKEN, encodingAESKey: AES_KEY, mode };
  const [follower] = emu.control.createFollowers(appId, 1);
  return { account, receiver: r, openId: follower!.openId };
}

describe("push delivery modes", () => {
  it.each(["plaintext", "compatible", "safe"] as const)(
    "delivers a %s push the receiver can verify and open",
    async (mode) => {
      const { account, receiver: r, openId } = await accountWithServer(mode);
      const result = await emu.control.follower.sendText(
        { appId: account.appId, openId },
        "你好 <world> & ]]>",
      );
      expect(result.push).toMatchObject({ outcome: "success", tries: 1, status: 200 });
      expect(r.pushes).toHaveLength(1);
      const push = r.pushes[0]!;
      expect(push.refusal).toBeUndefined();
      expect(push.query.openid).toBe(openId);
      expect(push.query.signature).toMatch(/^[0-9a-f]{40}$/);
      expect(push.query.timestamp).toBe(String(Math.floor(emu.clock.now() / 1000)));
      const message = push.opened!.message as TextMessage;
      expect(message).toMatchObject({ msgType: "text", content: "你好 <world> & ]]>", fromUserName: openId });
      expect(message.toUserName).toBe(account.originalId);
      expect(push.opened!.mode).toBe(mode);
      if (mode === "plaintext") {
        expect(push.query.encrypt_type).toBeUndefined();
        expect(push.body).not.toContain("<Encrypt>");
      } else {
        expect(push.query.encrypt_type).toBe("aes");
        expect(push.query.msg_signature).toMatch(/^[0-9a-f]{40}$/);
        expect(push.body).toContain("<Encrypt>");
        expect(push.body.includes("<Content>")).toBe(mode === "compatible");
      }
    },
  );

  it("produces pushes that wechat-crypto (node-webot) decrypts", async () => {
    const require = createRequire(import.meta.url);
    const WXBizMsgCrypt = require("wechat-crypto") as new (
      token: string,
      key: string,
      appId: string,
    ) => {
      getSignature(t: string, n: string, e: string): string;
      decrypt(e: string): { message: string; id: string };
    };
    const { account, receiver: r, openId } = await accountWithServer("safe");
    await emu.control.follower.sendText({ appId: account.appId, openId }, "interop");
    const push = r.pushes[0]!;
    const encrypt = /<Encrypt><!\[CDATA\[([^\]]+)\]\]><\/Encrypt>/.exec(push.body)?.[1] ?? "";
    const peer = new WXBizMsgCrypt(TOKEN, AES_KEY, account.appId);
    expect(peer.getSignature(push.query.timestamp!, push.query.nonce!, encrypt)).toBe(
      push.query.msg_signature,
    );
    const { message, id } = peer.decrypt(encrypt);
    expect(id).toBe(account.appId);
    expect(message).toContain("<Content><![CDATA[interop]]></Content>");
  });
});

describe("retries", () => {
  it("tries 3 times when the server never answers, and logs each try", async () => {
    const { account, receiver: r, openId } = await accountWithServer("plaintext", () => "hang");
    const result = await emu.control.follower.sendText({ appId: account.appId, openId }, "anyone?");
    expect(result.push).toMatchObject({ outcome: "failed", tries: 3 });
    expect(r.pushes).toHaveLength(3);
    const log = emu.control.push.log({ target: account.appId });
    expect(log.map((e) => [e.try, e.outcome])).toEqual([
      [1, "timeout"],
      [2, "timeout"],
      [3, "timeout"],
    ]);
    expect(log.every((e) => e.event === "text" && e.pushId === result.push.pushId)).toBe(true);
  });

  it("retries a 500 answer and stops at the first success", async () => {
    let calls = 0;
    const {
      account,
      receiver: r,
      openId,
    } = await accountWithServer("plaintext", () =>
      ++calls < 3 ? { status: 500, body: "oops" } : { body: "success" },
    );
    const result = await emu.control.follower.sendText({ appId: account.appId, openId }, "again");
    expect(result.push).toMatchObject({ outcome: "success", tries: 3, status: 200 });
    expect(r.pushes).toHaveLength(3);
    expect(emu.control.push.log({ target: account.appId }).map((e) => [e.status, e.outcome])).toEqual([
      [500, "http_error"],
      [500, "http_error"],
      [200, "success"],
    ]);
  });

  it.each(["success", ""])("makes one try when the server answers %j", async (body) => {
    const { account, receiver: r, openId } = await accountWithServer("safe", () => ({ body }));
    const result = await emu.control.follower.clickMenu({ appId: account.appId, openId }, "K1");
    expect(result.push).toMatchObject({ outcome: "success", tries: 1 });
    expect(r.pushes).toHaveLength(1);
  });

  it("starts from WeChat's 5 seconds and 3 tries, and honours the attempts setting", async () => {
    expect(DEFAULT_PUSH_SETTINGS).toMatchObject({ replyTimeoutMs: 5000, attempts: 3 });
    expect(emu.control.push.configure({ attempts: 2 })).toMatchObject({ replyTimeoutMs: 200, attempts: 2 });
    const { account, receiver: r, openId } = await accountWithServer("plaintext", () => ({ status: 503 }));
    const result = await emu.control.follower.sendText({ appId: account.appId, openId }, "x");
    expect(result.push.tries).toBe(2);
    expect(r.pushes).toHaveLength(2);
    expect(() => emu.control.push.configure({ attempts: 0 })).toThrow(/attempts/);
  });
});

describe("faults", () => {
  it("drops a push with the drop_push fault, then delivers the next", async () => {
    const { account, receiver: r, openId } = await accountWithServer("safe");
    emu.control.addFault({ api: account.appId, kind: "drop_push", count: 1 });
    const dropped = await emu.control.follower.sendText({ appId: account.appId, openId }, "lost");
    expect(dropped.push).toMatchObject({ outcome: "dropped", tries: 0 });
    expect(r.pushes).toHaveLength(0);
    const delivered = await emu.control.follower.sendText({ appId: account.appId, openId }, "found");
    expect(delivered.push.outcome).toBe("success");
    expect(r.pushes).toHaveLength(1);
    expect(emu.control.push.log({ target: account.appId }).map((e) => e.outcome)).toEqual([
      "dropped",
      "success",
    ]);
  });
});

describe("passive replies", () => {
  it.each(["plaintext", "safe"] as const)(
    "delivers a %s-mode reply to the follower's inbox",
    async (mode) => {
      const { account, openId } = await accountWithServer(mode, (push, endpoint) => ({
        body: endpoint.seal(
          { type: "text", content: `echo: ${(push.opened!.message as TextMessage).content}` },
          push.opened!,
        ),
      }));
      const result = await emu.control.follower.sendText({ appId: account.appId, openId }, "ping");
      expect(result.push.outcome).toBe("reply");
      expect(result.push.reply).toEqual({ type: "text", content: "echo: ping" });
      const inbox = emu.control.follower.inbox({ appId: account.appId, openId });
      expect(inbox).toHaveLength(1);
      expect(inbox[0]).toMatchObject({ via: "reply", msgType: "text" });
      expect(String(inbox[0]!.content)).toContain("echo: ping");
    },
  );

  it("refuses a plaintext reply to a safe-mode push", async () => {
    const { account, openId } = await accountWithServer("safe", (push) => ({
      body: buildReplyXml(
        { type: "text", content: "plain" },
        { toUserName: push.query.openid!, fromUserName: "gh_x", createTime: 1 },
      ),
    }));
    const result = await emu.control.follower.sendText({ appId: account.appId, openId }, "ping");
    expect(result.push).toMatchObject({ outcome: "invalid_reply", tries: 1 });
    expect(emu.control.follower.inbox({ appId: account.appId, openId })).toHaveLength(0);
  });

  it("hands the conversation to an agent on transfer_customer_service, for 30 idle minutes", async () => {
    const {
      account,
      receiver: r,
      openId,
    } = await accountWithServer("compatible", (push, endpoint) => ({
      body: endpoint.seal({ type: "transfer_customer_service", kfAccount: "kf2001@demo" }, push.opened!),
    }));
    const first = await emu.control.follower.sendText({ appId: account.appId, openId }, "I need a human");
    expect(first.push.reply).toEqual({ type: "transfer_customer_service", kfAccount: "kf2001@demo" });
    expect(emu.control.push.agentSession(account.appId, openId)).toMatchObject({ kfAccount: "kf2001@demo" });
    expect(emu.control.follower.inbox({ appId: account.appId, openId })).toHaveLength(0);

    await emu.control.advanceClock(29 * 60_000);
    const during = await emu.control.follower.sendText({ appId: account.appId, openId }, "still there?");
    expect(during.push.outcome).toBe("with_agent");
    expect(r.pushes).toHaveLength(1);

    await emu.control.advanceClock(29 * 60_000);
    expect(emu.control.push.agentSession(account.appId, openId)?.forwarded).toBe(1);
    await emu.control.advanceClock(60_000);
    expect(emu.control.push.agentSession(account.appId, openId)).toBeUndefined();
    await emu.control.follower.sendText({ appId: account.appId, openId }, "back to the bot");
    expect(r.pushes).toHaveLength(2);
  });
});

describe("control API", () => {
  it("serves the push log and settings over HTTP", async () => {
    const { account, openId } = await accountWithServer("plaintext");
    await emu.control.follower.sendText({ appId: account.appId, openId }, "logged");
    const settings = await fetch(`${emu.baseUrls.control}/push/settings`, {
      method: "POST",
      body: JSON.stringify({ replyTimeoutMs: 300 }),
    });
    expect(await settings.json()).toMatchObject({ replyTimeoutMs: 300, attempts: 3 });
    const res = await fetch(`${emu.baseUrls.control}/push/log?target=${account.appId}&limit=5`);
    const { attempts } = (await res.json()) as { attempts: Record<string, unknown>[] };
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({
      target: account.appId,
      event: "text",
      try: 1,
      status: 200,
      outcome: "success",
    });
    expect(typeof attempts[0]!.latencyMs).toBe("number");
  });

  it("reports no_target for an account without a server", async () => {
    const appId = emu.control.createAccount().appId;
    const [follower] = emu.control.createFollowers(appId, 1);
    const result = await emu.control.follower.sendText({ appId, openId: follower!.openId }, "void");
    expect(result.push).toMatchObject({ outcome: "no_target", tries: 0 });
  });
});
