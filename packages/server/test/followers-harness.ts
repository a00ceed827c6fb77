import { accountsModule } from "../src/accounts/index.js";
import { callbacksModule } from "../src/callbacks/index.js";
import { followersModule } from "../src/followers/index.js";
import { createTestServer, type TestServer } from "../src/testing/server.js";
import { tokensModule } from "../src/tokens/index.js";
import { authorizeThroughPage } from "./authorization-page.js";

/** A JSON answer of the API. */
export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** wxgate with the followers module and the sandbox WeChat, an admin API key, and helpers. */
export interface FollowersHarness {
  server: TestServer;
  /** The demo service account (verified): its appid and secret in the emulated WeChat. */
  appId: string;
  api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<Answer<T>>;
  /** WeChat calls of one path the emulator served this server. */
  wechatCalls(path: string): number;
  /** Connects the demo service account with AppID + AppSecret and enables it. */
  connectDirect(): Promise<void>;
  /** Authorizes the demo service account through the platform pages and enables it (pushes reach the gateway). */
  authorizeAndEnable(): Promise<void>;
  /** Stops the server, leaving its data folder (and database) for the next one. */
  stop(): Promise<void>;
}

/**
 * Starts wxgate (tokens, accounts, callbacks, followers) with the sandbox mounted, on the data
 * folder and database `env` gives. The emulator's demo world comes from a fixed seed, so a
 * second server on the same folder meets the same accounts and secrets — a restart.
 */
export async function startFollowers(env: Record<string, string>): Promise<FollowersHarness> {
  const server = await createTestServer({
    modules: [tokensModule, accountsModule, callbacksModule(), followersModule],
    sandbox: true,
    env,
  });
  const url = server.url!;
  const core = server.sandbox!.core;
  const demo = core.world.state.extensions.demo as { componentAppId: string; serviceAppId: string };
  const ticket = await core.control.component.pushTicket(demo.componentAppId);
  if (ticket.push.outcome !== "success") throw new Error(`the ticket push ended ${ticket.push.outcome}`);
  const username = "admin";
  const password = "correct horse battery";
  const existing = await server.store.db.selectFrom("users").select("id").executeTakeFirst();
  const user = existing
    ? { id: existing.id, username }
    : (await server.auth.createAdmin({ username, password })).user;
  const { key } = await server.auth.createApiKey(
    { userId: user.id, name: username },
    { name: "test", scopes: ["admin"] },
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
  const expectOk = (answer: Answer, what: string) => {
    if (answer.status >= 300) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
  };
  const enable = async () => {
    expectOk(await api("PUT", `/accounts/${appId}/openid-mapping`, { property: "wechat_openid" }), "mapping");
    expectOk(await api("POST", `/accounts/${appId}/enable`), "enable");
  };
  return {
    server,
    appId,
    api,
    wechatCalls: (path) => core.control.requestLog({ path, appid: appId }).length,
    async connectDirect() {
      const account = core.world.account(appId)!;
      expectOk(
        await api("POST", "/accounts", { appId, appSecret: account.secret, kind: "service", verified: true }),
        "connect",
      );
      await enable();
    },
    async authorizeAndEnable() {
      const link = await api<{ pcUrl: string }>("POST", "/authorizations", {});
      expectOk(link, "authorization link");
      const back = await authorizeThroughPage({ pcUrl: link.body.pcUrl, appId });
      if (back.status !== 200) throw new Error(`the redirect page answered ${back.status}`);
      await core.control.push.idle();
      expectOk(
        await api("PUT", `/accounts/${appId}/openid-mapping`, { property: "wechat_openid" }),
        "mapping",
      );
      expectOk(await api("POST", `/accounts/${appId}/enable`), "enable");
    },
    stop: () => server.close(),
  };
}
