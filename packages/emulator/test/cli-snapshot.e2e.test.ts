import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * `wxgate-emulator --snapshot <file>` (this package's command) in a child process: the world
 * is written to the file while the emulator runs and when it stops, and a second start loads it.
 */

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repoDir = resolve(packageDir, "../..");

let cli: string;
const dirs: string[] = [];
const running: ChildProcess[] = [];

beforeAll(async () => {
  // src/cli.ts with the workspace packages from source; npm dependencies load from node_modules.
  const outDir = join(packageDir, "node_modules", ".cache", `wxgate-emulator-e2e-${process.pid}`);
  mkdirSync(outDir, { recursive: true });
  cli = join(outDir, "cli.mjs");
  await build({
    entryPoints: [join(packageDir, "src/cli.ts")],
    outfile: cli,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "warning",
    plugins: [
      {
        name: "workspace-sources",
        setup(builder) {
          builder.onResolve({ filter: /^@wxgate\/[a-z-]+$/ }, (args) => ({
            path: join(repoDir, "packages", args.path.slice("@wxgate/".length), "src/index.ts"),
          }));
        },
      },
    ],
  });
});
afterAll(() => {
  for (const child of running)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  if (cli) rmSync(dirname(cli), { recursive: true, force: true });
});

/** Starts the emulator and waits for its banner; its control API's URL and output. */
async function startEmulator(args: string[]) {
  const child = spawn(process.execPath, [cli, "--port", "0", ...args], {
    env: { PATH: process.env["PATH"] ?? "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.push(child);
  let out = "";
  let err = "";
  child.stderr.on("data", (chunk: Buffer) => {
    err += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  const control = await new Promise<string>((done, fail) => {
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const url = /control API\s+→ (http:\/\/127\.0\.0\.1:\d+\/__emulator)\n/.exec(out)?.[1];
      if (url) done(url);
    });
    void exited.then((code) => fail(new Error(`the emulator exited (${code}):\n${out}\n${err}`)));
  });
  return { child, control, exited, output: () => out };
}

async function json<T>(url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method: body === undefined ? "GET" : "POST",
    ...(body === undefined
      ? {}
      : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Polls `probe` until it holds; bounded, and never a statement about speed. */
async function eventually(what: string, probe: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 1000; attempt++) {
    if (probe()) return;
    await new Promise((done) => setTimeout(done, 20));
  }
  throw new Error(`gave up waiting for ${what}`);
}

interface SnapshotFile {
  seed: string;
  clockNow: number;
  world: { tags: Record<string, { items: Record<string, { name: string }> }> };
}

function readSnapshot(file: string): SnapshotFile | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")) as SnapshotFile;
}

function tagNames(snapshot: SnapshotFile | undefined, appId: string): string[] {
  return Object.values(snapshot?.world.tags[appId]?.items ?? {}).map((tag) => tag.name);
}

describe("wxgate-emulator --snapshot (end to end)", () => {
  it("writes the world while it runs and when it stops (0600), and a second start loads it, seed and clock included", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wxgate-emulator-e2e-"));
    dirs.push(dir);
    const file = join(dir, "world.json");

    const first = await startEmulator(["--seed", "cli-e2e", "--snapshot", file]);
    expect(first.output()).toContain("seed               : cli-e2e");
    const summary = await json<{ accounts: { appId: string; kind: string; verifyType: number }[] }>(
      `${first.control}/summary`,
    );
    const service = summary.accounts.find((a) => a.kind === "service" && a.verifyType === 0);
    if (!service) throw new Error("the demo world has no verified service account");

    await json(`${first.control}/accounts/${service.appId}/tags`, { names: ["vip"] });
    const { now: advanced } = await json<{ now: number }>(`${first.control}/clock/advance`, {
      ms: 3 * 24 * 3_600_000,
    });
    // Written while running: the change reaches the file without the emulator stopping.
    await eventually("the tag in the snapshot file", () =>
      tagNames(readSnapshot(file), service.appId).includes("vip"),
    );
    expect(first.child.exitCode).toBeNull();

    // Written on stop: a change just before SIGTERM is in the file once the process exits 0.
    await json(`${first.control}/accounts/${service.appId}/tags`, { names: ["late"] });
    const before = await json<{ world: unknown }>(`${first.control}/snapshot`);
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    const saved = readSnapshot(file);
    expect(tagNames(saved, service.appId)).toEqual(expect.arrayContaining(["vip", "late"]));
    expect(saved?.seed).toBe("cli-e2e");
    expect(saved?.clockNow).toBeGreaterThanOrEqual(advanced);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    // Loaded: another --seed gives way to the file's, and the world is the one that was saved.
    const second = await startEmulator(["--seed", "another-seed", "--snapshot", file]);
    expect(second.output()).toContain("seed               : cli-e2e");
    const loaded = await json<{ world: unknown }>(`${second.control}/snapshot`);
    expect(loaded.world).toEqual(before.world);
    const clock = await json<{ now: number }>(`${second.control}/clock`);
    expect(clock.now).toBeGreaterThanOrEqual(advanced);
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);

    // Without the file, the same seed builds the demo world afresh: no tags of ours.
    const fresh = await startEmulator(["--seed", "cli-e2e"]);
    const freshWorld = await json<{ world: SnapshotFile["world"] }>(`${fresh.control}/snapshot`);
    expect(Object.values(freshWorld.world.tags[service.appId]?.items ?? {}).map((t) => t.name)).not.toContain(
      "vip",
    );
    fresh.child.kill("SIGTERM");
    expect(await fresh.exited).toBe(0);
  });
});
