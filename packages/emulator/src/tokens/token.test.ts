import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEmulator, type RunningEmulator } from "../app.js";
import { ControllableClock } from "../clock.js";
import type { Account } from "../world/types.js";

let emu: RunningEmulator;
let clock: ControllableClock;
let account: Account;

async function getToken(query: Record<string, string>): Promise<Record<string, unknown>> {
  const url = new URL("/cgi-bin/token", emu.baseUrls.api);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const res = await fetch(url);
  return (await res.json()) as Record<string, unknown>;
}

function credentials(): Record<string, string> {
  return { grant_type: "client_credential", appid: account.appId, secret: account.secret };
}

async function callWith(token: string): Promise<Record<string, unknown>> {
  // /cgi-bin/get_api_domain_ip is not emulated yet; the token machinery is reached through a probe route.
  const res = await fetch(`${emu.baseUrls.api}/__probe?access_token=${encodeURIComponent(token)}`);
  return (await res.json()) as Record<string, unknown>;
}

beforeEach(async () => {
  clock = new ControllableClock({ start: Date.UTC(2024, 0, 1, 4), frozen: true });
  emu = await createEmulator({ clock, seed: "token-tests", limits: { "/cgi-bin/token": 5 } });
  account = emu.control.createAccount({ kind: "service" });
});
afterEach(async () => {
  await emu.close();
});

describe("GET /cgi-bin/token", () => {
  it("issues a token of WeChat's shape", async () => {
    const body = await getToken(credentials());
    expect(body.expires_in).toBe(7200);
    expect(typeof body.access_token).toBe("string");
    const token = body.access_token as string;
    expect(token.length).toBeGreaterThanOrEqual(100);
    expect(token.length).toBeLessThanOrEqual(512);
  });
});
