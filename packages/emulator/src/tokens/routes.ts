import { timingSafeEqual } from "node:crypto";
import { tokenLimits } from "@wxgate/wechat";
import type { FastifyInstance } from "fastify";
import type { EmulatorContext, EmulatorModule } from "../http/context.js";
import { beijingDay } from "../http/quota.js";
import { type WxCall, wxRoute } from "../http/route.js";
import { WxFault } from "../http/wx-error.js";
import type { Account } from "../world/types.js";

/** stable_token (normal mode) keeps its token until this close to expiry. */
export const STABLE_MIN_REMAINING_MS = tokenLimits.stableMinExpiresInSeconds * 1000;
/** stable_token force_refresh: at most this many a day… */
export const STABLE_FORCE_PER_DAY: number = tokenLimits.stableForceRefreshPerDay;
/** …and this far apart. */
export const STABLE_FORCE_SPACING_MS = tokenLimits.stableForceRefreshMinIntervalSeconds * 1000;

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Strips the IPv4-mapped prefix Node gives on dual-stack sockets. */
function plainIp(ip: string): string {
  return ip.startsWith("::ffff:") ? ip.slice(7) : ip;
}

/**
 * The credential checks both token APIs share, in WeChat's order: grant_type (40002),
 * appid (41002 / 40013; a platform's appid gets 61024), secret (41004 / 40125), IP whitelist (40164).
 */
function authenticate(ctx: EmulatorContext, call: WxCall, input: Record<string, unknown>): Account {
  if (input.grant_type !== "client_credential") throw new WxFault(40002);
  const appid = typeof input.appid === "string" ? input.appid : "";
  if (!appid) throw new WxFault(41002);
  call.setAppId(appid);
  if (ctx.world.platform(appid)) throw new WxFault(61024);
  const account = ctx.world.account(appid);
  if (!account) throw new WxFault(40013);
  const secret = typeof input.secret === "string" ? input.secret : "";
  if (!secret) throw new WxFault(41004);
  if (!sameSecret(secret, account.secret)) throw new WxFault(40125);
  if (account.ipWhitelist && account.ipWhitelist.length > 0) {
    const ip = plainIp(call.request.ip);
    if (!account.ipWhitelist.includes(ip)) {
      throw new WxFault(40164, {}, `invalid ip ${ip} ipv6 ::ffff:${ip}, not in whitelist`);
    }
  }
  return account;
}

function registerToken(app: FastifyInstance, ctx: EmulatorContext): void {
  wxRoute(app, ctx, {
    method: "GET",
    path: "/cgi-bin/token",
    auth: "none",
    handler: (call) => {
      const account = authenticate(ctx, call, call.query);
      if (!ctx.quota.consume(account, "/cgi-bin/token")) throw new WxFault(45009);
      const record = ctx.tokens.issue({
        kind: "basic",
        appId: account.appId,
        previous: account.latestToken.basic,
        supersede: "overlap",
      });
      account.latestToken.basic = record.value;
      return { access_token: record.value, expires_in: ctx.tokens.expiresIn(record) };
    },
  });
}

function registerStableToken(app: FastifyInstance, ctx: EmulatorContext): void {
  wxRoute(app, ctx, {
    method: "POST",
    path: "/cgi-bin/stable_token",
    auth: "none",
    handler: (call) => {
      const input =
        typeof call.body === "object" && call.body !== null ? (call.body as Record<string, unknown>) : {};
      const account = authenticate(ctx, call, input);
      if (!ctx.quota.consume(account, "/cgi-bin/stable_token")) throw new WxFault(45009);
      const force = input.force_refresh === true;
      const current = account.latestToken.stable;
      if (force) {
        const day = beijingDay(call.now);
        const state = account.stable;
        if (state.forceDay !== day) {
          state.forceDay = day;
          state.forceCount = 0;
        }
        if (state.forceCount >= STABLE_FORCE_PER_DAY) throw new WxFault(45009);
        if (state.lastForceAt !== undefined && call.now - state.lastForceAt < STABLE_FORCE_SPACING_MS) {
          throw new WxFault(45011);
        }
        state.forceCount += 1;
        state.lastForceAt = call.now;
      } else if (current !== undefined) {
        const check = ctx.tokens.check(current);
        if (check.ok && check.record.expiresAt - call.now > STABLE_MIN_REMAINING_MS) {
          return { access_token: check.record.value, expires_in: ctx.tokens.expiresIn(check.record) };
        }
      }
      const record = ctx.tokens.issue({
        kind: "stable",
        appId: account.appId,
        previous: current,
        supersede: force ? "immediate" : "overlap",
      });
      account.latestToken.stable = record.value;
      return { access_token: record.value, expires_in: ctx.tokens.expiresIn(record) };
    },
  });
}

/** `/cgi-bin/token` and `/cgi-bin/stable_token`. */
export const tokenModule: EmulatorModule = {
  name: "token",
  register(app, ctx) {
    registerToken(app, ctx);
    registerStableToken(app, ctx);
  },
};
