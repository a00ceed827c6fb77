import type { AddressInfo } from "node:net";
import { openReply, type PushMode } from "@wxgate/wechat";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountClients } from "../src/accounts/index.js";
import { type AutomationService, createAutomation } from "../src/automation/index.js";
import { callbacksModule } from "../src/callbacks/index.js";
import type { ModuleFactory } from "../src/module.js";
import { createTestServer } from "../src/testing/server.js";
import { webhooksModule } from "../src/webhooks/index.js";
import {
  AES_KEY,
  APP_ID_FOR_MODE,
  type Gateway,
  push,
  seal,
  TestAccounts,
  TOKEN,
  textXml,
} from "./callbacks-helpers.js";

/**
 * The gateway answers with a rule's reply in the push's own mode: plaintext to a plaintext
 * push, encrypted to a safe-mode one, and in compatible mode as the push came. The accounts
 * module's part is a stand-in here (the test accounts of the gateway's tests).
 */
describe("automatic replies in each push mode", () => {
  let gateway: Gateway;
  let service: AutomationService;

  beforeAll(async () => {
    const accounts = new TestAccounts();
    const accountsStandIn: ModuleFactory = (ctx) => {
      ctx.provide("accountDirectory", {
        exists: async (appId) => accounts.accounts.has(appId),
        appIds: async () => [...accounts.accounts.keys()],
        facts: async () => undefined,
      });
      const clients: AccountClients = {
        clientFor: () => Promise.reject(new Error("no WeChat API in this test")),
        tokenProviderFor: () => Promise.reject(new Error("no WeChat API in this test")),
      };
      ctx.provide("accountClients", clients);
      return { name: "accounts-stand-in" };
    };
    const server = await createTestServer({
      modules: [
        accountsStandIn,
        callbacksModule({ accounts }),
        webhooksModule(),
        (ctx) => {
          const built = createAutomation(ctx);
          service = built.service;
          return built.module;
        },
      ],
    });
    await server.app.listen({ host: "127.0.0.1", port: 0 });
    const { port } = server.app.server.address() as AddressInfo;
    gateway = { server, url: `http://127.0.0.1:${port}`, apiKey: "", close: () => server.dispose() };
    for (const appId of Object.values(APP_ID_FOR_MODE)) {
      await service.createMany(null, appId, [
        {
          name: "营业时间",
          kind: "keyword",
          keywords: [{ text: "几点", match: "contains" }],
          menuKey: null,
          priority: 0,
          schedule: null,
          mode: "all",
          replies: [{ type: "text", content: "每天 9:00–21:00" }],
          enabled: true,
        },
      ]);
    }
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it.each<[PushMode, boolean]>([
    ["plaintext", false],
    ["safe", true],
    ["compatible", true],
  ])("answers a %s push with the rule's reply (encrypted: %s)", async (mode, encrypted) => {
    const sealed = seal(
      gateway,
      textXml("你们几点开门？", Math.floor(gateway.server.clock.now() / 1000)),
      mode,
    );
    const response = await push(gateway, sealed);
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body.includes("<Encrypt>")).toBe(encrypted);
    const opened = openReply(body, {
      token: TOKEN,
      appId: sealed.appId,
      encodingAESKey: AES_KEY,
      requireEncrypted: encrypted,
    });
    expect(opened.reply).toEqual({ type: "text", content: "每天 9:00–21:00" });
    const hits = await service.hits(sealed.appId, 5);
    expect(hits).toHaveLength(1);
  });

  it("answers nothing when no rule matches: the gateway says success", async () => {
    const sealed = seal(
      gateway,
      textXml("随便聊聊", Math.floor(gateway.server.clock.now() / 1000)),
      "plaintext",
    );
    const response = await push(gateway, sealed);
    expect(await response.text()).toBe("success");
  });
});
