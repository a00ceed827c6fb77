import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { START, startEmulator, type TestEmulator } from "../../test/support.js";
import { ControllableClock } from "../clock.js";
import { createEmulatorCore } from "../core.js";
import { pushState } from "../push/state.js";
import { WorldConflictError } from "./factory.js";

const running: TestEmulator[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const emu of running.splice(0)) await emu.close();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function start(): Promise<TestEmulator> {
  const emu = await startEmulator();
  running.push(emu);
  return emu;
}

describe("world change announcements", () => {
  it("announces every WeChat-path call, refused ones too, to each listener with the new revision", async () => {
    const emu = await start();
    const seen: number[] = [];
    const stop = emu.world.onChange((revision) => seen.push(revision));
    const before = emu.world.revision;
    const refused = await emu.get("/cgi-bin/token", {
      grant_type: "client_credential",
      appid: "wx0000000000000000",
      secret: "nope",
    });
    expect(refused.body.errcode).toBeGreaterThan(0);
    expect(emu.world.revision).toBe(before + 1);
    expect(seen).toEqual([before + 1]);
    stop();
    await emu.get("/cgi-bin/token", { grant_type: "client_credential" });
    expect(emu.world.revision).toBe(before + 2);
    expect(seen).toEqual([before + 1]);
  });

  it("announces in-process control calls once they ran, and asynchronous ones again when they settle", async () => {
    const emu = await start();
    const before = emu.world.revision;
    const account = emu.control.createAccount({ kind: "service" });
    expect(emu.world.revision).toBe(before + 1);
    emu.control.createFollowers(account.appId, 3);
    expect(emu.world.revision).toBe(before + 2);
    // A refused call may have changed part of the world before it threw: it counts as well.
    expect(() => emu.control.createFollowers("wx_missing", 1)).toThrow(
      new WorldConflictError("no account wx_missing"),
    );
    expect(emu.world.revision).toBe(before + 3);
    const moved = emu.control.advanceClock(1);
    expect(emu.world.revision).toBe(before + 4);
    await moved;
    expect(emu.world.revision).toBe(before + 5);
  });

  it("announces control writes made over HTTP", async () => {
    const emu = await start();
    const before = emu.world.revision;
    const created = await fetch(`${emu.baseUrls.control}/accounts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ kind: "subscription" }),
    });
    expect(created.status).toBe(200);
    expect(emu.world.revision).toBeGreaterThan(before);
  });

  it("announces each run of a scheduled task, with no request or control call behind it", async () => {
    const clock = new ControllableClock({ start: START, frozen: true });
    const core = await createEmulatorCore({ clock, seed: "changes" });
    cleanups.push(async () => core.scheduler.stop());
    const runs: number[] = [];
    core.scheduler.after(1000, () => {
      runs.push(1);
    });
    core.scheduler.after(2000, () => {
      runs.push(2);
    });
    const before = core.world.revision;
    clock.advance(5000);
    await core.scheduler.flush();
    expect(runs).toEqual([1, 2]);
    expect(core.world.revision).toBe(before + 2);
  });

  it("announces a push's outcome, which lands after the request that started it was answered", async () => {
    const emu = await start();
    // The platform's server holds each push until the test answers it.
    let arrived = (_response: ServerResponse) => {};
    const held = new Promise<ServerResponse>((resolve) => {
      arrived = resolve;
    });
    const receiver = createServer((request, response) => {
      request.resume();
      arrived(response);
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    cleanups.push(async () => {
      receiver.closeAllConnections();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    });
    const platform = emu.control.createPlatform({
      authEventUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/auth`,
    });

    const asked = await emu.post("/cgi-bin/component/api_start_push_ticket", {
      component_appid: platform.componentAppId,
      component_secret: platform.secret,
    });
    expect(asked.body.errcode).toBe(0);
    const response = await held;
    expect(pushState(emu.world).log).toEqual([]);
    // The change that carries the outcome is announced as it is recorded.
    const announced = new Promise<string[]>((resolve) => {
      const stop = emu.world.onChange(() => {
        const outcomes = pushState(emu.world).log.map((attempt) => attempt.outcome);
        if (outcomes.length === 0) return;
        stop();
        resolve(outcomes);
      });
    });
    response.end("success");
    expect(await announced).toEqual(["success"]);
  });
});
