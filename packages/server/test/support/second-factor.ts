import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { expect } from "vitest";
import { CSRF_HEADER, SESSION_COOKIE } from "../../src/http/principal.js";
import type { TestServer } from "../../src/testing/server.js";

/** What the second factor's tests share: a real SMTP sink, and an HTTP client with both cookies. */

export const PASSWORD = "correct horse battery staple";
export const MINUTE = 60_000;
export const DEVICE_COOKIE = "wxgate_device";
export const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

/** Settings of a production server: a component is configured, WeChat is not contacted here. */
export const PRODUCTION = {
  WXGATE_MODE: "production",
  WXGATE_COMPONENT_APPID: "wx0123456789abcdef",
  WXGATE_COMPONENT_SECRET: "0123456789abcdef0123456789abcdef",
  WXGATE_COMPONENT_TOKEN: "componenttoken",
  WXGATE_COMPONENT_ENCODING_AES_KEY: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
  WXGATE_NEW_DEVICE_VERIFICATION: "true",
};

export interface Mail {
  to: string[];
  text: string;
}

/** A local SMTP server keeping every mail it receives. */
export async function smtpSink(): Promise<{ url: string; mails: Mail[]; close(): Promise<void> }> {
  const mails: Mail[] = [];
  const sink = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        // Quoted-printable soft line breaks joined: the code is read as the user reads it.
        const text = Buffer.concat(chunks)
          .toString("utf8")
          .replace(/=\r?\n/g, "");
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), text });
        done();
      });
    },
  });
  await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
  const { port } = sink.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise<void>((resolve) => sink.close(() => resolve())),
  };
}

export function codeIn(mail: Mail | undefined): string {
  const code = /sign-in code is (\d{6})/.exec(mail?.text ?? "")?.[1];
  if (!code) throw new Error(`no code in the mail:\n${mail?.text}`);
  return code;
}

export interface Answer {
  status: number;
  body: Record<string, unknown> & {
    error?: { code: string; details?: Record<string, unknown> };
    secondFactor?: { challenge: string; method: string; sentTo: string | null; sandbox: boolean };
    csrfToken?: string;
  };
  session: string | undefined;
  device: string | undefined;
}

export interface Session {
  cookie: string;
  csrf: string;
}

export function client(server: () => TestServer) {
  async function send(
    method: string,
    url: string,
    options: { payload?: unknown; cookies?: Record<string, string | undefined>; csrf?: string } = {},
  ): Promise<Answer> {
    const cookie = Object.entries(options.cookies ?? {})
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => `${name}=${value}`)
      .join("; ");
    const response = await server().app.inject({
      method: method as "GET",
      url: `/api/v1${url}`,
      headers: {
        "user-agent": FIREFOX,
        ...(cookie ? { cookie } : {}),
        ...(options.csrf ? { [CSRF_HEADER]: options.csrf } : {}),
      },
      ...(options.payload === undefined ? {} : { payload: options.payload as Record<string, unknown> }),
    });
    return {
      status: response.statusCode,
      body: response.body ? response.json() : {},
      session: response.cookies.find((c) => c.name === SESSION_COOKIE)?.value,
      device: response.cookies.find((c) => c.name === DEVICE_COOKIE)?.value,
    };
  }
  return {
    send,
    signIn: (username: string, device?: string, password = PASSWORD) =>
      send("POST", "/session", { payload: { username, password }, cookies: { [DEVICE_COOKIE]: device } }),
    complete: (challenge: string, code: string, device?: string) =>
      send("POST", "/session/second-factor", {
        payload: { challenge, code },
        cookies: { [DEVICE_COOKIE]: device },
      }),
    call: (as: Session, method: string, url: string, payload?: unknown) =>
      send(method, url, { payload, cookies: { [SESSION_COOKIE]: as.cookie }, csrf: as.csrf }),
  };
}

export function sessionOf(answer: Answer): Session {
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  expect(answer.session).toBeTruthy();
  return { cookie: answer.session!, csrf: answer.body.csrfToken! };
}
