import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { type TestDatabase, type TestEngine, testEngines } from "../src/testing/engines.js";
import { ADMIN, type SignInAnswer, type SignInHarness, startSignInServer } from "./support/sign-in.js";

const HOUR = 60 * 60_000;
let h: SignInHarness | undefined;
/** The engine of the tests running now (set by the describe.each below). */
let engine: TestEngine;
let database: TestDatabase | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
  await database?.dispose();
  database = undefined;
});

async function start(env: Record<string, string> = {}): Promise<SignInHarness> {
  database = await engine.database();
  h = await startSignInServer({ ...database.env, ...env });
  expect(h.server.store.dialect).toBe(engine.name);
  return h;
}

const wrong = (from?: string) => ({
  username: ADMIN.username,
  password: "not the password",
  ...(from ? { from } : {}),
});

async function userRow(harness: SignInHarness) {
  return harness.server.store.db
    .selectFrom("users")
    .select(["failed_logins", "locked_until"])
    .where("username", "=", ADMIN.username)
    .executeTakeFirstOrThrow();
}

/** The body without its request id, which differs on every answer. */
function withoutRequestId(answer: SignInAnswer): unknown {
  const { requestId: _id, ...error } = answer.body.error ?? { requestId: "" };
  return { ...answer.body, error };
}

describe.each(testEngines)("sign-in protection on $name", (current) => {
  beforeAll(() => {
    engine = current;
  });

  describe("login freeze (over HTTP, default settings)", () => {
    it("5 wrong passwords freeze the login for 2 hours: the right one gets login_frozen and no session, then works when the freeze ends", async () => {
      const { server, signIn } = await start();
      for (let i = 0; i < 5; i++) {
        const answer = await signIn(wrong());
        expect(answer.status).toBe(401);
        expect(answer.body.error?.code).toBe("invalid_credentials");
      }
      const frozenAt = server.clock.now();
      const frozen = await signIn(ADMIN);
      expect(frozen.status).toBe(429);
      expect(frozen.body.error).toMatchObject({
        code: "login_frozen",
        message: "this login is frozen after too many wrong passwords",
        details: { frozenUntil: frozenAt + 2 * HOUR },
      });
      expect(frozen.headers["retry-after"]).toBe("7200");
      expect(frozen.sessionCookie).toBeUndefined();
      expect(frozen.headers["set-cookie"]).toBeUndefined();
      expect(await userRow(h!)).toEqual({ failed_logins: 5, locked_until: frozenAt + 2 * HOUR });

      server.clock.advance(2 * HOUR - 1_000);
      const stillFrozen = await signIn(ADMIN);
      expect(stillFrozen.body.error?.code).toBe("login_frozen");
      expect(stillFrozen.headers["retry-after"]).toBe("1");

      server.clock.advance(1_000);
      const signedIn = await signIn(ADMIN);
      expect(signedIn.status).toBe(200);
      expect(signedIn.sessionCookie).toMatch(/^[\w-]{40,}$/);
      expect(await userRow(h!)).toEqual({ failed_logins: 0, locked_until: null });
    });

    it("counts wrong passwords in a row only: a successful sign-in resets the count", async () => {
      const { signIn } = await start({ WXGATE_SIGN_IN_USERNAME_LIMIT: "100" });
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 4; i++) expect((await signIn(wrong())).status).toBe(401);
        expect(await userRow(h!)).toMatchObject({ failed_logins: 4, locked_until: null });
        expect((await signIn(ADMIN)).status).toBe(200);
      }
      expect(await userRow(h!)).toEqual({ failed_logins: 0, locked_until: null });
    });

    it("gives 5 more tries once a freeze has ended, not one", async () => {
      const { server, signIn } = await start();
      for (let i = 0; i < 5; i++) await signIn(wrong());
      server.clock.advance(2 * HOUR);
      for (let i = 0; i < 4; i++) expect((await signIn(wrong())).status).toBe(401);
      expect(await userRow(h!)).toMatchObject({ failed_logins: 4, locked_until: null });
      expect((await signIn(ADMIN)).status).toBe(200);
    });
  });

  describe("unknown username and wrong password", () => {
    it("get the same answer: status, code, message, body shape and headers, and no session", async () => {
      const { signIn } = await start();
      const wrongPassword = await signIn(wrong());
      const unknownUser = await signIn({ username: "nobody", password: "not the password" });
      expect(wrongPassword.status).toBe(401);
      expect(unknownUser.status).toBe(wrongPassword.status);
      expect(withoutRequestId(unknownUser)).toEqual(withoutRequestId(wrongPassword));
      expect(withoutRequestId(unknownUser)).toEqual({
        error: { code: "invalid_credentials", message: "the username or password is wrong" },
      });
      const headerNames = (a: SignInAnswer) =>
        Object.keys(a.headers)
          .filter((name) => !["date", "x-request-id"].includes(name))
          .sort();
      expect(headerNames(unknownUser)).toEqual(headerNames(wrongPassword));
      expect(unknownUser.headers["set-cookie"]).toBeUndefined();
    });

    it("freeze alike: five wrong guesses at a name that does not exist end in login_frozen too", async () => {
      const { server, signIn } = await start();
      const answers = async (username: string) => {
        const seen: unknown[] = [];
        for (let i = 0; i < 6; i++) {
          const answer = await signIn({ username, password: "not the password" });
          seen.push({
            status: answer.status,
            body: withoutRequestId(answer),
            retryAfter: answer.headers["retry-after"],
          });
        }
        return seen;
      };
      const known = await answers(ADMIN.username);
      const unknown = await answers("nobody-here");
      expect(unknown).toEqual(known);
      expect(unknown.at(-1)).toMatchObject({ status: 429, body: { error: { code: "login_frozen" } } });
      server.clock.advance(2 * HOUR);
      expect((await signIn({ username: "nobody-here", password: "x" })).body.error?.code).toBe(
        "invalid_credentials",
      );
    });
  });

  describe("sign-in rate limits", () => {
    it("per address: the attempt past the limit is rate_limited with retry-after, unknown usernames count too, and the window's end lets it in", async () => {
      const { server, signIn } = await start({ WXGATE_SIGN_IN_IP_LIMIT: "5" });
      for (let i = 0; i < 5; i++) {
        const answer = await signIn({ username: `nobody-${i}`, password: "guess", from: "127.0.0.2" });
        expect(answer.status).toBe(401);
      }
      // Even the right password: the limit is checked before any password is.
      const limited = await signIn({ ...ADMIN, from: "127.0.0.2" });
      expect(limited.status).toBe(429);
      expect(limited.headers["retry-after"]).toBe("60");
      expect(limited.sessionCookie).toBeUndefined();
      expect(limited.body).toEqual({
        error: {
          code: "rate_limited",
          message: "too many sign-in attempts from this address; try again later",
          details: { reason: "sign_in_per_address", retryAfterSeconds: 60 },
          requestId: expect.any(String),
        },
      });

      // Another client is not held back.
      expect((await signIn({ ...ADMIN, from: "127.0.0.3" })).status).toBe(200);

      server.clock.advance(30_000);
      expect((await signIn({ ...ADMIN, from: "127.0.0.2" })).headers["retry-after"]).toBe("30");
      server.clock.advance(30_000);
      expect((await signIn({ ...ADMIN, from: "127.0.0.2" })).status).toBe(200);
    });

    it("per address: guesses sent together are counted one by one", async () => {
      const { signIn } = await start({ WXGATE_SIGN_IN_IP_LIMIT: "5" });
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          signIn({ username: `nobody-${i}`, password: "guess", from: "127.0.0.4" }),
        ),
      );
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    });

    it("per username, across addresses: an unknown username is limited like a known one, however it is spelt", async () => {
      // A freeze that allows more tries than the limit, so the limit is what answers (an unknown
      // name freezes like a known one: see above).
      const { server, signIn } = await start({ WXGATE_LOGIN_MAX_FAILURES: "20" });
      const spellings = ["ghost", "Ghost", " GHOST ", "ghost "];
      for (let i = 0; i < 10; i++) {
        const answer = await signIn({
          username: spellings[i % 4]!,
          password: "guess",
          from: `127.0.1.${i + 1}`,
        });
        expect(answer.status).toBe(401);
      }
      const limited = await signIn({ username: "ghost", password: "guess", from: "127.0.1.99" });
      expect(limited.status).toBe(429);
      expect(limited.headers["retry-after"]).toBe("900");
      expect(limited.body.error).toMatchObject({
        code: "rate_limited",
        message: "too many sign-in attempts for this username; try again later",
        details: { reason: "sign_in_per_username", retryAfterSeconds: 900 },
      });
      // The address itself is not limited: another username from it is answered as usual.
      expect((await signIn({ username: "someone", password: "guess", from: "127.0.1.99" })).status).toBe(401);
      server.clock.advance(15 * 60_000);
      expect((await signIn({ username: "ghost", password: "guess", from: "127.0.1.99" })).status).toBe(401);
    });

    it("per username: a known login is limited across addresses before its freeze when the freeze allows more tries", async () => {
      const { signIn } = await start({ WXGATE_LOGIN_MAX_FAILURES: "50", WXGATE_SIGN_IN_USERNAME_LIMIT: "3" });
      for (let i = 0; i < 3; i++) expect((await signIn(wrong(`127.0.2.${i + 1}`))).status).toBe(401);
      const limited = await signIn({ ...ADMIN, from: "127.0.2.9" });
      expect(limited.status).toBe(429);
      expect(limited.body.error?.details).toMatchObject({ reason: "sign_in_per_username" });
      expect(limited.sessionCookie).toBeUndefined();
    });
  });

  describe("the session route's description", () => {
    it("names login_frozen and rate_limited with the configured numbers, and documents the 429 with retry-after", async () => {
      const { server } = await start({ WXGATE_SIGN_IN_IP_LIMIT: "7" });
      const response = await fetch(`${serverUrl(server)}/api/v1/openapi.json`);
      const document = (await response.json()) as {
        paths: Record<string, Record<string, { description: string; responses: Record<string, unknown> }>>;
      };
      const operation = document.paths["/api/v1/session"]!["post"]!;
      expect(operation.description).toContain("`login_frozen` (429) once 5 wrong passwords in a row");
      expect(operation.description).toContain("for 120 minutes");
      expect(operation.description).toContain(
        "`rate_limited` (429) past 7 attempts from one address in a minute",
      );
      expect(operation.description).toContain("10 for one username in 15 minutes");
      expect(operation.responses["429"]).toMatchObject({
        description: expect.stringContaining(
          "sign_in_per_address: 7 per 60 s; sign_in_per_username: 10 per 900 s",
        ),
        headers: { "retry-after": { schema: { type: "integer" } } },
      });
    });
  });
});

function serverUrl(server: SignInHarness["server"]): string {
  const address = server.app.server.address();
  if (address === null || typeof address === "string") throw new Error("the server is not listening");
  return `http://127.0.0.1:${address.port}`;
}
