import { z } from "zod";
import { defineRoute, type Route } from "../http/route.js";
import { errors, PlatformError } from "../platform/errors.js";
import type { Logger } from "../platform/logger.js";
import { type Actor, confirmationRequired, requireReach } from "../platform/policy.js";
import type { AccountRepository, AccountSecretColumn } from "./repository.js";

/** The secrets of an account a person may view (seed 002: AppSecret, Token, EncodingAESKey). */
export const revealableSecrets = {
  appSecret: "app_secret",
  token: "receipt_token",
  encodingAesKey: "receipt_aes_key",
  sendAppSecret: "send_app_secret",
} as const satisfies Record<string, AccountSecretColumn>;
export type RevealableSecret = keyof typeof revealableSecrets;

/** What the secret view needs of the auth module: using up the session's confirmation. */
export interface ConfirmationLedger {
  consumeConfirmation(sessionId: string): Promise<boolean>;
}

/**
 * Viewing a secret of an account: a risk operation, taken only by a console user, once per
 * confirmation — the view uses the confirmation up, so the next view (or the next risk
 * operation) asks for the password again. No list or read of an account ever carries a secret:
 * this answer is the only one that does, and the audit log records that it was given (never
 * what).
 */
export class AccountSecrets {
  constructor(
    private readonly options: {
      repository: AccountRepository;
      ledger: ConfirmationLedger;
      logger: Logger;
    },
  ) {}

  async reveal(
    actor: Actor,
    sessionId: string | undefined,
    appId: string,
    name: RevealableSecret,
  ): Promise<{ name: RevealableSecret; value: string }> {
    requireReach(actor, "accounts.secrets.reveal", appId);
    // An API key cannot confirm, so it has no confirmation to spend: a person views secrets.
    if (actor.via !== "session" || sessionId === undefined) {
      throw new PlatformError("forbidden", "only a signed-in user may view a secret, once per confirmation", {
        reason: "session_required",
        action: "accounts.secrets.reveal",
      });
    }
    const row = await this.options.repository.find(appId);
    if (!row) throw errors.notFound("the account");
    const column = revealableSecrets[name];
    if (!row[column]) throw errors.notFound(`the account's ${name}`);
    // Used up before the secret is read: two views racing for one confirmation get one answer.
    if (!(await this.options.ledger.consumeConfirmation(sessionId))) {
      throw confirmationRequired("accounts.secrets.reveal");
    }
    const value = this.options.repository.open(row, column);
    if (value === undefined) throw errors.notFound(`the account's ${name}`);
    this.options.logger.info(
      { appid: appId, secret: name, user: { id: actor.userId } },
      "a secret was viewed",
    );
    return { name, value };
  }
}

const params = z.object({
  appid: z.string().regex(/^wx[0-9a-zA-Z]{16}$/, "must look like wx followed by 16 letters or digits"),
});
const secretName = z.enum(Object.keys(revealableSecrets) as [RevealableSecret, ...RevealableSecret[]]);

/** `POST /accounts/:appid/secrets/reveal`: the one answer that carries a secret. */
export function secretRoutes(secrets: AccountSecrets): Route[] {
  return [
    defineRoute({
      method: "POST",
      url: "/accounts/:appid/secrets/reveal",
      action: "accounts.secrets.reveal",
      account: (p) => p.appid,
      summary: "View one secret of an account, once per confirmation",
      description:
        "A risk operation for the account's super admin or an administrator, in the console only: it needs a confirmation of the user's identity (`POST /session/confirm`) and uses it up, so each view asks for the password again (403 `confirmation_required`). The view is audited; the value is in this answer only. `appSecret`, `token` (the callback Token), `encodingAesKey`, `sendAppSecret` (a mini program's send config).",
      params,
      body: z.object({ secret: secretName }),
      response: z.object({ name: secretName, value: z.string() }),
      handler: ({ actor, principal, params: p, body }) =>
        secrets.reveal(actor, principal.sessionId, p.appid, body.secret),
    }),
  ];
}
