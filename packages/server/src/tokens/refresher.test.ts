import { randomBytes } from "node:crypto";
import {
  CachedCredential,
  ExternalTokenCredential,
  type StoredToken,
  type TokenStore,
  tokenKeys,
} from "@wxgate/wechat";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ManualClock } from "../platform/clock.js";
import { errors, PlatformError } from "../platform/errors.js";
import { createLogger } from "../platform/logger.js";
import { SecretBox } from "../platform/secrets.js";
import { migrateToLatest } from "../platform/store/migrate.js";
import { openStore, type Store } from "../platform/store/store.js";
import { migrations } from "../registry.js";
import { type PlatformCredential, type RefresherTokens, TokenRefresher } from "./refresher.js";
import { REFRESH_AHEAD_MS } from "./service.js";
import { SqlTokenStore } from "./stores.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const start = Date.UTC(2025, 0, 1);

interface Gate {
  promise: Promise<void>;
  open(): void;
}
function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** A token source whose answers the test decides: the SDK's credential logic, WeChat replaced. */
class ScriptedCredential extends CachedCredential {
  fetches = 0;
  fail = false;
  /** Resolved when a fetch starts. */
  started = gate();
  /** While set, a fetch waits for it. */
  hold: Gate | undefined;

  constructor(
    key: string,
    store: TokenStore,
    private readonly clock: ManualClock,
  ) {
    super(key, { store, refreshAheadMs: REFRESH_AHEAD_MS, now: () => clock.now() });
  }

  protected override async fetchToken(): Promise<StoredToken> {
    this.fetches++;
    this.started.open();
    if (this.hold) await this.hold.promise;
    if (this.fail) throw new Error("the source refused");
    return { value: `${this.key}#${this.fetches}`, expiresAt: this.clock.now() + 2 * HOUR };
  }
}

class ScriptedPlatformCredential extends ScriptedCredential implements PlatformCredential {
  readonly componentAppId = "wxcomponent00000001";
}

let store: Store | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await store?.close();
  store = undefined;
});

/** A refresher over real SQLite, with `credentials` by appid (an Error: the account is refused). */
async function refresherOver(clock: ManualClock) {
  store = await openStore("sqlite::memory:");
  await migrateToLatest(store.db, migrations);
  const tokenStore = new SqlTokenStore(store.db, new SecretBox(randomBytes(32)), clock);
  const credentials = new Map<string, CachedCredential | Error>();
  const platform: { credential: PlatformCredential | undefined; ticket: string | undefined } = {
    credential: undefined,
    ticket: "ticket@@@1",
  };
  const tokens: RefresherTokens = {
    store: tokenStore,
    tickets: { getTicket: async () => platform.ticket },
    componentCredential: () => {
      if (!platform.credential) throw new PlatformError("unavailable", "no third-party platform");
      return platform.credential;
    },
    credentialFor: async (appId) => {
      const credential = credentials.get(appId);
      if (credential === undefined) throw errors.notFound(`account ${appId}`);
      if (credential instanceof Error) throw credential;
      return credential;
    },
  };
  const refresher = new TokenRefresher({ tokens, clock, logger: createLogger({ level: "silent" }) });
  /** Stores a token for `key` that expires `inMs` from now. */
  const stored = (key: string, inMs: number) =>
    tokenStore.set(key, { value: `${key}#old`, expiresAt: clock.now() + inMs });
  const account = (appId: string) => {
    const credential = new ScriptedCredential(tokenKeys.accessToken(appId), tokenStore, clock);
    credentials.set(appId, credential);
    return credential;
  };
  return { refresher, tokenStore, credentials, platform, stored, account };
}

describe("the token refresher", () => {
  it("refreshes every due token of an account in use once; skips the rest; a failure does not stop the others", async () => {
    const clock = new ManualClock(start);
    const t = await refresherOver(clock);
    const failing = t.account("wxfailing000000001");
    failing.fail = true;
    const soon = t.account("wxsoon000000000001");
    const expired = t.account("wxexpired000000001");
    const fresh = t.account("wxfresh00000000001");
    t.credentials.set("wxdisabled00000001", errors.conflict("disabled", { reason: "account_disabled" }));
    const external = new ExternalTokenCredential({
      url: "https://tokens.example.com/token",
      key: tokenKeys.externalToken("wxexternal00000001"),
      store: t.tokenStore,
      now: () => clock.now(),
      fetch: () => Promise.reject(new Error("the customer's server must not be called")),
    });
    t.credentials.set("wxexternal00000001", external);
    const switched = t.account("wxswitched00000001");

    await t.stored(failing.key, MINUTE); // soonest: tried first
    await t.stored(soon.key, 4 * MINUTE);
    await t.stored(expired.key, -HOUR);
    await t.stored(fresh.key, REFRESH_AHEAD_MS + 1);
    await t.stored(tokenKeys.accessToken("wxdisabled00000001"), 2 * MINUTE);
    await t.stored(tokenKeys.accessToken("wxdeleted000000001"), 2 * MINUTE);
    await t.stored(external.key, 10_000);
    // A key the account no longer uses (it is an authorizer now).
    await t.stored(tokenKeys.authorizerAccessToken("wxcomponent00000001", "wxswitched00000001"), MINUTE);

    expect(await t.refresher.run()).toEqual({ refreshed: 2, failed: 1, skipped: 4 });
    expect([failing.fetches, soon.fetches, expired.fetches, fresh.fetches, switched.fetches]).toEqual([
      1, 1, 1, 0, 0,
    ]);
    expect((await t.tokenStore.get(soon.key))?.value).toBe(`${soon.key}#1`);
    expect((await t.tokenStore.get(expired.key))?.expiresAt).toBe(clock.now() + 2 * HOUR);
    // The failed one keeps its old token, served while it is valid.
    expect(await failing.getToken()).toBe(`${failing.key}#old`);
    expect((await t.tokenStore.get(tokenKeys.accessToken("wxdisabled00000001")))?.value).toBe(
      `${tokenKeys.accessToken("wxdisabled00000001")}#old`,
    );
  });

  it("refreshes the platform's token while a ticket is there, before the accounts' tokens", async () => {
    const clock = new ManualClock(start);
    const t = await refresherOver(clock);
    const key = tokenKeys.componentAccessToken("wxcomponent00000001");
    await t.stored(key, MINUTE);
    // No platform configured (or the sandbox not up yet): nothing to refresh it with.
    expect(await t.refresher.run()).toEqual({ refreshed: 0, failed: 0, skipped: 1 });

    const component = new ScriptedPlatformCredential(key, t.tokenStore, clock);
    t.platform.credential = component;
    t.platform.ticket = undefined;
    expect(await t.refresher.run()).toEqual({ refreshed: 0, failed: 0, skipped: 1 });
    expect(component.fetches).toBe(0);

    t.platform.ticket = "ticket@@@2";
    const account = t.account("wxauthorizer000001");
    await t.stored(account.key, -MINUTE); // due sooner than the platform's, refreshed after it
    component.hold = gate();
    const running = t.refresher.run();
    await component.started.promise;
    await new Promise((resolve) => setImmediate(resolve));
    expect(account.fetches).toBe(0);
    component.hold.open();
    expect(await running).toEqual({ refreshed: 2, failed: 0, skipped: 0 });
    expect([component.fetches, account.fetches]).toEqual([1, 1]);
  });

  it("joins a refresh in flight: 50 callers and a run make one fetch", async () => {
    const clock = new ManualClock(start);
    const t = await refresherOver(clock);
    const credential = t.account("wxbusy000000000001");
    await t.stored(credential.key, MINUTE);
    credential.hold = gate();
    const running = t.refresher.run();
    await credential.started.promise;
    const callers = Promise.all(Array.from({ length: 50 }, () => credential.getToken()));
    credential.hold.open();
    const values = new Set(await callers);
    expect(await running).toEqual({ refreshed: 1, failed: 0, skipped: 0 });
    expect(values).toEqual(new Set([`${credential.key}#1`]));
    expect(credential.fetches).toBe(1);
  });

  it("runs asked for together one after the other: the second finds nothing due", async () => {
    const clock = new ManualClock(start);
    const t = await refresherOver(clock);
    const credential = t.account("wxtwice00000000001");
    await t.stored(credential.key, MINUTE);
    const [first, second] = await Promise.all([t.refresher.run(), t.refresher.run()]);
    expect(first).toEqual({ refreshed: 1, failed: 0, skipped: 0 });
    expect(second).toEqual({ refreshed: 0, failed: 0, skipped: 0 });
    expect(await t.refresher.run()).toEqual({ refreshed: 0, failed: 0, skipped: 0 });
    expect(credential.fetches).toBe(1);
  });
});

describe("the token refresher's timer", () => {
  it("runs at start and at each interval, skips a tick while a run is still going, and stops", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const clock = new ManualClock(start);
    const t = await refresherOver(clock);
    const credential = t.account("wxslow000000000001");
    await t.stored(credential.key, MINUTE);
    credential.hold = gate();
    const runs = vi.spyOn(t.refresher, "run");
    t.refresher.start(60_000);
    expect(t.refresher.scheduled).toBe(true);
    expect(runs).toHaveBeenCalledTimes(1);
    await credential.started.promise;
    // The first run waits for its source: the ticks meanwhile are skipped, not queued.
    await vi.advanceTimersByTimeAsync(3 * 60_000);
    expect(runs).toHaveBeenCalledTimes(1);
    credential.hold.open();
    expect(await runs.mock.results[0]!.value).toEqual({ refreshed: 1, failed: 0, skipped: 0 });

    clock.advance(2 * HOUR - 2 * MINUTE);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(runs).toHaveBeenCalledTimes(2);
    expect(await runs.mock.results[1]!.value).toEqual({ refreshed: 1, failed: 0, skipped: 0 });
    expect(credential.fetches).toBe(2);

    await t.refresher.stop();
    expect(t.refresher.scheduled).toBe(false);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(runs).toHaveBeenCalledTimes(2);
  });

  it("stop waits for the run in progress", async () => {
    const clock = new ManualClock(start);
    const t = await refresherOver(clock);
    const credential = t.account("wxstop000000000001");
    await t.stored(credential.key, MINUTE);
    credential.hold = gate();
    t.refresher.start(60_000);
    await credential.started.promise;
    let stopped = false;
    const stopping = t.refresher.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    credential.hold.open();
    await stopping;
    expect(stopped).toBe(true);
    expect((await t.tokenStore.get(credential.key))?.value).toBe(`${credential.key}#1`);
  });

  it("never keeps the process alive by itself", async () => {
    const clock = new ManualClock(start);
    const t = await refresherOver(clock);
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const before = timers();
    t.refresher.start(60_000);
    expect(timers()).toBe(before);
    await t.refresher.stop();
  });
});
