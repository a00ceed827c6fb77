import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SignInAnnouncement } from "../src/auth/index.js";
import { SESSION_COOKIE } from "../src/http/principal.js";
import { type TestDatabase, testEngines } from "../src/testing/engines.js";
import { createTestServer, type TestServer } from "../src/testing/server.js";
import {
  client,
  codeIn,
  DEVICE_COOKIE,
  FIREFOX,
  MINUTE,
  PASSWORD,
  PRODUCTION,
  type Session,
  sessionOf,
  smtpSink,
} from "./support/second-factor.js";

/**
 * The second factor of sign-ins from new devices, end to end on SQLite and PostgreSQL over the
 * server's HTTP API: an e-mailed code read from a real SMTP sink (wrong, resent, expired, used
 * twice, frozen after five wrong ones and free again two hours later), the known device that
 * needs no code next time and is forgotten on request, TOTP enrolled, activated, asked at a new
 * device, never accepted twice, confirming a risk operation and disabled only after a fresh
 * confirmation; a sign-in that no factor can reach goes through and the user's page says so;
 * the sandbox shows its codes; every sign-in is announced on the bus.
 */

describe.each(testEngines)("the second factor on $name", (engine) => {
  let database: TestDatabase;
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof smtpSink>>;
  const announced: SignInAnnouncement[] = [];
  const http = client(() => server);
  let users = 0;

  async function newUser(email: string | undefined): Promise<string> {
    const username = `user${++users}`;
    await server.auth.createAdmin({ username, password: PASSWORD, ...(email ? { email } : {}) });
    return username;
  }

  /** Signs in from a new device by e-mailed code; answers the session and the device cookie. */
  async function signInByMail(username: string): Promise<{ session: Session; device: string }> {
    const asked = await http.signIn(username);
    const before = smtp.mails.length;
    expect(asked.body.secondFactor?.method).toBe("email");
    expect(smtp.mails.length).toBe(before);
    const done = await http.complete(asked.body.secondFactor!.challenge, codeIn(smtp.mails.at(-1)));
    return { session: sessionOf(done), device: done.device! };
  }

  beforeAll(async () => {
    database = await engine.database();
    smtp = await smtpSink();
    server = await createTestServer({
      env: {
        ...database.env,
        ...PRODUCTION,
        WXGATE_SMTP_URL: smtp.url,
        WXGATE_MAIL_FROM: "wxgate <wxgate@example.test>",
      },
    });
    server.context.bus.on("auth.sign_in", (event) => {
      announced.push(event);
    });
  });

  afterAll(async () => {
    await server?.dispose();
    await smtp?.close();
    await database?.dispose();
  });

  it("asks a new device for a code e-mailed to the user, and then knows the device", async () => {
    const username = await newUser("ops@example.test");
    const asked = await http.signIn(username);
    expect(asked.status).toBe(200);
    expect(asked.session).toBeUndefined();
    expect(asked.body.secondFactor).toMatchObject({
      method: "email",
      sentTo: "o***@example.test",
      sandbox: false,
    });
    expect(asked.body).not.toHaveProperty("csrfToken");
    const mail = smtp.mails.at(-1);
    expect(mail?.to).toEqual(["ops@example.test"]);
    const code = codeIn(mail);
    // The code is in the mail only: not in the answer, nor in any log line.
    expect(JSON.stringify(asked.body)).not.toContain(code);
    expect(server.logLines.join("")).not.toContain(code);

    const challenge = asked.body.secondFactor!.challenge;
    const wrong = await http.complete(challenge, code === "000000" ? "111111" : "000000");
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: "invalid_code", details: { attemptsLeft: 4 } });
    expect(wrong.session).toBeUndefined();

    const done = await http.complete(challenge, code);
    const session = sessionOf(done);
    expect(done.device).toBeTruthy();
    expect((await http.call(session, "GET", "/session")).status).toBe(200);

    // Single use: the same code again finds no sign-in waiting.
    const again = await http.complete(challenge, code);
    expect(again.body.error?.code).toBe("second_factor_expired");

    // A new cookie, not one the browser presented: a planted cookie never becomes known.
    const planted = "a-cookie-planted-in-the-browser-0123456789abcdef";
    const other = await http.signIn(username, planted);
    const verified = await http.complete(
      other.body.secondFactor!.challenge,
      codeIn(smtp.mails.at(-1)),
      planted,
    );
    expect(verified.device).toBeTruthy();
    expect(verified.device).not.toBe(planted);
    expect((await http.signIn(username, planted)).body.secondFactor).toBeTruthy();

    // The device is known now: the password alone opens a session there, and nowhere else.
    const mailsBefore = smtp.mails.length;
    sessionOf(await http.signIn(username, done.device));
    expect(smtp.mails.length).toBe(mailsBefore);
    expect(
      (await http.signIn(username, "a-cookie-of-another-browser-0123456789abcdef")).body.secondFactor,
    ).toBeTruthy();

    const devices = await http.send("GET", "/security/devices", {
      cookies: { [SESSION_COOKIE]: session.cookie, [DEVICE_COOKIE]: done.device },
    });
    const listed = devices.body["devices"] as { current: boolean }[];
    expect(listed).toHaveLength(2);
    expect(listed.filter((device) => device.current)).toEqual([
      expect.objectContaining({ current: true, device: "Firefox on Linux", ip: "127.0.0.1" }),
    ]);
    expect(JSON.stringify(devices.body)).not.toContain(done.device!);

    const mine = announced.filter((event) => event.username === username);
    expect(mine.map((event) => [event.outcome, event.newDevice])).toEqual([
      ["failure", true],
      ["success", true],
      ["success", true],
      ["success", false],
    ]);
    expect(mine[1]).toMatchObject({ ip: "127.0.0.1", userAgent: FIREFOX, at: server.clock.now() });
  });

  it("forgets a device on request: its next sign-in asks again", async () => {
    const username = await newUser("forget@example.test");
    const { session, device } = await signInByMail(username);
    const listed = await http.call(session, "GET", "/security/devices");
    const id = (listed.body["devices"] as { id: string }[])[0]!.id;
    expect((await http.call(session, "DELETE", `/security/devices/${id}`)).status).toBe(204);
    expect((await http.call(session, "DELETE", `/security/devices/${id}`)).status).toBe(404);
    expect((await http.signIn(username, device)).body.secondFactor?.method).toBe("email");
  });

  it("lets codes expire, resends a new one, and refuses the old one after it", async () => {
    const username = await newUser("resend@example.test");
    const asked = await http.signIn(username);
    const challenge = asked.body.secondFactor!.challenge;
    const first = codeIn(smtp.mails.at(-1));
    const resent = await http.send("POST", "/session/second-factor/resend", { payload: { challenge } });
    expect(resent.status).toBe(200);
    const second = codeIn(smtp.mails.at(-1));
    if (first !== second) {
      expect((await http.complete(challenge, first)).body.error?.code).toBe("invalid_code");
    }
    server.clock.advance(10 * MINUTE);
    const late = await http.complete(challenge, second);
    expect(late.status).toBe(400);
    expect(late.body.error?.code).toBe("second_factor_expired");
    expect(late.session).toBeUndefined();
  });

  it("freezes the login after five wrong codes, and lets it in again two hours later", async () => {
    const username = await newUser("guess@example.test");
    const asked = await http.signIn(username);
    const challenge = asked.body.secondFactor!.challenge;
    const code = codeIn(smtp.mails.at(-1));
    const wrongCode = code === "123456" ? "654321" : "123456";
    for (let i = 0; i < 4; i++) {
      expect((await http.complete(challenge, wrongCode)).body.error?.code).toBe("invalid_code");
    }
    const fifth = await http.complete(challenge, wrongCode);
    expect(fifth.status).toBe(429);
    expect(fifth.body.error?.code).toBe("login_frozen");
    // The right code of a sign-in past its attempts opens nothing, nor does the right password now.
    expect((await http.complete(challenge, code)).session).toBeUndefined();
    expect((await http.signIn(username)).body.error?.code).toBe("login_frozen");
    expect(announced.filter((e) => e.username === username).at(-1)?.outcome).toBe("frozen");

    server.clock.advance(2 * 60 * MINUTE);
    await signInByMail(username);
  });

  it("verifies new devices by TOTP once enrolled, accepts each code once, and confirms with it", async () => {
    const username = await newUser("totp@example.test");
    const { session } = await signInByMail(username);
    const enrolled = await http.call(session, "POST", "/security/totp");
    expect(enrolled.status).toBe(201);
    const secret = String(enrolled.body["secret"]);
    expect(enrolled.body["otpauthUri"]).toBe(
      `otpauth://totp/wxgate:${username}?secret=${secret}&issuer=wxgate`,
    );
    expect(String(enrolled.body["qrCode"])).toMatch(/^data:image\/png;base64,/);
    // The secret is sealed at rest and never logged.
    expect(server.logLines.join("")).not.toContain(secret);

    const codeNow = () => generate({ secret, epoch: Math.floor(server.clock.now() / 1000) });
    const wrong = await http.call(session, "POST", "/security/totp/activate", { code: "000000" });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error?.code).toBe("invalid_code");
    const activationCode = await codeNow();
    expect(
      (await http.call(session, "POST", "/security/totp/activate", { code: activationCode })).status,
    ).toBe(200);
    expect((await http.call(session, "GET", "/security")).body).toMatchObject({
      totp: { enabled: true, pending: false },
      protection: { method: "totp", reason: null },
    });

    // A new device is asked for TOTP now, not an e-mail; the activation's code is spent.
    const mailsBefore = smtp.mails.length;
    const asked = await http.signIn(username);
    expect(asked.body.secondFactor).toMatchObject({ method: "totp", sentTo: null });
    expect(smtp.mails.length).toBe(mailsBefore);
    const challenge = asked.body.secondFactor!.challenge;
    expect((await http.complete(challenge, activationCode)).body.error?.code).toBe("invalid_code");
    server.clock.advance(30_000);
    const next = await codeNow();
    const done = await http.complete(challenge, next);
    const second = sessionOf(done);

    // A confirmation by TOTP: a fresh code passes, a spent one is refused like a wrong password.
    const spent = await http.call(second, "POST", "/session/confirm", { totp: next });
    expect(spent.status).toBe(401);
    expect(spent.body.error).toMatchObject({
      code: "invalid_credentials",
      details: { reason: "wrong_code" },
    });
    server.clock.advance(30_000);
    expect((await http.call(second, "POST", "/session/confirm", { totp: await codeNow() })).status).toBe(200);
    expect((await http.call(second, "POST", "/session/confirm", {})).status).toBe(400);

    // Turning TOTP off weakens the sign-in: only within minutes of a confirmation.
    server.clock.advance(6 * MINUTE);
    const refused = await http.call(second, "DELETE", "/security/totp");
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({
      code: "confirmation_required",
      details: { action: "auth.totp.disable" },
    });
    expect((await http.call(second, "POST", "/session/confirm", { password: PASSWORD })).status).toBe(200);
    expect((await http.call(second, "DELETE", "/security/totp")).status).toBe(204);
    expect((await http.call(second, "GET", "/security")).body).toMatchObject({
      totp: { enabled: false },
      protection: { method: "email" },
    });
    expect((await http.call(second, "POST", "/session/confirm", { totp: "123456" })).status).toBe(409);
  });

  it("lets a sign-in through when nothing can reach the user, and says so on their page", async () => {
    const username = await newUser(undefined);
    const answer = await http.signIn(username);
    const session = sessionOf(answer);
    expect(answer.body.secondFactor).toBeUndefined();
    expect(server.logLines.some((line) => line.includes("without a second factor"))).toBe(true);
    expect((await http.call(session, "GET", "/security")).body).toMatchObject({
      email: null,
      totp: { enabled: false },
      protection: { newDeviceVerification: true, method: null, reason: "no_email" },
    });
    expect(announced.filter((e) => e.username === username)).toEqual([
      expect.objectContaining({ outcome: "success", newDevice: true }),
    ]);

    // The user gives an address (after a fresh confirmation): the next new device gets a code there.
    server.clock.advance(6 * MINUTE);
    const refused = await http.call(session, "PUT", "/security/email", { email: "Late@Example.test" });
    expect(refused.body.error).toMatchObject({
      code: "confirmation_required",
      details: { action: "auth.email.change" },
    });
    expect((await http.call(session, "POST", "/session/confirm", { password: PASSWORD })).status).toBe(200);
    const set = await http.call(session, "PUT", "/security/email", { email: "Late@Example.test" });
    expect(set.body).toEqual({ email: "late@example.test" });
    expect((await http.call(session, "GET", "/security")).body).toMatchObject({
      protection: { method: "email" },
    });
    expect((await http.signIn(username)).body.secondFactor?.sentTo).toBe("l***@example.test");
    expect(smtp.mails.at(-1)?.to).toEqual(["late@example.test"]);
  });

  it("announces wrong passwords of unknown and known users without the password", async () => {
    const username = await newUser("announce@example.test");
    await http.signIn(username, undefined, "not the password");
    await http.signIn("nobody-here", undefined, "not the password");
    expect(announced.slice(-2)).toEqual([
      expect.objectContaining({ username, outcome: "failure", userId: expect.any(String) }),
      expect.objectContaining({ username: "nobody-here", outcome: "failure", userId: null }),
    ]);
    expect(JSON.stringify(announced)).not.toContain("not the password");
  });
});

describe("the second factor when the mail server is down", () => {
  let server: TestServer;
  const http = client(() => server);

  beforeAll(async () => {
    // A port nothing listens on: the connection is refused at once.
    const closed = await smtpSink();
    const url = closed.url.replace("smtp://", "smtp://mailer:smtp-password-0xZ@");
    await closed.close();
    server = await createTestServer({ env: { ...PRODUCTION, WXGATE_SMTP_URL: url } });
    await server.auth.createAdmin({ username: "ops", password: PASSWORD, email: "ops@example.test" });
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it("answers 503 and opens no session, without the mail server's password in any answer or log", async () => {
    const answer = await http.signIn("ops");
    expect(answer.status).toBe(503);
    expect(answer.body.error?.code).toBe("unavailable");
    expect(answer.session).toBeUndefined();
    expect(JSON.stringify(answer.body)).not.toContain("smtp-password-0xZ");
    expect(server.logLines.some((line) => line.includes("e-mail failed"))).toBe(true);
    expect(server.logLines.join("")).not.toContain("smtp-password-0xZ");
  });
});

describe("the second factor in sandbox mode", () => {
  let server: TestServer;
  const http = client(() => server);

  beforeAll(async () => {
    server = await createTestServer({ env: { WXGATE_NEW_DEVICE_VERIFICATION: "true" } });
    await server.auth.createAdmin({ username: "demo", password: PASSWORD });
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it("always has the code: in the sandbox's mailbox and the log, even without an address", async () => {
    const asked = await http.signIn("demo");
    expect(asked.body.secondFactor).toMatchObject({ method: "email", sentTo: null, sandbox: true });
    const mailbox = await http.send("GET", "/sandbox/mail");
    const mail = (mailbox.body["mails"] as { username: string; code: string }[])[0];
    expect(mail).toMatchObject({ username: "demo", to: null });
    expect(server.logLines.some((line) => line.includes(`the sign-in code for demo is ${mail!.code}`))).toBe(
      true,
    );
    sessionOf(await http.complete(asked.body.secondFactor!.challenge, mail!.code));
  });
});
