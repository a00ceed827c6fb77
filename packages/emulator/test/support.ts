import { type CreateEmulatorOptions, createEmulator, type RunningEmulator } from "../src/app.js";
import { ControllableClock } from "../src/clock.js";
import type { EmulatorModule } from "../src/http/context.js";
import { wxRoute } from "../src/http/route.js";
import type { NewAccount, NewFollower } from "../src/world/factory.js";
import type { Account, Follower } from "../src/world/types.js";

/** 2024-01-01 12:00 Beijing time: far from a day boundary, so daily counters are predictable. */
export const START = Date.UTC(2024, 0, 1, 4);

/** WeChat-path routes that exist only in tests, to reach the shared machinery through HTTP. */
export const probeModule: EmulatorModule = {
  name: "probe",
  register(app, ctx) {
    wxRoute(app, ctx, {
      method: "GET",
      path: "/cgi-bin/test/whoami",
      auth: "access_token",
      handler: (call) => ({
        errcode: 0,
        errmsg: "ok",
        appid: call.caller?.account.appId,
        via_component: call.caller?.viaComponent,
      }),
    });
    wxRoute(app, ctx, {
      method: "POST",
      path: "/cgi-bin/test/echo",
      auth: "none",
      handler: (call) => ({ errcode: 0, errmsg: "ok", echo: call.body }),
    });
    wxRoute(app, ctx, {
      method: "GET",
      path: "/cgi-bin/test/limited",
      auth: "access_token",
      handler: () => ({ errcode: 0, errmsg: "ok" }),
    });
    ctx.quota.define("/cgi-bin/test/limited", 3);
  },
};

export interface TestEmulator extends RunningEmulator {
  clock: ControllableClock;
  get(
    path: string,
    query?: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  post(
    path: string,
    body: unknown,
    query?: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
}

async function answer(res: Response): Promise<{ status: number; body: Record<string, unknown> }> {
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: res.status, body };
}

/** A listening emulator on a frozen clock with the probe routes, plus fetch helpers. */
export async function startEmulator(options: CreateEmulatorOptions = {}): Promise<TestEmulator> {
  const clock =
    options.clock instanceof ControllableClock
      ? options.clock
      : new ControllableClock({ start: START, frozen: true });
  const emu = await createEmulator({ seed: "test", extraModules: [probeModule], ...options, clock });
  const url = (path: string, query: Record<string, string> = {}): URL => {
    const u = new URL(`${emu.baseUrls.api}${path}`);
    for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
    return u;
  };
  return {
    ...emu,
    clock,
    get: async (path, query) => answer(await fetch(url(path, query))),
    post: async (path, body, query) =>
      answer(
        await fetch(url(path, query), {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: typeof body === "string" ? body : JSON.stringify(body),
        }),
      ),
  };
}

/** The account's access_token from /cgi-bin/token, fetched the way a client fetches it. */
export async function tokenFor(emu: TestEmulator, account: Account): Promise<string> {
  const res = await emu.get("/cgi-bin/token", {
    grant_type: "client_credential",
    appid: account.appId,
    secret: account.secret,
  });
  return res.body.access_token as string;
}

/** What to create in a fresh emulator before the account's token is fetched. */
export interface AccountSetup {
  /** The account; a service account unless said otherwise. */
  account?: NewAccount;
  /** The account's followers: how many, or one entry each. None by default. */
  followers?: number | NewFollower[];
}

/** A started emulator with one account, its followers and its access_token. */
export interface AccountFixture {
  emu: TestEmulator;
  account: Account;
  followers: Follower[];
  token: string;
}

/** Starts an emulator, creates one account and its followers, and fetches the account's token. */
export async function startWithAccount(
  options: CreateEmulatorOptions = {},
  setup: AccountSetup = {},
): Promise<AccountFixture> {
  const emu = await startEmulator(options);
  const account = emu.control.createAccount(setup.account ?? { kind: "service" });
  const followers =
    setup.followers === undefined ? [] : emu.control.createFollowers(account.appId, setup.followers);
  const token = await tokenFor(emu, account);
  return { emu, account, followers, token };
}

/** The rid at the end of an errmsg, or undefined. */
export function ridOf(errmsg: unknown): string | undefined {
  return typeof errmsg === "string"
    ? /rid: ([0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8})$/.exec(errmsg)?.[1]
    : undefined;
}
