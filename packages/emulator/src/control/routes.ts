import type { FastifyInstance } from "fastify";
import type { EmulatorContext, EmulatorModule } from "../http/context.js";
import { ControlError, controlRoute } from "../http/control-route.js";
import type { NewAccount, NewFollower, NewPlatform } from "../world/factory.js";
import type { FaultKind } from "../world/types.js";
import { defined, optBoolean, optNumber, optObject, optOneOf, optString, optStrings } from "./input.js";

function newPlatform(body: Record<string, unknown>): NewPlatform {
  return defined({
    componentAppId: optString(body, "componentAppId"),
    secret: optString(body, "secret"),
    name: optString(body, "name"),
    token: optString(body, "token"),
    encodingAESKey: optString(body, "encodingAESKey"),
    authEventUrl: optString(body, "authEventUrl"),
    messageUrl: optString(body, "messageUrl"),
    ticketPush: optBoolean(body, "ticketPush"),
    ipWhitelist: optStrings(body, "ipWhitelist"),
  });
}

function newAccount(body: Record<string, unknown>): NewAccount {
  const server = optObject(body, "server");
  const limits = optObject(body, "limits");
  if (limits && !Object.values(limits).every((v) => Number.isInteger(v) && (v as number) >= 0)) {
    throw new ControlError(400, "limits must map API paths to whole numbers");
  }
  return defined({
    appId: optString(body, "appId"),
    secret: optString(body, "secret"),
    kind: optOneOf(body, "kind", ["subscription", "service", "miniprogram"] as const),
    verifyType: optOneOf(body, "verifyType", [-1, 0, 1, 2, 3, 4, 5] as const),
    status: optOneOf(body, "status", [1, 14, 16, 18, 19] as const),
    nickname: optString(body, "nickname"),
    originalId: optString(body, "originalId"),
    principalName: optString(body, "principalName"),
    alias: optString(body, "alias"),
    testAccount: optBoolean(body, "testAccount"),
    ipWhitelist: optStrings(body, "ipWhitelist"),
    limits: limits as Record<string, number> | undefined,
    server: server
      ? defined({
          url: optString(server, "url") ?? "",
          token: optString(server, "token"),
          encodingAESKey: optString(server, "encodingAESKey"),
          mode: optOneOf(server, "mode", ["plaintext", "compatible", "safe"] as const),
        })
      : undefined,
  });
}

function newFollower(value: unknown): NewFollower {
  if (typeof value !== "object" || value === null) throw new ControlError(400, "followers must be objects");
  const body = value as Record<string, unknown>;
  const tagIds = body.tagIds;
  if (tagIds !== undefined && !(Array.isArray(tagIds) && tagIds.every((t) => Number.isInteger(t)))) {
    throw new ControlError(400, "tagIds must be a list of integers");
  }
  return defined({
    openId: optString(body, "openId"),
    personId: optString(body, "personId"),
    nickname: optString(body, "nickname"),
    subscribed: optBoolean(body, "subscribed"),
    subscribeTime: optNumber(body, "subscribeTime"),
    subscribeScene: optString(body, "subscribeScene"),
    language: optString(body, "language"),
    remark: optString(body, "remark"),
    tagIds: tagIds as number[] | undefined,
  });
}

function register(app: FastifyInstance, ctx: EmulatorContext): void {
  const control = ctx.control;

  controlRoute(app, { method: "GET", path: "/summary", handler: () => control.summary() });

  controlRoute(app, {
    method: "POST",
    path: "/platforms",
    handler: ({ body }) => control.createPlatform(newPlatform(body)),
  });
  controlRoute(app, {
    method: "POST",
    path: "/accounts",
    handler: ({ body }) => control.createAccount(newAccount(body)),
  });
  controlRoute(app, {
    method: "POST",
    path: "/accounts/:appid/followers",
    handler: ({ body, params }) => {
      const appid = params.appid ?? "";
      if (!ctx.world.account(appid)) throw new ControlError(404, `no account ${appid}`);
      const count = optNumber(body, "count");
      const list = body.followers;
      if (list !== undefined) {
        if (!Array.isArray(list)) throw new ControlError(400, "followers must be a list");
        return { followers: control.createFollowers(appid, list.map(newFollower)) };
      }
      if (count === undefined || !Number.isInteger(count) || count < 1 || count > 100_000) {
        throw new ControlError(400, "give followers (a list) or count (1–100000)");
      }
      return { followers: control.createFollowers(appid, count) };
    },
  });
  controlRoute(app, {
    method: "GET",
    path: "/accounts/:appid/followers",
    handler: ({ query, params }) => {
      const appid = params.appid ?? "";
      if (!ctx.world.account(appid)) throw new ControlError(404, `no account ${appid}`);
      const limit = query.limit === undefined ? 50 : Number(query.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
        throw new ControlError(400, "limit must be a whole number from 1 to 1000");
      }
      const { subscribed } = query;
      if (subscribed !== undefined && subscribed !== "true" && subscribed !== "false") {
        throw new ControlError(400, "subscribed must be true or false");
      }
      return control.followers(
        appid,
        defined({
          limit,
          search: query.q,
          subscribed: subscribed === undefined ? undefined : subscribed === "true",
        }),
      );
    },
  });
  controlRoute(app, {
    method: "POST",
    path: "/accounts/:appid/tags",
    handler: ({ body, params }) => {
      const appid = params.appid ?? "";
      if (!ctx.world.account(appid)) throw new ControlError(404, `no account ${appid}`);
      const names = optStrings(body, "names");
      if (!names || names.length === 0) throw new ControlError(400, "names must be a non-empty list");
      return { tags: control.createTags(appid, names) };
    },
  });
  controlRoute(app, {
    method: "POST",
    path: "/accounts/:appid/invalidate-token",
    handler: ({ body, params }) => {
      const record = control.invalidateToken(
        params.appid ?? "",
        defined({
          kind: optOneOf(body, "kind", ["basic", "stable", "authorizer"] as const),
          componentAppId: optString(body, "componentAppId"),
          overlap: optBoolean(body, "overlap"),
        }),
      );
      return { access_token: record.value, expires_at: record.expiresAt };
    },
  });

  controlRoute(app, { method: "GET", path: "/clock", handler: () => ({ now: control.now() }) });
  controlRoute(app, {
    method: "POST",
    path: "/clock/advance",
    handler: async ({ body }) => {
      const ms = optNumber(body, "ms");
      if (ms === undefined || ms < 0) throw new ControlError(400, "ms must be a non-negative number");
      return { now: await control.advanceClock(ms) };
    },
  });
  controlRoute(app, {
    method: "POST",
    path: "/clock/set",
    handler: async ({ body }) => {
      const now = optNumber(body, "now");
      if (now === undefined) throw new ControlError(400, "now must be epoch milliseconds");
      return { now: await control.setClock(now) };
    },
  });

  controlRoute(app, {
    method: "POST",
    path: "/faults",
    handler: ({ body }) =>
      control.addFault(
        defined({
          api: optString(body, "api") ?? "",
          kind: optOneOf(body, "kind", ["latency", "http5xx", "errcode", "drop_push"] as const) as FaultKind,
          count: optNumber(body, "count"),
          ms: optNumber(body, "ms"),
          status: optNumber(body, "status"),
          errcode: optNumber(body, "errcode"),
        }),
      ),
  });
  controlRoute(app, { method: "GET", path: "/faults", handler: () => ({ faults: control.faults() }) });
  controlRoute(app, {
    method: "DELETE",
    path: "/faults",
    handler: () => {
      control.clearFaults();
      return { ok: true };
    },
  });

  controlRoute(app, {
    method: "GET",
    path: "/requests",
    handler: ({ query }) => {
      const num = (key: string): number | undefined => {
        const raw = query[key];
        if (raw === undefined || raw === "") return undefined;
        const n = Number(raw);
        if (!Number.isFinite(n)) throw new ControlError(400, `${key} must be a number`);
        return n;
      };
      return {
        requests: control.requestLog(
          defined({
            appid: query.appid,
            path: query.path,
            errcode: num("errcode"),
            since: num("since"),
            limit: num("limit"),
          }),
        ),
      };
    },
  });
  controlRoute(app, {
    method: "GET",
    path: "/rids/:rid",
    handler: ({ params }) => {
      const record = control.rid(params.rid ?? "");
      if (!record) throw new ControlError(404, "unknown rid");
      return record;
    },
  });

  controlRoute(app, { method: "GET", path: "/snapshot", handler: () => control.snapshot() });
  controlRoute(app, {
    method: "POST",
    path: "/snapshot",
    // Only the configured file: a path from the network would let any caller write anywhere.
    handler: async () => ({ file: await control.saveSnapshot() }),
  });
  controlRoute(app, {
    method: "POST",
    path: "/snapshot/restore",
    handler: ({ body }) => {
      control.restore(body);
      return { ok: true };
    },
  });
}

/** The control API under `/__emulator` (core operations; modules add theirs). */
export const controlModule: EmulatorModule = { name: "control", register };
