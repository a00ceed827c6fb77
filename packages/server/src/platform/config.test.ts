import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, securitySettings, settingNames } from "../config.js";

const goodComponent = {
  WXGATE_COMPONENT_APPID: "wx0123456789abcdef",
  WXGATE_COMPONENT_SECRET: "0123456789abcdef0123456789abcdef",
  WXGATE_COMPONENT_TOKEN: "pamtest",
  WXGATE_COMPONENT_ENCODING_AES_KEY: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
};

function problemsOf(env: Record<string, string>, configFile?: string): string[] {
  try {
    loadConfig({ env, configFile, cwd: "/srv/wxgate" });
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("defaults to a sandbox on 127.0.0.1:8080 with SQLite under ./data", () => {
    const config = loadConfig({ env: {}, cwd: "/srv/wxgate" });
    expect(config).toMatchObject({
      host: "127.0.0.1",
      port: 8080,
      dataDir: "/srv/wxgate/data",
      databaseUrl: "sqlite:/srv/wxgate/data/wxgate.db",
      publicUrl: "http://127.0.0.1:8080",
      logLevel: "info",
      mode: "sandbox",
      component: undefined,
      masterKey: undefined,
    });
  });

  it("switches to production when the component credentials are configured", () => {
    const config = loadConfig({ env: { ...goodComponent, WXGATE_PUBLIC_URL: "https://wx.example.com/" } });
    expect(config.mode).toBe("production");
    expect(config.component?.appId).toBe("wx0123456789abcdef");
    expect(config.publicUrl).toBe("https://wx.example.com");
  });

  it("accepts a master key and a PostgreSQL URL", () => {
    const key = Buffer.alloc(32, 7).toString("base64");
    const config = loadConfig({
      env: { WXGATE_MASTER_KEY: key, WXGATE_DATABASE_URL: "postgres://wx@db.internal:5432/wxgate" },
    });
    expect(config.masterKey?.equals(Buffer.alloc(32, 7))).toBe(true);
    expect(config.databaseUrl).toBe("postgres://wx@db.internal:5432/wxgate");
  });

  it("lists every problem at once, naming the variables and never echoing a secret", () => {
    const problems = problemsOf({
      WXGATE_PORT: "80a",
      WXGATE_MASTER_KEY: "c2hvcnQta2V5",
      WXGATE_PUBLIC_URL: "ftp://example.com",
      WXGATE_LOG_LEVEL: "loud",
      WXGATE_MODE: "staging",
      WXGATE_DATABASE_URL: "mysql://db/wx",
      WXGATE_COMPONENT_APPID: "not-an-appid",
      WXGATE_COMPONENT_SECRET: "s3cr3t-with-dashes!",
      WXGATE_COMPONENT_ENCODING_AES_KEY: "tooShort",
    });
    const text = problems.join("\n");
    for (const name of [
      "WXGATE_PORT",
      "WXGATE_MASTER_KEY",
      "WXGATE_PUBLIC_URL",
      "WXGATE_LOG_LEVEL",
      "WXGATE_MODE",
      "WXGATE_DATABASE_URL",
      "WXGATE_COMPONENT_APPID",
      "WXGATE_COMPONENT_SECRET",
      "WXGATE_COMPONENT_ENCODING_AES_KEY",
    ]) {
      expect(text).toContain(name);
    }
    expect(text).toContain("missing: WXGATE_COMPONENT_TOKEN");
    expect(problems.length).toBeGreaterThanOrEqual(10);
    expect(text).not.toContain("s3cr3t-with-dashes!");
    expect(text).not.toContain("c2hvcnQta2V5");
  });

  it("refuses production without component credentials", () => {
    expect(problemsOf({ WXGATE_MODE: "production" }).join("\n")).toContain("WXGATE_MODE=production needs");
  });

  it("reads a JSON file under the environment", () => {
    const dir = mkdtempSync(join(tmpdir(), "wxgate-config-"));
    const file = join(dir, "wxgate.json");
    writeFileSync(
      file,
      JSON.stringify({ port: 9000, host: "0.0.0.0", logLevel: "debug", sandboxPublic: true }),
    );
    const config = loadConfig({ env: { WXGATE_LOG_LEVEL: "warn" }, configFile: file });
    expect(config.port).toBe(9000);
    expect(config.logLevel).toBe("warn");
    expect(config.publicUrl).toBe("http://127.0.0.1:9000");
  });

  it("reports unknown keys and unreadable files", () => {
    const dir = mkdtempSync(join(tmpdir(), "wxgate-config-"));
    const file = join(dir, "wxgate.json");
    writeFileSync(file, JSON.stringify({ prot: 1 }));
    expect(problemsOf({}, file).join("\n")).toContain('unknown setting "prot"');
    expect(problemsOf({}, join(dir, "missing.json")).join("\n")).toContain("cannot be read");
  });

  it("reads the authorization lifecycle settings, within WeChat's bounds, and lists each problem", () => {
    expect(loadConfig({ env: {} }).lifecycle).toMatchObject({
      authorizationValidityDays: 365,
      deauthorizationCoolingOffHours: 48,
      authorizationRequestsPerMonth: 50,
      authorizationSweepMinutes: 60,
    });
    expect(
      loadConfig({
        env: {
          WXGATE_AUTHORIZATION_VALIDITY_DAYS: "180",
          WXGATE_DEAUTHORIZATION_COOLING_OFF_HOURS: "0",
          WXGATE_AUTHORIZATION_REQUESTS_PER_MONTH: "20",
          WXGATE_AUTHORIZATION_SWEEP_MINUTES: "5",
        },
      }).lifecycle,
    ).toMatchObject({
      authorizationValidityDays: 180,
      deauthorizationCoolingOffHours: 0,
      authorizationRequestsPerMonth: 20,
      authorizationSweepMinutes: 5,
    });
    const problems = problemsOf({
      WXGATE_AUTHORIZATION_VALIDITY_DAYS: "366",
      WXGATE_DEAUTHORIZATION_COOLING_OFF_HOURS: "-1",
      WXGATE_AUTHORIZATION_REQUESTS_PER_MONTH: "fifty",
      WXGATE_AUTHORIZATION_SWEEP_MINUTES: "0.5",
    });
    expect(problems).toEqual([
      "WXGATE_AUTHORIZATION_VALIDITY_DAYS: must be a whole number from 1 to 365",
      "WXGATE_DEAUTHORIZATION_COOLING_OFF_HOURS: must be a whole number from 0 to 720",
      "WXGATE_AUTHORIZATION_REQUESTS_PER_MONTH: must be a whole number from 1 to 1000",
      "WXGATE_AUTHORIZATION_SWEEP_MINUTES: must be a whole number from 1 to 1440",
    ]);
  });

  it("reads how long finished jobs are kept", () => {
    expect(loadConfig({ env: {} }).jobs.retentionHours).toBe(24);
    expect(loadConfig({ env: { WXGATE_JOB_RETENTION_HOURS: "0" } }).jobs.retentionHours).toBe(0);
    expect(problemsOf({ WXGATE_JOB_RETENTION_HOURS: "721" })).toEqual([
      "WXGATE_JOB_RETENTION_HOURS: must be a whole number from 0 to 720",
    ]);
  });

  it("reads how many webhook deliveries are in flight at once, overall and per webhook", () => {
    const config = loadConfig({ env: {} });
    expect([config.webhooks.concurrency, config.webhooks.perWebhook]).toEqual([128, 64]);
    const set = loadConfig({
      env: { WXGATE_WEBHOOK_CONCURRENCY: "64", WXGATE_WEBHOOK_CONCURRENCY_PER_WEBHOOK: "64" },
    });
    expect([set.webhooks.concurrency, set.webhooks.perWebhook]).toEqual([64, 64]);
    expect(
      problemsOf({ WXGATE_WEBHOOK_CONCURRENCY: "0", WXGATE_WEBHOOK_CONCURRENCY_PER_WEBHOOK: "257" }),
    ).toEqual([
      "WXGATE_WEBHOOK_CONCURRENCY: must be a whole number from 1 to 256",
      "WXGATE_WEBHOOK_CONCURRENCY_PER_WEBHOOK: must be a whole number from 1 to 256",
    ]);
    expect(problemsOf({ WXGATE_WEBHOOK_CONCURRENCY: "8" })).toEqual([
      "WXGATE_WEBHOOK_CONCURRENCY_PER_WEBHOOK: must not exceed WXGATE_WEBHOOK_CONCURRENCY (8)",
    ]);
  });

  it("reads the job claim timeout, longer than a webhook request may take", () => {
    const claimOf = (env: Record<string, string>) => loadConfig({ env }).jobs.claimTimeoutSeconds;
    expect(claimOf({})).toBe(60);
    expect(claimOf({ WXGATE_JOB_CLAIM_TIMEOUT_SECONDS: "11" })).toBe(11);
    expect(claimOf({ WXGATE_JOB_CLAIM_TIMEOUT_SECONDS: "3600" })).toBe(3600);
    for (const value of ["10", "0", "3601", "30.5", "a minute"]) {
      expect(problemsOf({ WXGATE_JOB_CLAIM_TIMEOUT_SECONDS: value })).toEqual([
        "WXGATE_JOB_CLAIM_TIMEOUT_SECONDS: must be a whole number from 11 to 3600",
      ]);
    }
  });

  it("reads the background token refresher's interval, inside the refresh-ahead window, with the other problems", () => {
    expect(loadConfig({ env: {} }).tokens.refreshSeconds).toBe(60);
    expect(loadConfig({ env: { WXGATE_TOKEN_REFRESH_SECONDS: "15" } }).tokens.refreshSeconds).toBe(15);
    for (const value of ["0", "241", "1.5", "soon"]) {
      expect(problemsOf({ WXGATE_TOKEN_REFRESH_SECONDS: value, WXGATE_PORT: "80a" })).toEqual([
        "WXGATE_PORT: must be a number",
        "WXGATE_TOKEN_REFRESH_SECONDS: must be a whole number from 1 to 240",
      ]);
    }
  });

  it("reads the sign-in protection: login freeze and the per-address and per-username limits", () => {
    expect(loadConfig({ env: {} }).auth).toMatchObject({
      loginMaxFailures: 5,
      loginFreezeMinutes: 120,
      signInIpLimit: 20,
      signInIpWindowMinutes: 1,
      signInUsernameLimit: 10,
      signInUsernameWindowMinutes: 15,
    });
    expect(
      loadConfig({
        env: {
          WXGATE_LOGIN_MAX_FAILURES: "3",
          WXGATE_LOGIN_FREEZE_MINUTES: "30",
          WXGATE_SIGN_IN_IP_LIMIT: "50",
          WXGATE_SIGN_IN_IP_WINDOW_MINUTES: "5",
          WXGATE_SIGN_IN_USERNAME_LIMIT: "4",
          WXGATE_SIGN_IN_USERNAME_WINDOW_MINUTES: "60",
        },
      }).auth,
    ).toMatchObject({
      loginMaxFailures: 3,
      loginFreezeMinutes: 30,
      signInIpLimit: 50,
      signInIpWindowMinutes: 5,
      signInUsernameLimit: 4,
      signInUsernameWindowMinutes: 60,
    });
    expect(
      problemsOf({
        WXGATE_LOGIN_MAX_FAILURES: "0",
        WXGATE_LOGIN_FREEZE_MINUTES: "forever",
        WXGATE_SIGN_IN_IP_LIMIT: "-1",
        WXGATE_SIGN_IN_IP_WINDOW_MINUTES: "1441",
        WXGATE_SIGN_IN_USERNAME_LIMIT: "2.5",
        WXGATE_SIGN_IN_USERNAME_WINDOW_MINUTES: "0",
      }),
    ).toEqual([
      "WXGATE_LOGIN_MAX_FAILURES: must be a whole number from 1 to 100",
      "WXGATE_LOGIN_FREEZE_MINUTES: must be a whole number from 1 to 10080",
      "WXGATE_SIGN_IN_IP_LIMIT: must be a whole number from 1 to 10000",
      "WXGATE_SIGN_IN_IP_WINDOW_MINUTES: must be a whole number from 1 to 1440",
      "WXGATE_SIGN_IN_USERNAME_LIMIT: must be a whole number from 1 to 10000",
      "WXGATE_SIGN_IN_USERNAME_WINDOW_MINUTES: must be a whole number from 1 to 1440",
    ]);
  });

  it("declares its security settings among its settings", () => {
    for (const setting of securitySettings) expect(settingNames).toContain(setting);
  });

  it("keeps the sandbox on loopback unless WXGATE_SANDBOX_PUBLIC (or --sandbox-public) allows another host", () => {
    for (const host of ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost", "LOCALHOST"]) {
      expect(loadConfig({ env: { WXGATE_HOST: host } }).sandboxPublic).toBe(false);
    }
    for (const host of ["0.0.0.0", "::", "192.168.1.20", "wx.example.com"]) {
      const problems = problemsOf({ WXGATE_HOST: host, WXGATE_PORT: "80a" });
      expect(problems).toHaveLength(2);
      expect(problems[1]).toBe(
        `WXGATE_HOST: ${host} is not a loopback address, and in sandbox mode anyone who reaches the port ` +
          "could use the emulator's control API (/sandbox/__emulator), demo AppSecrets included; listen on " +
          "127.0.0.1, or start with --sandbox-public (WXGATE_SANDBOX_PUBLIC=true) to allow it",
      );
    }
    const open = { WXGATE_HOST: "0.0.0.0" };
    expect(loadConfig({ env: { ...open, WXGATE_SANDBOX_PUBLIC: "true" } })).toMatchObject({
      host: "0.0.0.0",
      sandboxPublic: true,
    });
    expect(loadConfig({ env: open, overrides: { sandboxPublic: "true" } }).sandboxPublic).toBe(true);
    // The flag wins over the environment; `false` refuses as the default does.
    expect(
      loadConfig({ env: { ...open, WXGATE_SANDBOX_PUBLIC: "false" }, overrides: { sandboxPublic: "true" } })
        .sandboxPublic,
    ).toBe(true);
    expect(problemsOf({ ...open, WXGATE_SANDBOX_PUBLIC: "false" })).toHaveLength(1);
    expect(problemsOf({ ...open, WXGATE_SANDBOX_PUBLIC: "sure" })).toEqual([
      "WXGATE_SANDBOX_PUBLIC: must be true or false",
    ]);
    // Production mounts no emulator: any host will do.
    expect(loadConfig({ env: { ...goodComponent, ...open } }).mode).toBe("production");
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ env: { WXGATE_PORT: "", WXGATE_MODE: "" } }).port).toBe(8080);
  });
});
