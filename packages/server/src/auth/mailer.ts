import { createTransport, type Transporter } from "nodemailer";
import { PlatformError } from "../platform/errors.js";
import type { Logger } from "../platform/logger.js";
import type { Clock } from "../platform/ports.js";

/** A sign-in code sent to a user, as the sandbox's mailbox keeps it. */
export interface SandboxMail {
  to: string | null;
  username: string;
  code: string;
  sentAt: number;
  expiresAt: number;
}

/** How many of the latest codes the sandbox's mailbox keeps. */
const MAILBOX_SIZE = 20;

/**
 * Sandbox mode's mailbox: the latest sign-in codes, shown by the sandbox panel (and written to
 * the log), so a sandbox always has the code without a mail server. In memory only.
 */
export class SandboxMailbox {
  readonly #mails: SandboxMail[] = [];

  add(mail: SandboxMail): void {
    this.#mails.unshift(mail);
    this.#mails.length = Math.min(this.#mails.length, MAILBOX_SIZE);
  }

  /** The latest first. */
  list(): SandboxMail[] {
    return [...this.#mails];
  }
}

/** Sends sign-in codes by e-mail (and, in sandbox mode, to the sandbox's mailbox and the log). */
export interface CodeMail {
  /** Whether a code can reach a user with this e-mail address. */
  reaches(email: string | null): boolean;
  /** Whether a mail server is configured. */
  readonly smtp: boolean;
  send(input: { to: string | null; username: string; code: string; expiresAt: number }): Promise<void>;
}

/** Options of {@link codeMail}. */
export interface CodeMailOptions {
  /** `smtp://…` or `smtps://…`; without it, no e-mail leaves (sandbox: the mailbox only). */
  smtpUrl: string | undefined;
  from: string | undefined;
  /** Sandbox mode: every code also goes to this mailbox and the log. */
  sandbox: SandboxMailbox | undefined;
  clock: Clock;
  logger: Logger;
}

/** The mail of a sign-in code, in both of the console's languages. */
function message(code: string, minutes: number): { subject: string; text: string } {
  return {
    subject: `wxgate 登录验证码 / sign-in code: ${code}`,
    text: [
      `您的 wxgate 登录验证码是 ${code}，${minutes} 分钟内有效。如果不是您本人在登录，请立即修改密码。`,
      "",
      `Your wxgate sign-in code is ${code}; it is valid for ${minutes} minutes.`,
      "If you are not signing in, change your password now.",
    ].join("\n"),
  };
}

/**
 * Sign-in codes by e-mail through nodemailer's SMTP transport (`WXGATE_SMTP_URL`, from
 * `WXGATE_MAIL_FROM`); in sandbox mode, to the sandbox's mailbox and the log as well.
 */
export function codeMail(options: CodeMailOptions): CodeMail {
  const { smtpUrl, sandbox, clock, logger } = options;
  const transport: Transporter | undefined = smtpUrl ? createTransport(smtpUrl) : undefined;
  const from = options.from ?? "wxgate <wxgate@localhost>";
  return {
    smtp: transport !== undefined,
    reaches: (email) => sandbox !== undefined || (transport !== undefined && !!email),
    async send({ to, username, code, expiresAt }) {
      const now = clock.now();
      if (sandbox) {
        sandbox.add({ to, username, code, sentAt: now, expiresAt });
        // Sandbox mode only: the code is shown where the person trying the sandbox looks.
        logger.info(`sandbox: the sign-in code for ${username} is ${code}`);
      }
      if (!transport || !to) return;
      const { subject, text } = message(code, Math.round((expiresAt - now) / 60_000));
      try {
        await transport.sendMail({ from, to, subject, text });
        logger.info({ user: { username } }, "a sign-in code was e-mailed");
      } catch (error) {
        // The SMTP error, not the mail: the code is not in it.
        logger.error({ err: error instanceof Error ? { message: error.message } : {} }, "e-mail failed");
        throw new PlatformError("unavailable", "the sign-in code could not be e-mailed; try again later");
      }
    },
  };
}
