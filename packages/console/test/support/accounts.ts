import { authorizeThroughPage } from "../../../server/test/authorization-page.js";
import type { RunningServer } from "./server.js";

/** What the emulator says of its world (GET /__emulator/summary). */
export interface Summary {
  platforms: { componentAppId: string }[];
  accounts: { appId: string; kind: string; nickname: string; verifyType: number }[];
}

/** Polls until `probe` is true; bounded (10 s). */
export async function eventually(what: string, probe: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** The demo account of a kind (a verified service account by default). */
export async function demoAccount(
  server: RunningServer,
  kind: "service" | "subscription" | "miniprogram" = "service",
): Promise<Summary["accounts"][number] & { componentAppId: string }> {
  const summary = await server.control<Summary>("GET", "/summary");
  const account = summary.accounts.find((a) => a.kind === kind && (kind !== "service" || a.verifyType === 0));
  if (!account) throw new Error(`no demo ${kind}`);
  return { ...account, componentAppId: summary.platforms[0]!.componentAppId };
}

/**
 * Authorizes a demo account as its administrator would, through the API and the emulated
 * authorization page (the platform needs its ticket first: the sandbox pushes it at start).
 */
export async function authorizeByApi(
  server: RunningServer,
  appId: string,
  options: { enable?: boolean } = {},
): Promise<void> {
  let link = { status: 0, body: { pcUrl: "" } };
  await eventually("the platform's ticket", async () => {
    link = await server.api<{ pcUrl: string }>("POST", "/authorizations", {});
    return link.status === 201;
  });
  const back = await authorizeThroughPage({ pcUrl: link.body.pcUrl, appId });
  if (back.status !== 200) throw new Error(`the authorization ended with ${back.status}`);
  if (!options.enable) return;
  // Pushes to a disabled account are answered but not handed on (to webhooks): enable it.
  await server.api("PUT", `/accounts/${appId}/openid-mapping`, { property: "wechat_openid" });
  const enabled = await server.api<{ enabled?: boolean }>("POST", `/accounts/${appId}/enable`);
  if (!enabled.body.enabled)
    throw new Error(`${appId} could not be enabled: ${JSON.stringify(enabled.body)}`);
}

/** A demo account of a kind, authorized and enabled: where most screens' tests begin. */
export async function enabledDemoAccount(
  server: RunningServer,
  kind: "service" | "subscription" | "miniprogram" = "service",
): Promise<Awaited<ReturnType<typeof demoAccount>>> {
  const account = await demoAccount(server, kind);
  await authorizeByApi(server, account.appId, { enable: true });
  return account;
}

/** What WeChat delivered to a follower of the account (the emulator's inbox), by way of `via`. */
export async function inboxOf(
  server: RunningServer,
  appId: string,
  openId: string,
  via: string,
): Promise<{ via: string; content: unknown }[]> {
  const { inbox } = await server.control<{ inbox: { via: string; content: unknown }[] }>(
    "GET",
    `/apis/accounts/${appId}/followers/${openId}/inbox`,
  );
  return inbox.filter((message) => message.via === via);
}
