// The built server started the way `wxgate start` starts it — the CLI in its own process, on a
// fresh data folder, in sandbox mode — and driven over HTTP through the steps a new user
// follows: sign in with the first-start password, make API keys, authorize the demo service
// account on the emulator's authorization page, set its OpenID mapping, enable it.
import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os, { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";

/** No setup request waits longer than this. */
export const SETUP_TIMEOUT_MS = 30_000;

const cli = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "packages",
  "server",
  "dist",
  "cli",
  "main.js",
);

/**
 * Starts `wxgate start` on 127.0.0.1 with a free port and a new data folder. `cpu` pins it to one
 * core with taskset (which execs node, so `pid` is the server's own). Resolves once the banner
 * has printed its URL and the first administrator's password.
 * @param {{ cpu?: number, logLevel?: string }} [options]
 */
export async function startWxgate(options = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), "wxgate-soak-"));
  // Only this run's settings: none of the caller's WXGATE_* variables leak in.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("WXGATE_")));
  Object.assign(env, {
    WXGATE_DATA_DIR: dataDir,
    WXGATE_HOST: "127.0.0.1",
    WXGATE_PORT: "0",
    WXGATE_MODE: "sandbox",
    WXGATE_LOG_LEVEL: options.logLevel ?? "info",
  });
  // BENCH_SERVER_NODE_ARGS: flags for the server's node only (e.g. `--cpu-prof --cpu-prof-dir=…` to
  // see where its time goes under load); NODE_OPTIONS would reach every process of the bench.
  const serverStdout = process.env.BENCH_SERVER_STDOUT;
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
  // The server's own V8 flags, as `npm start` gives them (without them the CLI starts again with them).
  const { SERVER_NODE_FLAGS } = await import(pathToFileURL(join(dirname(cli), "node-flags.js")).href);
  const server = [process.execPath, ...SERVER_NODE_FLAGS, ...nodeArgs, cli, "start"];
  const command = options.cpu === undefined ? server : ["taskset", "-c", String(options.cpu), ...server];
  const child = spawn(command[0], command.slice(1), { env, stdio: ["ignore", "pipe", "pipe"] });
  // Should this process end without stopping it (a crash), the server does not outlive it.
  const orphanGuard = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once("exit", orphanGuard);

  // Log lines are pino JSON on stdout; warnings and errors are kept (the first few in full).
  const log = { warnings: 0, errors: 0, samples: [], stderr: [] };
  const exited = new Promise((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const banner = new Promise((resolve, reject) => {
    const found = {};
    createInterface({ input: child.stdout }).on("line", (line) => {
      // With BENCH_SERVER_NODE_ARGS=--trace-gc, say: what node itself printed goes to that file.
      if (serverStdout && !line.startsWith("{")) appendFileSync(serverStdout, `${line}\n`);
      if (line.startsWith("{")) {
        let level = 0;
        try {
          level = JSON.parse(line).level ?? 0;
        } catch {}
        if (level >= 50) log.errors++;
        else if (level >= 40) log.warnings++;
        if (level >= 40 && log.samples.length < 10) log.samples.push(line.slice(0, 500));
        return;
      }
      const url = /^\s+URL\s+(\S+)/.exec(line);
      if (url) found.url = url[1];
      const password = /^\s+password\s+(.+)$/.exec(line);
      if (password) found.password = password[1].trim();
      if (found.url && found.password) resolve({ ...found });
    });
    createInterface({ input: child.stderr }).on("line", (line) => {
      if (log.stderr.length < 20) log.stderr.push(line.slice(0, 500));
    });
    exited.then(({ code, signal }) =>
      reject(
        new Error(`wxgate start exited (${code ?? signal}) before its banner: ${log.stderr.join(" | ")}`),
      ),
    );
  });
  const timeout = setTimeout(() => child.kill("SIGKILL"), 60_000);
  let started;
  try {
    started = await banner;
  } catch (error) {
    child.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
    process.off("exit", orphanGuard);
    throw error;
  } finally {
    clearTimeout(timeout);
  }

  return {
    pid: child.pid,
    url: started.url,
    password: started.password,
    dataDir,
    log,
    exited,
    /** Whether the process is still running. */
    alive: () => child.exitCode === null && child.signalCode === null,
    /** SIGTERM (a graceful stop), then SIGKILL after `graceMs`; removes the data folder. */
    async stop(graceMs = 30_000) {
      let forced = false;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => {
          forced = true;
          child.kill("SIGKILL");
        }, graceMs);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dataDir, { recursive: true, force: true });
      process.off("exit", orphanGuard);
      return { ...(await exited), forced };
    },
  };
}

/** Resident memory of a process in bytes (VmRSS), undefined once it is gone. */
export function rssOf(pid) {
  try {
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/** User + system CPU time of a process in seconds (all its threads), undefined once it is gone. */
export function cpuSecondsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start at ") ".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return undefined;
  }
}

/**
 * Time one core (or all of them: `core` undefined) has spent busy and waiting for I/O since boot,
 * in seconds of that core, from /proc/stat; undefined where there is no /proc.
 */
export function coreSecondsOf(core) {
  try {
    const name = core === undefined ? "cpu" : `cpu${core}`;
    const line = readFileSync("/proc/stat", "utf8")
      .split("\n")
      .find((l) => l.startsWith(`${name} `));
    if (!line) return undefined;
    // user nice system idle iowait irq softirq steal …, in clock ticks (USER_HZ = 100)
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const cores = core === undefined ? os.cpus().length : 1;
    return {
      busy: (user + nice + system + irq + softirq + steal) / 100 / cores,
      iowait: iowait / 100 / cores,
      idle: idle / 100 / cores,
    };
  } catch {
    return undefined;
  }
}

/** JSON over HTTP against one server; throws with the answer when the status is not 2xx. */
export function client(url) {
  return async function call(method, path, { body, bearer, headers = {}, expect } = {}) {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      redirect: "manual",
      signal: AbortSignal.timeout(SETUP_TIMEOUT_MS),
    });
    const text = await response.text();
    const ok = expect ? expect.includes(response.status) : response.ok;
    if (!ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
    const json = response.headers.get("content-type")?.includes("json") && text ? JSON.parse(text) : text;
    return { status: response.status, body: json, headers: response.headers };
  };
}

const unescapeHtml = (text) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

/** Polls `probe` every 100 ms until it returns a value other than undefined; gives up after `ms`. */
async function waitFor(what, probe, ms = 15_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Signs the administrator in as the console would from a new device: the sandbox answers the
 * password with a second factor, whose e-mailed code the sandbox's mailbox shows. Returns the
 * session cookie (`name=value`) and the CSRF token.
 */
export async function signIn(server) {
  const call = client(server.url);
  const credentials = { username: "admin", password: server.password };
  const first = await call("POST", "/api/v1/session", { body: credentials });
  let answer = first;
  if (first.body.secondFactor) {
    const { challenge } = first.body.secondFactor;
    const mail = await waitFor("the sign-in code in the sandbox mailbox", async () => {
      const { mails } = (await call("GET", "/api/v1/sandbox/mail")).body;
      return mails.find((m) => m.username === "admin");
    });
    answer = await call("POST", "/api/v1/session/second-factor", { body: { challenge, code: mail.code } });
  }
  const cookie =
    answer.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .find((c) => c.startsWith("wxgate_session=")) ?? "";
  if (!cookie) throw new Error("signing in set no session cookie");
  return { cookie, csrfToken: answer.body.csrfToken };
}

/**
 * The administrator's side, over HTTP: signs in, makes a setup key and a `token:read` key,
 * authorizes the sandbox's verified service account through the emulator's authorization page,
 * sets its OpenID mapping and enables it. Returns what a load needs to reach that account and
 * to seal pushes to it as WeChat does (the platform's Token and EncodingAESKey, from the
 * emulator's snapshot).
 */
export async function connectDemoAccount(server) {
  const call = client(server.url);
  const login = await signIn(server);
  const signedIn = { cookie: login.cookie, "x-csrf-token": login.csrfToken };
  const makeKey = async (name, scopes) =>
    (await call("POST", "/api/v1/api-keys", { body: { name, scopes }, headers: signedIn })).body.key;
  const adminKey = await makeKey("soak setup", ["accounts:read", "accounts:write", "webhooks:write"]);
  const readerKey = await makeKey("soak token reader", ["token:read"]);

  const summary = (await call("GET", "/sandbox/__emulator/summary")).body;
  const service = summary.accounts.find((a) => a.kind === "service" && a.verifyType === 0);
  const componentAppId = summary.platforms[0]?.componentAppId;
  if (!service || !componentAppId)
    throw new Error("the sandbox has no demo platform or verified service account");
  // wxgate asks for an authorization link only once WeChat has pushed it a ticket.
  await waitFor("the first component_verify_ticket", async () => {
    const log = (await call("GET", "/sandbox/__emulator/push/log?event=info:component_verify_ticket")).body;
    return log.attempts.some((a) => a.outcome === "success") ? true : undefined;
  });

  // The authorization page, as a browser: read the form, choose the account, keep the ticked
  // permission sets, submit, follow the redirect back to wxgate.
  const { pcUrl } = (await call("POST", "/api/v1/authorizations", { bearer: adminKey })).body;
  const page = await (await fetch(pcUrl, { signal: AbortSignal.timeout(SETUP_TIMEOUT_MS) })).text();
  const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1];
  if (!action) throw new Error(`no form on the authorization page: ${page.slice(0, 200)}`);
  const form = new URLSearchParams();
  for (const [, tag] of page.matchAll(/<input\b([^>]*)>/g)) {
    const attribute = (name) => {
      const match = new RegExp(`\\b${name}(?:="([^"]*)")?`).exec(tag);
      return match ? unescapeHtml(match[1] ?? "") : undefined;
    };
    const type = attribute("type");
    if (type === "hidden") form.append(attribute("name"), attribute("value"));
    else if (type === "checkbox" && attribute("checked") !== undefined)
      form.append(attribute("name"), attribute("value"));
  }
  form.append("authorizer_appid", service.appId);
  const confirmed = await fetch(new URL(unescapeHtml(action), pcUrl), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
    redirect: "manual",
    signal: AbortSignal.timeout(SETUP_TIMEOUT_MS),
  });
  const location = confirmed.headers.get("location");
  if (confirmed.status !== 302 || !location)
    throw new Error(
      `the authorization page answered ${confirmed.status}: ${(await confirmed.text()).slice(0, 200)}`,
    );
  const landing = await fetch(location, { signal: AbortSignal.timeout(SETUP_TIMEOUT_MS) });
  const landingHtml = await landing.text();
  if (landing.status !== 200 || !landingHtml.includes("授权成功"))
    throw new Error(`wxgate's landing page answered ${landing.status}`);
  // The `authorized` event reaches wxgate in the background: let it arrive.
  await call("POST", "/sandbox/__emulator/push/idle");

  const appId = service.appId;
  await call("PUT", `/api/v1/accounts/${appId}/openid-mapping`, {
    bearer: adminKey,
    body: { property: "wechat_openid" },
  });
  const enabled = (await call("POST", `/api/v1/accounts/${appId}/enable`, { bearer: adminKey })).body;
  if (!enabled.enabled) throw new Error(`the demo account was not enabled: ${JSON.stringify(enabled)}`);
  const token = (await call("GET", `/api/v1/accounts/${appId}/access-token`, { bearer: readerKey })).body;
  if (typeof token.access_token !== "string") throw new Error("the token endpoint gave no access_token");

  // The platform's message Token and EncodingAESKey, and the account's followers, from WeChat's side.
  const { world } = (await call("GET", "/sandbox/__emulator/snapshot")).body;
  const platform = world.platforms[componentAppId];
  const account = world.accounts[appId];
  const openIds = Object.values(world.followers[appId] ?? {})
    .filter((f) => f.subscribed)
    .map((f) => f.openId)
    .slice(0, 1000);
  if (!platform?.token || !platform.encodingAESKey || !account?.originalId || openIds.length === 0)
    throw new Error("the emulator's snapshot lacks the platform's keys, the account or its followers");
  return {
    call,
    adminKey,
    readerKey,
    appId,
    componentAppId,
    originalId: account.originalId,
    platformToken: platform.token,
    encodingAESKey: platform.encodingAESKey,
    openIds,
  };
}
