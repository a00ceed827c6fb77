import { mkdtempSync, rmSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli, type CliProcess, runCli } from "./support/cli.js";

let cli: string;
const dirs: string[] = [];
const running: CliProcess[] = [];

beforeAll(async () => {
  cli = await buildCli();
});
afterAll(() => {
  for (const p of running) if (p.child.exitCode === null) p.child.kill("SIGKILL");
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  if (cli) rmSync(dirname(cli), { recursive: true, force: true });
});

function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "wxgate-e2e-"));
  dirs.push(dir);
  return dir;
}

describe("wxgate start (end to end)", () => {
  it("starts, signs in with the printed password, creates and uses an API key, never logs a secret, stops cleanly", async () => {
    const dataDir = tempDataDir();
    const server = runCli(cli, ["start"], {
      WXGATE_DATA_DIR: dataDir,
      WXGATE_PORT: "0",
      WXGATE_LOG_LEVEL: "debug",
    });
    running.push(server);
    await server.waitFor("Press Ctrl+C to stop.");
    const banner = server.stdout();
    const url = /URL\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1];
    const password = /^\s+password\s+(\S+)$/m.exec(banner)?.[1];
    expect(url).toBeDefined();
    expect(password).toBeDefined();
    expect(banner).toContain("mode        sandbox");

    const health = await fetch(`${url}/healthz`);
    expect(await health.json()).toEqual({ status: "ok" });

    const login = await fetch(`${url}/api/v1/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password }),
    });
    expect(login.status).toBe(200);
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const cookie = login.headers.getSetCookie()[0]!.split(";")[0]!;
    expect(cookie).toMatch(/^wxgate_session=/);

    const created = await fetch(`${url}/api/v1/api-keys`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie, "x-csrf-token": csrfToken },
      body: JSON.stringify({ name: "e2e", scopes: ["admin"] }),
    });
    expect(created.status).toBe(201);
    const { key } = (await created.json()) as { key: string };

    const listed = await fetch(`${url}/api/v1/api-keys`, { headers: { authorization: `Bearer ${key}` } });
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as { items: Array<{ name: string }> };
    expect(body.items.map((k) => k.name)).toEqual(["e2e"]);

    const denied = await fetch(`${url}/api/v1/api-keys`, { headers: { authorization: "Bearer wxg_wrong" } });
    expect(denied.status).toBe(401);

    // The sandbox answers in WeChat's shape under /sandbox; the query secret must not be logged.
    const sandbox = await fetch(
      `${url}/sandbox/cgi-bin/token?grant_type=client_credential&appid=wx0000000000000000&secret=SANDBOXSECRETvalue123`,
    );
    const wechat = (await sandbox.json()) as { errcode?: number };
    expect(typeof wechat.errcode).toBe("number");

    const docs = await fetch(`${url}/api/v1/docs`);
    expect(await docs.text()).toContain("swagger-ui-bundle.js");
    const described = await fetch(`${url}/api/v1/docs/json`);
    expect(await described.text()).toContain("/api/v1/api-keys");

    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);

    const logs = server
      .stdout()
      .split("\n")
      .filter((line) => line.startsWith("{"));
    expect(logs.length).toBeGreaterThan(5);
    const logText = logs.join("\n");
    expect(logText).toContain("API key created");
    for (const secret of [password!, key, cookie.split("=")[1]!, csrfToken, "SANDBOXSECRETvalue123"]) {
      expect(logText).not.toContain(secret);
    }

    // A second start finds the admin and the key file: no new password is printed.
    const again = runCli(cli, ["start"], { WXGATE_DATA_DIR: dataDir, WXGATE_PORT: "0" });
    running.push(again);
    await again.waitFor("Press Ctrl+C to stop.");
    expect(again.stdout()).not.toContain("First start");
    expect(again.stdout()).toContain("master key from key file");
    again.child.kill("SIGINT");
    expect(await again.exited).toBe(0);
  });

  it("a first start that cannot listen makes no administrator, so the next start still shows the password", async () => {
    const dataDir = tempDataDir();
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = String((taken.address() as AddressInfo).port);
    try {
      const refused = runCli(cli, ["start"], { WXGATE_DATA_DIR: dataDir, WXGATE_PORT: port });
      running.push(refused);
      expect(await refused.exited).toBe(1);
      expect(refused.stderr()).toContain("EADDRINUSE");
      expect(refused.stdout()).not.toContain("First start");
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
    const started = runCli(cli, ["start"], { WXGATE_DATA_DIR: dataDir, WXGATE_PORT: "0" });
    running.push(started);
    await started.waitFor("Press Ctrl+C to stop.");
    expect(started.stdout()).toContain("First start");
    const password = /^\s+password\s+(\S+)$/m.exec(started.stdout())?.[1];
    const url = /URL\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(started.stdout())?.[1];
    const login = await fetch(`${url}/api/v1/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password }),
    });
    expect(login.status).toBe(200);
    started.child.kill("SIGTERM");
    expect(await started.exited).toBe(0);
  });

  it("lists every configuration problem and exits with code 2", async () => {
    const result = runCli(cli, ["start"], {
      WXGATE_DATA_DIR: tempDataDir(),
      WXGATE_PORT: "eighty",
      WXGATE_MODE: "staging",
      WXGATE_MASTER_KEY: "dG9vLXNob3J0",
    });
    expect(await result.exited).toBe(2);
    const stderr = result.stderr();
    expect(stderr).toContain("3 problem(s)");
    expect(stderr).toContain("WXGATE_PORT");
    expect(stderr).toContain("WXGATE_MODE");
    expect(stderr).toContain("WXGATE_MASTER_KEY");
    expect(stderr).not.toContain("dG9vLXNob3J0");
  });
});

describe("wxgate migrate and admin create, list, reset-password, disable", () => {
  it("migrates once, creates an admin from stdin and refuses a duplicate, lists admins and resets a password", async () => {
    const env = { WXGATE_DATA_DIR: tempDataDir() };
    const first = runCli(cli, ["migrate"], env);
    expect(await first.exited).toBe(0);
    expect(first.stdout()).toContain("applied 0001_foundation");
    const second = runCli(cli, ["migrate"], env);
    expect(await second.exited).toBe(0);
    expect(second.stdout()).toContain("up to date");

    const created = runCli(
      cli,
      ["admin", "create", "--username", "ops", "--password-stdin"],
      env,
      "a long enough password\n",
    );
    expect(await created.exited).toBe(0);
    expect(created.stdout()).toContain("created the administrator ops");
    expect(created.stdout()).not.toContain("a long enough password");
    const duplicate = runCli(cli, ["admin", "create", "--username", "ops"], env);
    expect(await duplicate.exited).toBe(1);
    expect(duplicate.stderr()).toContain("already exists");

    const listed = runCli(cli, ["admin", "list"], env);
    expect(await listed.exited).toBe(0);
    expect(listed.stdout()).toMatch(/^USERNAME\s+ROLE\s+CREATED\s+LAST SIGN-IN\s+FROZEN UNTIL\s+DISABLED$/m);
    expect(listed.stdout()).toMatch(/^ops\s+owner\s+\d{4}-\d{2}-\d{2}T\S+Z\s+—\s+—\s+—$/m);
    expect(listed.stdout()).toContain("1 administrator\n");

    const reset = runCli(cli, ["admin", "reset-password", "--username", "OPS"], env);
    expect(await reset.exited).toBe(0);
    expect(reset.stdout()).toContain("a new password for ops; 0 sessions ended");
    const generated = /^\s+password\s+(\S+)$/m.exec(reset.stdout())?.[1] ?? "";
    expect(generated.length).toBeGreaterThanOrEqual(16);
    const unknown = runCli(cli, ["admin", "reset-password", "--username", "nobody"], env);
    expect(await unknown.exited).toBe(1);
    expect(unknown.stderr()).toContain("no administrator is called nobody");

    // The first user owns the platform: never disabled; another is, and enabled again.
    expect(await runCli(cli, ["admin", "create", "--username", "ops2"], env).exited).toBe(0);
    const owner = runCli(cli, ["admin", "disable", "--username", "ops"], env);
    expect(await owner.exited).toBe(1);
    expect(owner.stderr()).toContain("the owner's role and access cannot change");
    const disabled = runCli(cli, ["admin", "disable", "--username", "ops2"], env);
    expect(await disabled.exited).toBe(0);
    expect(disabled.stdout()).toContain("disabled ops2; 0 sessions ended");
    const listedAgain = runCli(cli, ["admin", "list"], env);
    expect(await listedAgain.exited).toBe(0);
    expect(listedAgain.stdout()).toMatch(/^ops2\s+admin\s+\S+Z\s+—\s+—\s+\d{4}-\d{2}-\d{2}T\S+Z$/m);
    const enabled = runCli(cli, ["admin", "disable", "--username", "ops2", "--enable"], env);
    expect(await enabled.exited).toBe(0);
    expect(enabled.stdout()).toContain("ops2 may sign in again");
  });

  it("prints help for each command", async () => {
    for (const command of [
      ["start"],
      ["migrate"],
      ["admin", "create"],
      ["admin", "list"],
      ["admin", "reset-password"],
      ["admin", "disable"],
      ["emulator"],
    ]) {
      const help = runCli(cli, [...command, "--help"], {});
      expect(await help.exited).toBe(0);
      expect(help.stdout()).toContain(`Usage: wxgate ${command.join(" ")}`);
    }
  });
});
