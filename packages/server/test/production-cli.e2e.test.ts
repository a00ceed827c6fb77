import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildXml, sealPush } from "@wxgate/wechat";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { buildCli, type CliProcess, runCli } from "./support/cli.js";

/**
 * `wxgate start` in production mode as an operator runs it: a child process configured by the
 * environment or by `--config`. The machine is offline: every name lookup of the child is
 * answered "no such name" by support/offline-lookups.mjs (which also writes the name down), so
 * the test sees which WeChat host the server calls and no request leaves the machine.
 */

const OFFLINE_LOOKUPS = resolve(dirname(fileURLToPath(import.meta.url)), "support/offline-lookups.mjs");

const PLATFORM = {
  appId: "wx0123456789abcdef",
  secret: "0123456789abcdef0123456789abcdef",
  token: "platformtoken",
  encodingAESKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
};

let cli: string;
const dirs: string[] = [];
const running: CliProcess[] = [];

beforeAll(async () => {
  cli = await buildCli();
});
afterEach(() => {
  for (const p of running.splice(0))
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  if (cli) rmSync(dirname(cli), { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "wxgate-production-e2e-"));
  dirs.push(dir);
  return dir;
}

/** The environment of an offline child process whose name lookups are written to `lookupLog`. */
function offline(lookupLog: string): Record<string, string> {
  return { NODE_OPTIONS: `--import=${OFFLINE_LOOKUPS}`, OFFLINE_LOOKUP_LOG: lookupLog };
}

/** The names the child tried to resolve, in order. */
function lookups(lookupLog: string): string[] {
  return existsSync(lookupLog) ? readFileSync(lookupLog, "utf8").split("\n").filter(Boolean) : [];
}

/** Starts `wxgate start` with `args` and waits for its banner. */
async function start(env: Record<string, string>, args: string[] = []) {
  const server = runCli(cli, ["start", ...args], env);
  running.push(server);
  await server.waitFor("Press Ctrl+C to stop.");
  const banner = server.stdout();
  const url = /URL\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1];
  if (!url) throw new Error(`no URL in the banner:\n${banner}`);
  return { server, url, banner };
}

/** Signs in over HTTP; the session cookie and CSRF token when it worked. */
async function signIn(url: string, username: string, password: string) {
  const response = await fetch(`${url}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  const body = (await response.json()) as { csrfToken?: string; error?: { code: string } };
  const cookie = response.headers.getSetCookie()[0]?.split(";")[0] ?? "";
  return { status: response.status, body, session: { cookie, "x-csrf-token": body.csrfToken ?? "" } };
}

/** A push to the platform's authorization-event URL, sealed as WeChat seals it. */
function platformPush(xml: string, credentials: { token: string; encodingAESKey: string }) {
  const sealed = sealPush(xml, {
    token: credentials.token,
    appId: PLATFORM.appId,
    encodingAESKey: credentials.encodingAESKey,
    mode: "safe",
  });
  return { path: `/wechat/component?${new URLSearchParams(sealed.query)}`, body: sealed.body };
}

function ticketXml(ticket: string): string {
  return buildXml({
    AppId: PLATFORM.appId,
    CreateTime: Math.floor(Date.now() / 1000),
    InfoType: "component_verify_ticket",
    ComponentVerifyTicket: ticket,
  });
}

describe("wxgate start in production mode (end to end, offline)", () => {
  it("mounts no sandbox, says production, opens WeChat's pushes with the four component settings and calls WeChat's own host, never the network", async () => {
    const lookupLog = join(tempDir(), "lookups.txt");
    const { server, url, banner } = await start({
      WXGATE_DATA_DIR: tempDir(),
      WXGATE_PORT: "0",
      WXGATE_MODE: "production",
      WXGATE_COMPONENT_APPID: PLATFORM.appId,
      WXGATE_COMPONENT_SECRET: PLATFORM.secret,
      WXGATE_COMPONENT_TOKEN: PLATFORM.token,
      WXGATE_COMPONENT_ENCODING_AES_KEY: PLATFORM.encodingAESKey,
      WXGATE_LOG_LEVEL: "debug",
      ...offline(lookupLog),
    });
    expect(banner).toMatch(/^ {2}mode {8}production$/m);
    expect(banner).not.toContain("/sandbox");
    expect(banner).not.toContain("emulator");

    // No sandbox: neither WeChat's paths nor the emulator's control API are served.
    for (const path of [
      "/sandbox/__emulator/summary",
      "/sandbox/cgi-bin/token?grant_type=client_credential",
    ]) {
      expect((await fetch(`${url}${path}`)).status, path).toBe(404);
    }
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    // Starting called nobody: WeChat pushes the first ticket on its own schedule.
    expect(lookups(lookupLog)).toEqual([]);

    const password = /^\s+password\s+(\S+)$/m.exec(banner)?.[1] ?? "";
    const { status, session } = await signIn(url, "admin", password);
    expect(status).toBe(200);
    const authorize = () =>
      fetch(`${url}/api/v1/authorizations`, {
        method: "POST",
        headers: { ...session, "content-type": "application/json" },
        body: "{}",
      });

    // Without a ticket, an authorization link is refused before anything is sent to WeChat.
    const early = await authorize();
    expect(early.status).toBe(503);
    expect(((await early.json()) as { error: { code: string } }).error.code).toBe("component_ticket_missing");
    expect(lookups(lookupLog)).toEqual([]);

    // A ticket sealed with another token is refused; sealed with the configured four, taken.
    const forged = platformPush(ticketXml("ticket@forged"), {
      token: "anothertoken",
      encodingAESKey: PLATFORM.encodingAESKey,
    });
    const refused = await fetch(`${url}${forged.path}`, { method: "POST", body: forged.body });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("signature_invalid");
    const genuine = platformPush(ticketXml("ticket@production-e2e"), PLATFORM);
    const taken = await fetch(`${url}${genuine.path}`, { method: "POST", body: genuine.body });
    expect(taken.status).toBe(200);
    expect(await taken.text()).toBe("success");

    // Now the link needs the platform's token from WeChat: the server reaches for
    // api.weixin.qq.com itself, the offline lookup says no, and the client is told WeChat
    // could not be reached.
    const link = await authorize();
    expect(link.status).toBe(502);
    expect(((await link.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: "network_error",
      message: "WeChat could not be reached for /cgi-bin/component/api_component_token",
    });
    const names = lookups(lookupLog);
    expect(names.length).toBeGreaterThan(0);
    expect(new Set(names)).toEqual(new Set(["api.weixin.qq.com"]));

    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    expect(server.stdout()).not.toContain(PLATFORM.secret);
    expect(server.stdout()).not.toContain("ticket@production-e2e");
  });
});

describe("wxgate --config and admin create (end to end)", () => {
  it("reads a JSON settings file (the environment wins over it), and `admin create -u` prints a generated password that signs in over HTTP", async () => {
    const dir = tempDir();
    const lookupLog = join(dir, "lookups.txt");
    const configFile = join(dir, "wxgate.json");
    writeFileSync(
      configFile,
      JSON.stringify({
        mode: "production",
        componentAppId: PLATFORM.appId,
        componentSecret: PLATFORM.secret,
        componentToken: PLATFORM.token,
        componentEncodingAESKey: PLATFORM.encodingAESKey,
        dataDir: join(dir, "data"),
        databaseUrl: `sqlite:${join(dir, "from-the-file.db")}`,
        port: 0,
      }),
    );

    const created = runCli(cli, ["admin", "create", "-u", "ops", "--config", configFile], offline(lookupLog));
    expect(await created.exited).toBe(0);
    expect(created.stdout()).toContain("created the administrator ops");
    const password = /^\s+password\s+(\S+)$/m.exec(created.stdout())?.[1];
    expect(password).toMatch(/^\S{16,}$/);
    expect(existsSync(join(dir, "from-the-file.db"))).toBe(true);

    const { server, url, banner } = await start(offline(lookupLog), ["--config", configFile]);
    expect(banner).toMatch(/^ {2}mode {8}production$/m);
    expect(banner).toContain(`data        SQLite ${join(dir, "from-the-file.db")}`);
    // The administrator made by the CLI is the first: no other is created or printed.
    expect(banner).not.toContain("First start");
    expect((await fetch(`${url}/sandbox/__emulator/summary`)).status).toBe(404);

    const signedIn = await signIn(url, "ops", password ?? "");
    expect(signedIn.status).toBe(200);
    const whoami = await fetch(`${url}/api/v1/whoami`, { headers: { cookie: signedIn.session.cookie } });
    expect(await whoami.json()).toMatchObject({ kind: "session", name: "ops", scopes: ["admin"] });
    const wrong = await signIn(url, "ops", `${password}x`);
    expect(wrong.status).toBe(401);
    expect(wrong.body.error?.code).toBe("invalid_credentials");
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);

    // The environment wins over the file: another database, where `ops` does not exist.
    const other = await start(
      { ...offline(lookupLog), WXGATE_DATABASE_URL: `sqlite:${join(dir, "from-the-environment.db")}` },
      ["--config", configFile],
    );
    expect(other.banner).toContain(`data        SQLite ${join(dir, "from-the-environment.db")}`);
    expect(other.banner).toContain("First start");
    expect((await signIn(other.url, "ops", password ?? "")).status).toBe(401);
    other.server.child.kill("SIGTERM");
    expect(await other.server.exited).toBe(0);
    expect(lookups(lookupLog)).toEqual([]);
  });

  it("lists a settings file's problems with the file's name and exits with code 2", async () => {
    const dir = tempDir();
    const configFile = join(dir, "broken.json");
    writeFileSync(configFile, JSON.stringify({ port: "eighty", mode: "production", colour: "blue" }));
    const refused = runCli(cli, ["start", "--config", configFile], { WXGATE_DATA_DIR: dir });
    running.push(refused);
    expect(await refused.exited).toBe(2);
    const stderr = refused.stderr();
    expect(stderr).toContain(`${configFile}: unknown setting "colour"`);
    expect(stderr).toContain("WXGATE_PORT");
    expect(stderr).toContain("WXGATE_MODE=production needs WXGATE_COMPONENT_APPID");
    expect(refused.stdout()).not.toContain("Press Ctrl+C to stop.");
  });
});
