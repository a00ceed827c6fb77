import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Gateway, push, seal, startGateway, textXml } from "./callbacks-helpers.js";

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

/** Every file in the data folder with its mode, in octal. */
function fileModes(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((name) => [name, modeOf(join(dir, name))]));
}

const ownerOnly = {
  "master.key": "600",
  "wxgate.db": "600",
  "wxgate.db-wal": "600",
  "wxgate.db-shm": "600",
};

describe("the data folder", () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function start(dataDir: string): Promise<Gateway> {
    const gateway = await startGateway({ env: { WXGATE_DATA_DIR: dataDir } });
    cleanups.push(() => gateway.close());
    return gateway;
  }

  /** A follower's message through the callback URL: recorded in the events table, so in the log. */
  async function pushMessage(gateway: Gateway, content: string): Promise<void> {
    const seconds = Math.floor(gateway.server.clock.now() / 1000);
    const response = await push(gateway, seal(gateway, textXml(content, seconds), "safe"));
    expect(await response.text()).toBe("success");
  }

  function freshDataDir(): string {
    const root = mkdtempSync(join(tmpdir(), "wxgate-files-"));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    return join(root, "data");
  }

  it("is created owner-only, and every file in it, the SQLite log included, is 0600", async () => {
    const dataDir = freshDataDir();
    const gateway = await start(dataDir);
    await pushMessage(gateway, "personal data");
    const recorded = await gateway.server.store.db.selectFrom("events").select("id").execute();
    expect(recorded).toHaveLength(1);

    expect(modeOf(dataDir)).toBe("700");
    expect(fileModes(dataDir)).toEqual(ownerOnly);
    expect(statSync(join(dataDir, "wxgate.db-wal")).size).toBeGreaterThan(0);
  });

  it("tightens a folder and a database left open to others by an earlier start, with a warning", async () => {
    const dataDir = freshDataDir();
    const first = await start(dataDir);
    await pushMessage(first, "before");
    await first.close();
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, "wxgate.db"), 0o644);

    const second = await start(dataDir);
    await pushMessage(second, "after");
    expect(modeOf(dataDir)).toBe("700");
    expect(fileModes(dataDir)).toEqual(ownerOnly);
    const warnings = second.server.logLines
      .map((line) => JSON.parse(line) as { level: number; msg: string; path?: string; files?: unknown })
      .filter((entry) => entry.level === 40);
    expect(warnings).toEqual([
      expect.objectContaining({
        msg: "the data folder was open to other users; it is now owner-only",
        path: dataDir,
      }),
      expect.objectContaining({
        msg: "database files were readable by other users; they are now owner-only",
        files: [{ path: join(dataDir, "wxgate.db"), mode: "644" }],
      }),
    ]);
    expect(await second.server.store.db.selectFrom("events").select("id").execute()).toHaveLength(2);
  });
});
