import type { FastifyInstance } from "fastify";
import type { EmulatorContext } from "../http/context.js";
import { ControlError, controlRoute } from "../http/control-route.js";
import type { PushResult } from "../push/types.js";
import { AuthorizationRefusal, authorize, createPreAuthCode, deauthorize } from "./authorize.js";
import { pushTicket } from "./tickets.js";

/** Input of {@link ComponentControl.authorize}: what the administrator picks on the page. */
export interface ComponentAuthorizeInput {
  componentAppId: string;
  preAuthCode: string;
  authorizerAppId: string;
  /** Permission sets ticked; default every set that applies to the account. */
  funcScopes?: number[];
  redirectUri?: string;
}

export interface ComponentAuthorizeResult {
  authCode: string;
  expiresIn: number;
  /** `redirect_uri?auth_code=…&expires_in=600` (when a redirectUri was given). */
  redirectUrl?: string;
  funcScopes: number[];
  /** `authorized`, `updateauthorized`, or absent when a re-authorization changed nothing. */
  infoType?: "authorized" | "updateauthorized";
  /** The event push (finished). */
  push?: PushResult;
}

/** `control.component`: the administrator's and WeChat's side of the third-party platform. */
export interface ComponentControl {
  /** Does exactly what confirming the authorization page does; waits for the event push. */
  authorize(input: ComponentAuthorizeInput): Promise<ComponentAuthorizeResult>;
  /** Withdraws an authorization as the administrator would in the MP backend; pushes `unauthorized`. */
  deauthorize(input: { componentAppId: string; authorizerAppId: string }): Promise<{ push: PushResult }>;
  /** Pushes a fresh component_verify_ticket now. */
  pushTicket(componentAppId: string): Promise<{ ticket: string; push: PushResult }>;
  /** The latest ticket pushed (what the platform should hold). */
  ticket(componentAppId: string): { value: string; issuedAt: number } | undefined;
  /** A pre-auth code without a component_access_token (for demos and the sandbox). */
  createPreAuthCode(componentAppId: string): { preAuthCode: string; expiresIn: number };
}

declare module "../control/control.js" {
  interface EmulatorControlExtensions {
    component: ComponentControl;
  }
}

function asControlError(error: unknown): unknown {
  if (error instanceof AuthorizationRefusal) {
    return new ControlError(
      error.status,
      error.errcode === undefined ? error.message : `${error.errcode}: ${error.message}`,
    );
  }
  return error;
}

export function createComponentControl(ctx: EmulatorContext): ComponentControl {
  const platformOf = (componentAppId: string) => {
    const platform = ctx.world.platform(componentAppId);
    if (!platform) throw new ControlError(404, `no platform ${componentAppId}`);
    return platform;
  };
  return {
    async authorize(input) {
      let outcome: ReturnType<typeof authorize>;
      try {
        outcome = authorize(ctx, input);
      } catch (error) {
        throw asControlError(error);
      }
      const { push, ...rest } = outcome;
      const result: ComponentAuthorizeResult = { ...rest };
      if (push) result.push = await push;
      return result;
    },
    async deauthorize({ componentAppId, authorizerAppId }) {
      try {
        const { push } = deauthorize(ctx, componentAppId, authorizerAppId);
        return { push: await push };
      } catch (error) {
        throw asControlError(error);
      }
    },
    pushTicket: (componentAppId) => pushTicket(ctx, platformOf(componentAppId), ctx.clock.now()),
    ticket: (componentAppId) => {
      const ticket = platformOf(componentAppId).ticket;
      return ticket ? { ...ticket } : undefined;
    },
    createPreAuthCode(componentAppId) {
      const { code, expiresIn } = createPreAuthCode(ctx, platformOf(componentAppId));
      return { preAuthCode: code, expiresIn };
    },
  };
}

function requiredString(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (typeof value !== "string" || value === "")
    throw new ControlError(400, `${key} must be a non-empty string`);
  return value;
}

/** `/__emulator/component/...`. */
export function registerComponentControlRoutes(app: FastifyInstance, control: ComponentControl): void {
  controlRoute(app, {
    method: "POST",
    path: "/component/authorize",
    handler: ({ body }) => {
      const input: ComponentAuthorizeInput = {
        componentAppId: requiredString(body, "componentAppId"),
        preAuthCode: requiredString(body, "preAuthCode"),
        authorizerAppId: requiredString(body, "authorizerAppId"),
      };
      const scopes = body.funcScopes;
      if (scopes !== undefined) {
        if (!Array.isArray(scopes) || !scopes.every((id) => Number.isInteger(id))) {
          throw new ControlError(400, "funcScopes must be a list of permission set ids");
        }
        input.funcScopes = scopes as number[];
      }
      if (typeof body.redirectUri === "string") input.redirectUri = body.redirectUri;
      return control.authorize(input);
    },
  });
  controlRoute(app, {
    method: "POST",
    path: "/component/deauthorize",
    handler: ({ body }) =>
      control.deauthorize({
        componentAppId: requiredString(body, "componentAppId"),
        authorizerAppId: requiredString(body, "authorizerAppId"),
      }),
  });
  controlRoute(app, {
    method: "POST",
    path: "/component/push-ticket",
    handler: ({ body }) => control.pushTicket(requiredString(body, "componentAppId")),
  });
  controlRoute(app, {
    method: "GET",
    path: "/component/:componentAppId/ticket",
    handler: ({ params }) => ({ ticket: control.ticket(params.componentAppId ?? "") ?? null }),
  });
  controlRoute(app, {
    method: "POST",
    path: "/component/pre-auth-code",
    handler: ({ body }) => control.createPreAuthCode(requiredString(body, "componentAppId")),
  });
}
