import { describe, expect, it } from "vitest";
import {
  ConfigError,
  envName,
  loadConfig,
  type SecuritySetting,
  securitySettings,
  settingNames,
} from "../src/config.js";
import { createTestServer } from "../src/testing/server.js";
import { ADMIN, type SignInAnswer, type SignInHarness, startSignInServer } from "./support/sign-in.js";

/**
 * A security setting's effect, as a client sees it. `observe` starts a real server with
 * `env` (empty: every default) and reports what it does; the observation with `value`
 * must differ from the one with the default, and both must be the expected ones.
 */
interface Probe {
  /** A value other than the default. */
  value: string;
  observe(env: Record<string, string>): Promise<unknown>;
  /** With the default, then with `value`. */
  expected: [unknown, unknown];
}

/**
 * The settings that are not protections, each with why. A setting added to the
 * configuration fails the classification test below until it is either listed in
 * `securitySettings` (and given a probe) or here.
 */
const notSecurity: Record<string, string> = {
  host: "where to listen",
  port: "where to listen",
  dataDir: "where files go; its permissions are enforced whatever it is",
  databaseUrl: "which store",
  masterKey: "key material, not a switch: secrets are sealed with some key whatever it is",
  publicUrl: "an address; the Secure cookie it implies for https is covered by auth.test.ts",
  logLevel: "verbosity; secrets are redacted at every level",
  mode: "sandbox or production WeChat",
  componentAppId: "a WeChat credential",
  componentSecret: "a WeChat credential",
  componentToken: "a WeChat credential",
  componentEncodingAESKey: "a WeChat credential",
  sandboxSeed: "the demo world's ids",
  authorizationValidityDays: "WeChat's authorization rules",
  deauthorizationCoolingOffHours: "WeChat's authorization rules",
  authorizationRequestsPerMonth: "WeChat's authorization rules",
  authorizationSweepMinutes: "a timer",
  tokenRefreshSeconds: "a timer",
  jobClaimTimeoutSeconds: "when a crashed worker's job runs again: reliability, nothing it guards",
  jobRetentionHours: "how long finished jobs are kept for inspection: housekeeping",
  webhookConcurrency: "how many webhook requests are out at once: throughput",
  webhookConcurrencyPerWebhook: "how many requests one webhook receives at once: throughput",
  auditRetentionDays: "how long the audit log keeps entries: retention, whose purge audit.test.ts checks",
  longTermOperators: "how many operators an account may have (WeChat's own rule): team.test.ts checks it",
  shortTermOperators: "how many operators an account may have (WeChat's own rule): team.test.ts checks it",
  shortTermDays: "how long a short-term operator's access lasts (WeChat's own rule): team.test.ts checks it",
  invitationDays: "how long an invitation waits for its answer: team.test.ts checks it",
  accountsPerMember: "how many accounts one person may operate (WeChat's own rule): team.test.ts checks it",
  smtpUrl:
    "where sign-in codes are mailed through: delivery, which second-factor.test.ts checks with a real SMTP sink",
  mailFrom: "the sender of those mails",
  alertRiskOperationsPerHour:
    "when administrators are told of many risk operations: an alert, which risk-protection-alerts.test.ts checks",
  alertFailedSignIns:
    "when administrators are told of failed sign-ins: an alert; the freeze and limits protect",
  alertFailedSignInMinutes: "the window of that alert",
  reviewIdleDays: "what the authorization review flags: a report",
  reviewExpiringDays: "what the authorization review flags: a report",
  campaignBatch: "how many recipient rows a send job claims at once: throughput",
  campaignInFlight: "how many campaign sends are out at once: throughput",
  campaignClaimSeconds:
    "when a crashed worker's claimed rows are taken again: reliability, which campaigns-crash.test.ts checks",
  campaignReceiptWaitSeconds:
    "how long a row whose answer was lost waits for its receipt: exactly-once delivery, which campaigns.test.ts checks",
  campaignMassBatch: "how many OpenIDs one mass/send call carries (WeChat allows 10,000): throughput",
  apiCallRetentionDays:
    "how long the WeChat call log keeps records: retention, whose purge call-log-retention.contract.test.ts checks",
};

async function withSignInServer<T>(
  env: Record<string, string>,
  fn: (h: SignInHarness) => Promise<T>,
): Promise<T> {
  const h = await startSignInServer(env);
  try {
    return await fn(h);
  } finally {
    await h.close();
  }
}

/** How many attempts are answered before one `stops`; at most 50 are made. */
async function answeredBefore(
  attempt: (i: number) => Promise<SignInAnswer>,
  stops: (answer: SignInAnswer) => boolean,
): Promise<number> {
  for (let i = 0; i < 50; i++) if (stops(await attempt(i))) return i;
  throw new Error("no attempt was stopped");
}

const code = (answer: SignInAnswer) => answer.body.error?.code;

/** Signs in as the administrator: the session's cookie and CSRF token. */
async function signedIn(h: SignInHarness): Promise<{ cookie: string; csrf: string }> {
  const answer = await h.signIn(ADMIN);
  expect(answer.status).toBe(200);
  return { cookie: answer.sessionCookie ?? "", csrf: answer.body.csrfToken ?? "" };
}

async function whoami(h: SignInHarness, session: { cookie: string }) {
  return h.server.app
    .inject({
      method: "GET",
      url: "/api/v1/whoami",
      headers: { cookie: `wxgate_session=${session.cookie}` },
    })
    .then((r) => ({ status: r.statusCode }));
}
const wrongPassword = { username: ADMIN.username, password: "not the password" };
const frozenAnswer = (a: SignInAnswer) => code(a) === "login_frozen";
const rateLimited = (a: SignInAnswer) => code(a) === "rate_limited";
const MINUTE = 60_000;

const probes: Record<SecuritySetting, Probe> = {
  loginMaxFailures: {
    value: "2",
    expected: [5, 2],
    observe: (env) =>
      withSignInServer(env, (h) => answeredBefore(() => h.signIn(wrongPassword), frozenAnswer)),
  },
  loginFreezeMinutes: {
    value: "10",
    expected: [429, 200],
    observe: (env) =>
      withSignInServer(env, async (h) => {
        await answeredBefore(() => h.signIn(wrongPassword), frozenAnswer);
        h.server.clock.advance(10 * MINUTE);
        return (await h.signIn(ADMIN)).status;
      }),
  },
  signInIpLimit: {
    value: "3",
    expected: [20, 3],
    observe: (env) =>
      withSignInServer(env, (h) =>
        answeredBefore((i) => h.signIn({ username: `nobody-${i}`, password: "guess" }), rateLimited),
      ),
  },
  signInIpWindowMinutes: {
    value: "5",
    expected: [401, 429],
    observe: (env) =>
      withSignInServer(env, async (h) => {
        await answeredBefore((i) => h.signIn({ username: `nobody-${i}`, password: "guess" }), rateLimited);
        h.server.clock.advance(MINUTE);
        return (await h.signIn({ username: "nobody", password: "guess" })).status;
      }),
  },
  signInUsernameLimit: {
    value: "3",
    expected: [10, 3],
    observe: (env) =>
      withSignInServer(env, (h) =>
        answeredBefore(
          (i) => h.signIn({ username: "ghost", password: "guess", from: `127.0.5.${i + 1}` }),
          rateLimited,
        ),
      ),
  },
  signInUsernameWindowMinutes: {
    value: "30",
    expected: [401, 429],
    // A name guessed at is frozen after 5 failures, known or not: allow more, so the window shows.
    observe: (env) =>
      withSignInServer({ WXGATE_LOGIN_MAX_FAILURES: "50", ...env }, async (h) => {
        await answeredBefore(
          (i) => h.signIn({ username: "ghost", password: "guess", from: `127.0.6.${i + 1}` }),
          rateLimited,
        );
        h.server.clock.advance(15 * MINUTE);
        return (await h.signIn({ username: "ghost", password: "guess", from: "127.0.6.99" })).status;
      }),
  },
  sessionIdleMinutes: {
    value: "10",
    expected: [200, 401],
    observe: (env) =>
      withSignInServer(env, async (h) => {
        const session = await signedIn(h);
        h.server.clock.advance(11 * MINUTE);
        return (await whoami(h, session)).status;
      }),
  },
  sessionMaxHours: {
    value: "2",
    expected: [200, 401],
    // Busy all along (a request every 50 minutes): only the absolute limit can end it.
    observe: (env) =>
      withSignInServer(env, async (h) => {
        const session = await signedIn(h);
        for (let step = 0; step < 2; step++) {
          h.server.clock.advance(50 * MINUTE);
          await whoami(h, session);
        }
        h.server.clock.advance(50 * MINUTE);
        return (await whoami(h, session)).status;
      }),
  },
  confirmationMinutes: {
    value: "10",
    expected: [403, 201],
    // Six minutes after the sign-in (a confirmation), a key that reads tokens is a risk operation.
    observe: (env) =>
      withSignInServer(env, async (h) => {
        const session = await signedIn(h);
        h.server.clock.advance(6 * MINUTE);
        const made = await h.server.app.inject({
          method: "POST",
          url: "/api/v1/api-keys",
          headers: { cookie: `wxgate_session=${session.cookie}`, "x-csrf-token": session.csrf },
          payload: { name: "tokens", scopes: ["token:read"] },
        });
        return made.statusCode;
      }),
  },
  // Test servers turn the verification off (other tests sign in with the password alone): the
  // probes of the second factor start from the server's own default, on.
  newDeviceVerification: {
    value: "false",
    expected: ["second factor", "session"],
    observe: (env) =>
      withSignInServer({ WXGATE_NEW_DEVICE_VERIFICATION: "true", ...env }, async (h) => {
        const answer = await h.signIn(ADMIN);
        return answer.sessionCookie ? "session" : "second factor";
      }),
  },
  secondFactorMinutes: {
    value: "3",
    expected: [200, 400],
    // Five minutes after the code was sent (sandbox mode: its mailbox has it), it still works or not.
    observe: (env) =>
      withSignInServer({ WXGATE_NEW_DEVICE_VERIFICATION: "true", ...env }, async (h) => {
        const asked = (await h.signIn(ADMIN)).body as { secondFactor?: { challenge: string } };
        const mailbox = await h.server.app.inject({ method: "GET", url: "/api/v1/sandbox/mail" });
        const code = (mailbox.json() as { mails: { code: string }[] }).mails[0]?.code;
        h.server.clock.advance(5 * MINUTE);
        const done = await h.server.app.inject({
          method: "POST",
          url: "/api/v1/session/second-factor",
          payload: { challenge: asked.secondFactor?.challenge, code },
        });
        return done.statusCode;
      }),
  },
  sandboxPublic: {
    value: "true",
    // On a host other than loopback, the sandbox's control API (demo AppSecrets included) is
    // served only when allowed; the test server itself listens on 127.0.0.1 either way.
    expected: ["refused to start", 200],
    observe: async (env) => {
      const settings = { WXGATE_HOST: "0.0.0.0", ...env };
      try {
        loadConfig({ env: settings });
      } catch (error) {
        if (error instanceof ConfigError) return "refused to start";
        throw error;
      }
      const server = await createTestServer({ env: settings, sandbox: true });
      try {
        return (await fetch(`${server.url}/sandbox/__emulator/summary`)).status;
      } finally {
        await server.dispose();
      }
    },
  },
};

describe("security settings", () => {
  it("classifies every setting: a protection is in securitySettings, anything else is listed here with why", () => {
    const unclassified = settingNames.filter(
      (s) => !(securitySettings as readonly string[]).includes(s) && !(s in notSecurity),
    );
    expect(unclassified, "settings neither in securitySettings nor in notSecurity").toEqual([]);
    expect(Object.keys(notSecurity).filter((s) => !(settingNames as readonly string[]).includes(s))).toEqual(
      [],
    );
    expect(securitySettings.filter((s) => s in notSecurity)).toEqual([]);
  });

  it.each([...securitySettings])("%s changes what the running server does", async (setting) => {
    const probe = (probes as Partial<Record<string, Probe>>)[setting];
    if (!probe) throw new Error(`${setting} is a security setting without a probe: add one to this file`);
    const withDefault = await probe.observe({});
    const withValue = await probe.observe({ [envName(setting)]: probe.value });
    expect(withValue, `${envName(setting)}=${probe.value} is not wired into the server`).not.toEqual(
      withDefault,
    );
    expect([withDefault, withValue]).toEqual(probe.expected);
  });
});
