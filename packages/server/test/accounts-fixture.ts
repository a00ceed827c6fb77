import { accountsModule, createAccounts } from "../src/accounts/index.js";
import type { Scope } from "../src/http/principal.js";
import type { ModuleFactory } from "../src/module.js";
import { moduleFactories } from "../src/registry.js";
import { createTestServer, type TestServer } from "../src/testing/server.js";
import { tokensModule } from "../src/tokens/index.js";
import { authorizeThroughPage } from "./authorization-page.js";

/** The demo world's ids, as the sandbox preset created them. */
export interface DemoIds {
  componentAppId: string;
  serviceAppId: string;
  subscriptionAppId: string;
  miniProgramAppId: string;
}

/** A JSON answer of the API. */
export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** A running wxgate with the sandbox WeChat, an admin API key and helpers. */
export interface SandboxHarness {
  server: TestServer;
  url: string;
  demo: DemoIds;
  apiKey: string;
  /** Calls the JSON API under /api/v1 with the admin key (or `key`). */
  api<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    key?: string,
  ): Promise<Answer<T>>;
  /** A key with only these scopes. */
  keyWith(scopes: Scope[]): Promise<string>;
  /** Runs the platform authorization in a browser's place; returns the redirect page's status and text. */
  authorizeThroughPages(input: {
    pcUrl: string;
    appId: string;
    funcScopes?: number[];
  }): Promise<{ status: number; html: string }>;
  /** Waits until every push the emulated WeChat started has been answered. */
  settle(): Promise<void>;
  /** Outcomes of the emulator's pushes of one event (`info:authorized`, …), in order. */
  pushOutcomes(event: string): string[];
  /** Emulator request-log entries for one WeChat path. */
  wechatCalls(path: string, appid?: string): number;
  accounts: ReturnType<typeof createAccounts>;
  close(): Promise<void>;
}

/**
 * Starts wxgate with the sandbox mounted and a ticket already pushed by the emulated WeChat;
 * `env` adds WXGATE_* settings; `modules` are mounted after tokens and accounts, or
 * `modules: "registry"` mounts every module as the server does.
 */
export async function startSandbox(
  options: { env?: Record<string, string>; modules?: readonly ModuleFactory[] | "registry" } = {},
): Promise<SandboxHarness> {
  let accounts: ReturnType<typeof createAccounts> | undefined;
  const accountsKept: ModuleFactory = (ctx) => {
    accounts = createAccounts(ctx);
    return accounts.module;
  };
  const server = await createTestServer({
    modules:
      options.modules === "registry"
        ? moduleFactories.map((factory) => (factory === accountsModule ? accountsKept : factory))
        : [tokensModule, accountsKept, ...(options.modules ?? [])],
    sandbox: true,
    ...(options.env ? { env: options.env } : {}),
  });
  const url = server.url!;
  const core = server.sandbox!.core;
  const demo = core.world.state.extensions["demo"] as DemoIds;
  // WeChat pushes a ticket every 10 minutes; push one now so the platform can get its token.
  const ticket = await core.control.component.pushTicket(demo.componentAppId);
  if (ticket.push.outcome !== "success") throw new Error(`the ticket push ended ${ticket.push.outcome}`);

  const { user } = await server.auth.createAdmin({ username: "admin", password: "correct horse battery" });
  const creator = { userId: user.id, name: user.username };
  const keyWith = async (scopes: Scope[]) =>
    (await server.auth.createApiKey(creator, { name: scopes.join(","), scopes })).key;
  const apiKey = await keyWith(["admin"]);

  const api = async <T>(method: string, path: string, body?: unknown, key = apiKey): Promise<Answer<T>> => {
    const response = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
  };

  const authorizeThroughPages: SandboxHarness["authorizeThroughPages"] = (input) =>
    authorizeThroughPage(input);

  return {
    server,
    url,
    demo,
    apiKey,
    api,
    keyWith,
    authorizeThroughPages,
    settle: async () => {
      await core.control.push.idle();
    },
    pushOutcomes: (event) =>
      core.control.push
        .log()
        .filter((entry) => entry.event === event)
        .map((entry) => entry.outcome),
    wechatCalls: (path, appid) => core.control.requestLog({ path, ...(appid ? { appid } : {}) }).length,
    accounts: accounts!,
    close: () => server.dispose(),
  };
}

/** Authorizes a demo account through the pages and returns it as the API shows it. */
export async function authorizeAccount(
  harness: SandboxHarness,
  appId: string,
  funcScopes?: number[],
): Promise<Record<string, unknown>> {
  const link = await harness.api<{ pcUrl: string }>("POST", "/authorizations", {});
  const back = await harness.authorizeThroughPages({
    pcUrl: link.body.pcUrl,
    appId,
    ...(funcScopes ? { funcScopes } : {}),
  });
  if (back.status !== 200) throw new Error(`the redirect page answered ${back.status}: ${back.html}`);
  const account = await harness.api("GET", `/accounts/${appId}`);
  return account.body;
}
