import { mkdir, mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startEmulator, type TestEmulator } from "../../test/support.js";
import { IdGenerator } from "../ids.js";
import { readSnapshotFile, snapshotText } from "./snapshot.js";
import { SnapshotSaver } from "./snapshot-saver.js";
import { World } from "./world.js";

const DELAY = 500;
let dir: string;
const closers: (() => Promise<void>)[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wxgate-saver-"));
});
afterEach(async () => {
  vi.useRealTimers();
  for (const close of closers.splice(0)) await close();
  await rm(dir, { recursive: true, force: true });
});

/** A world whose every change is a new `nextFaultId`, saved to `dir/world.json`. */
function savedWorld(options: { loadedFromFile?: boolean } = {}) {
  const world = new World();
  const ids = new IdGenerator("saver");
  const file = join(dir, "world.json");
  const saver = new SnapshotSaver({
    file,
    world,
    text: () => snapshotText(world, ids, 0),
    delayMs: DELAY,
    loadedFromFile: options.loadedFromFile ?? true,
  });
  closers.push(() => saver.close());
  const change = (value: number) => {
    world.state.nextFaultId = value;
    world.markChanged();
  };
  const inFile = async () => (await readSnapshotFile(file))?.world.nextFaultId;
  return { world, saver, file, change, inFile };
}

describe("SnapshotSaver", () => {
  it("gathers a burst of changes into one write after the delay: whole, flushed, mode 0600, no temp file left", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const { saver, file, change, inFile } = savedWorld();
    for (let i = 1; i <= 5000; i++) change(i);
    vi.advanceTimersByTime(DELAY - 1);
    expect(saver.writes).toBe(0);
    expect(saver.saved).toBe(false);
    expect(await inFile()).toBeUndefined();

    const saved = saver.whenSaved();
    vi.advanceTimersByTime(1);
    await saved;
    expect(saver.writes).toBe(1);
    expect(await inFile()).toBe(5000);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(["world.json"]);
  });

  it("puts changes made during a write into the next one; close writes what is left, once", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const { saver, change, inFile } = savedWorld();
    change(1);
    // The text is taken when the write starts: a change after that waits for the next write.
    const first = saver.flush();
    change(2);
    await first;
    expect(await inFile()).toBe(1);
    expect(saver.saved).toBe(false);

    const next = saver.whenSaved();
    vi.advanceTimersByTime(DELAY);
    await next;
    expect(await inFile()).toBe(2);
    expect(saver.writes).toBe(2);

    await saver.flush();
    expect(saver.writes).toBe(2);
    change(3);
    await saver.close();
    expect(await inFile()).toBe(3);
    expect(saver.writes).toBe(3);
    // Closed: later changes arm nothing.
    change(4);
    expect(vi.getTimerCount()).toBe(0);
    expect(saver.saved).toBe(false);
  });

  it("writes a world that was built rather than loaded without waiting for a change", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const { saver, inFile } = savedWorld({ loadedFromFile: false });
    const saved = saver.whenSaved();
    vi.advanceTimersByTime(DELAY);
    await saved;
    expect(await inFile()).toBe(1);
  });

  it("reports a failed background write and writes with the next change", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const world = new World();
    const ids = new IdGenerator("saver");
    const folder = join(dir, "not-yet");
    let reported = (_error: unknown) => {};
    const failed = new Promise<unknown>((resolve) => {
      reported = resolve;
    });
    const saver = new SnapshotSaver({
      file: join(folder, "world.json"),
      world,
      text: () => snapshotText(world, ids, 0),
      delayMs: DELAY,
      loadedFromFile: true,
      onError: (error) => reported(error),
    });
    closers.push(() => saver.close());
    world.markChanged();
    vi.advanceTimersByTime(DELAY);
    expect(await failed).toMatchObject({ code: "ENOENT" });
    expect(saver.saved).toBe(false);

    await mkdir(folder);
    world.markChanged();
    const saved = saver.whenSaved();
    vi.advanceTimersByTime(DELAY);
    await saved;
    expect(await readdir(folder)).toEqual(["world.json"]);
  });
});

describe("an emulator with a snapshot file", () => {
  const running: TestEmulator[] = [];
  afterEach(async () => {
    for (const emu of running.splice(0)) await emu.close();
  });

  it("comes back from its file with every change after being stopped without closing", async () => {
    const file = join(dir, "sandbox.json");
    const first = await startEmulator({
      snapshotFile: file,
      preset: "demo",
      seed: "crash",
      snapshotDelayMs: 20,
    });
    running.push(first);
    const demo = Object.values(first.world.state.accounts)[0];
    if (!demo) throw new Error("the demo preset has no account");
    const token = await first.get("/cgi-bin/token", {
      grant_type: "client_credential",
      appid: demo.appId,
      secret: demo.secret,
    });
    // Announced after the token was issued, so the write awaited below holds both.
    const account = first.control.createAccount({ nickname: "崩溃之前" });
    await first.core.snapshots?.whenSaved();

    // As after a SIGKILL: the first never closed, the second reads what the first left on disk.
    const second = await startEmulator({ snapshotFile: file, seed: "ignored" });
    running.unshift(second);
    expect(second.world.account(account.appId)?.nickname).toBe("崩溃之前");
    const whoami = await second.get("/cgi-bin/test/whoami", {
      access_token: String(token.body.access_token),
    });
    expect(whoami.body).toMatchObject({ errcode: 0, appid: demo.appId });
    expect(JSON.parse(await readFile(file, "utf8")).seed).toBe("crash");
  });
});
