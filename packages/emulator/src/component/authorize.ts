import { buildXml, componentLimits, permissionSets } from "@wxgate/wechat";
import type { EmulatorContext } from "../http/context.js";
import type { PushResult } from "../push/types.js";
import type { Account, Authorization, Platform } from "../world/types.js";
import type { World } from "../world/world.js";
import { withQuery } from "./input.js";

export const PRE_AUTH_CODE_VALIDITY_MS = componentLimits.preAuthCodeValiditySeconds * 1000;
export const AUTH_CODE_VALIDITY_SECONDS = componentLimits.authCodeValiditySeconds;
export const AUTHORIZER_TOKEN_TTL_MS = componentLimits.authorizerTokenExpiresInSeconds * 1000;

/** 1 official accounts, 2 mini programs, 3 both (WeChat's default). */
export type AuthType = 1 | 2 | 3;

/** Why an authorization cannot go ahead: a WeChat errcode when WeChat has one, and words for the page. */
export class AuthorizationRefusal extends Error {
  override name = "AuthorizationRefusal";
  constructor(
    readonly errcode: number | undefined,
    message: string,
    /** The control API's status for it. */
    readonly status: number = 400,
  ) {
    super(message);
  }
}

/** What confirming the authorization page does. */
export interface AuthorizeInput {
  componentAppId: string;
  preAuthCode: string;
  authorizerAppId: string;
  /** Permission sets ticked; default every set that applies to the account. */
  funcScopes?: number[] | undefined;
  redirectUri?: string | undefined;
  authType?: AuthType | undefined;
  bizAppId?: string | undefined;
}

export interface AuthorizeOutcome {
  authCode: string;
  expiresIn: number;
  /** `redirect_uri?auth_code=…&expires_in=600`, when a redirect_uri was given. */
  redirectUrl?: string;
  /** The event pushed to the platform; undefined for a re-authorization that changed nothing. */
  infoType?: "authorized" | "updateauthorized";
  funcScopes: number[];
  /** The push of the event (running). */
  push?: Promise<PushResult>;
}

/** Which permission-set family an account's authorization page shows. */
export function familyOf(account: Account): "official" | "miniprogram" {
  return account.kind === "miniprogram" ? "miniprogram" : "official";
}

/** The permission sets an account can grant a platform. */
export function applicableScopes(account: Account): number[] {
  const family = familyOf(account);
  return permissionSets.filter((set) => set.appliesTo === family).map((set) => set.id);
}

/** Reads `auth_type` (absent → 3); undefined when it is not 1, 2 or 3. */
export function parseAuthType(raw: string | undefined): AuthType | undefined {
  if (raw === undefined || raw === "") return 3;
  return raw === "1" ? 1 : raw === "2" ? 2 : raw === "3" ? 3 : undefined;
}

/** The accounts the page offers for `auth_type` and `biz_appid`. */
export function selectableAccounts(world: World, authType: AuthType, bizAppId?: string): Account[] {
  return Object.values(world.state.accounts).filter(
    (account) =>
      (bizAppId === undefined || bizAppId === "" || account.appId === bizAppId) &&
      (authType === 3 || (authType === 2) === (account.kind === "miniprogram")),
  );
}

/**
 * Whether a pre-auth code can still start an authorization: 0, 61009 (unknown or used) or
 * 61010 (expired).
 */
export function preAuthCodeRefusal(platform: Platform, code: string, now: number): 0 | 61009 | 61010 {
  const entry = code ? platform.preAuthCodes[code] : undefined;
  if (!entry || entry.used) return 61009;
  return now >= entry.expiresAt ? 61010 : 0;
}

/** Issues a pre-auth code (one use). */
export function createPreAuthCode(
  ctx: EmulatorContext,
  platform: Platform,
): { code: string; expiresIn: number } {
  const now = ctx.clock.now();
  for (const [key, entry] of Object.entries(platform.preAuthCodes)) {
    if (entry.expiresAt < now - 86_400_000) delete platform.preAuthCodes[key];
  }
  const code = ctx.ids.preAuthCode();
  platform.preAuthCodes[code] = {
    code,
    createdAt: now,
    expiresAt: now + PRE_AUTH_CODE_VALIDITY_MS,
    used: false,
  };
  return { code, expiresIn: Math.floor(PRE_AUTH_CODE_VALIDITY_MS / 1000) };
}

function sameScopes(a: readonly number[], b: readonly number[]): boolean {
  const left = [...new Set(a)].sort((x, y) => x - y);
  const right = [...new Set(b)].sort((x, y) => x - y);
  return left.length === right.length && left.every((id, i) => id === right[i]);
}

function chosenScopes(account: Account, requested: number[] | undefined): number[] {
  const applicable = applicableScopes(account);
  if (requested === undefined) return applicable;
  const wrong = requested.filter((id) => !applicable.includes(id));
  if (wrong.length > 0) {
    throw new AuthorizationRefusal(
      undefined,
      `permission sets ${wrong.join(", ")} do not apply to this account`,
    );
  }
  const scopes = [...new Set(requested)].sort((x, y) => x - y);
  if (scopes.length === 0) throw new AuthorizationRefusal(undefined, "tick at least one permission set");
  return scopes;
}

/** The `authorized` / `updateauthorized` push, as WeChat writes it. */
function authorizationXml(
  platform: Platform,
  infoType: "authorized" | "updateauthorized",
  authorizerAppId: string,
  authCode: string,
  preAuthCode: string,
  now: number,
): string {
  const seconds = Math.floor(now / 1000);
  return buildXml({
    AppId: platform.componentAppId,
    CreateTime: seconds,
    InfoType: infoType,
    AuthorizerAppid: authorizerAppId,
    AuthorizationCode: authCode,
    AuthorizationCodeExpiredTime: seconds + AUTH_CODE_VALIDITY_SECONDS,
    PreAuthCode: preAuthCode,
  });
}

/**
 * What the administrator's confirmation on the authorization page does: checks the pre-auth
 * code and the account, records the authorization (a re-authorization gets a new refresh
 * token, which kills the old one), issues the auth_code and pushes `authorized` (first time
 * or after a withdrawal) or `updateauthorized` (only when the permission sets changed).
 *
 * @throws {AuthorizationRefusal}
 */
export function authorize(ctx: EmulatorContext, input: AuthorizeInput): AuthorizeOutcome {
  const { world, ids } = ctx;
  const now = ctx.clock.now();
  const platform = world.platform(input.componentAppId);
  if (!platform) throw new AuthorizationRefusal(61011, "unknown third-party platform", 404);
  const codeRefusal = preAuthCodeRefusal(platform, input.preAuthCode, now);
  if (codeRefusal !== 0) {
    throw new AuthorizationRefusal(
      codeRefusal,
      codeRefusal === 61010
        ? "the pre_auth_code has expired"
        : "the pre_auth_code is invalid or was already used",
      410,
    );
  }
  const account = world.account(input.authorizerAppId);
  if (!account) throw new AuthorizationRefusal(40013, "unknown account", 404);
  const offered = selectableAccounts(world, input.authType ?? 3, input.bizAppId);
  if (!offered.some((a) => a.appId === account.appId)) {
    throw new AuthorizationRefusal(
      undefined,
      "this page does not offer that account (auth_type / biz_appid)",
    );
  }
  const scopes = chosenScopes(account, input.funcScopes);
  const existing = platform.authorizations[account.appId];
  const active = existing !== undefined && existing.revokedAt === undefined;
  if (!active) {
    const others = world.platformsAuthorizing(account.appId).length;
    if (others >= componentLimits.maxPlatformsPerAccount) {
      throw new AuthorizationRefusal(
        undefined,
        `an account may authorize at most ${componentLimits.maxPlatformsPerAccount} third-party platforms`,
        409,
      );
    }
  }

  let infoType: AuthorizeOutcome["infoType"];
  if (active) {
    if (!sameScopes(existing.funcScopes, scopes)) infoType = "updateauthorized";
    existing.refreshToken = ids.refreshToken();
    existing.funcScopes = scopes;
    existing.updatedAt = now;
  } else {
    const authorization: Authorization = {
      authorizerAppId: account.appId,
      refreshToken: ids.refreshToken(),
      funcScopes: scopes,
      authorizedAt: now,
      updatedAt: now,
    };
    platform.authorizations[account.appId] = authorization;
    infoType = "authorized";
  }
  const preAuth = platform.preAuthCodes[input.preAuthCode];
  if (preAuth) preAuth.used = true;

  for (const [key, entry] of Object.entries(platform.authCodes)) {
    if (entry.expiresAt < now - 86_400_000) delete platform.authCodes[key];
  }
  const authCode = ids.authCode();
  platform.authCodes[authCode] = {
    code: authCode,
    authorizerAppId: account.appId,
    createdAt: now,
    expiresAt: now + AUTH_CODE_VALIDITY_SECONDS * 1000,
    used: false,
  };

  const outcome: AuthorizeOutcome = { authCode, expiresIn: AUTH_CODE_VALIDITY_SECONDS, funcScopes: scopes };
  if (input.redirectUri) {
    outcome.redirectUrl = withQuery(input.redirectUri, {
      auth_code: authCode,
      expires_in: String(AUTH_CODE_VALIDITY_SECONDS),
    });
  }
  if (infoType) {
    outcome.infoType = infoType;
    const xml = authorizationXml(platform, infoType, account.appId, authCode, input.preAuthCode, now);
    outcome.push = ctx.use("push").pushToPlatform(platform.componentAppId, xml, `info:${infoType}`);
  }
  return outcome;
}

/**
 * What withdrawing the authorization in the MP backend does: the refresh token and every
 * authorizer token of that platform die at once, and `unauthorized` is pushed.
 *
 * @throws {AuthorizationRefusal} when there is no active authorization
 */
export function deauthorize(
  ctx: EmulatorContext,
  componentAppId: string,
  authorizerAppId: string,
): { push: Promise<PushResult> } {
  const { world, tokens } = ctx;
  const now = ctx.clock.now();
  const platform = world.platform(componentAppId);
  if (!platform) throw new AuthorizationRefusal(61011, "unknown third-party platform", 404);
  const authorization = platform.authorizations[authorizerAppId];
  if (!authorization || authorization.revokedAt !== undefined) {
    throw new AuthorizationRefusal(61003, "the account has not authorized this platform", 404);
  }
  authorization.revokedAt = now;
  for (const record of Object.values(world.state.tokens)) {
    if (
      record.kind === "authorizer" &&
      record.appId === authorizerAppId &&
      record.componentAppId === componentAppId
    ) {
      tokens.end(record.value, "immediate");
    }
  }
  const xml = buildXml({
    AppId: componentAppId,
    CreateTime: Math.floor(now / 1000),
    InfoType: "unauthorized",
    AuthorizerAppid: authorizerAppId,
  });
  return { push: ctx.use("push").pushToPlatform(componentAppId, xml, "info:unauthorized") };
}
