import type { EmulatorModule } from "../http/context.js";
import { ControlError, controlRoute } from "../http/control-route.js";
import { createPushService } from "./service.js";
import { pushState, sessionKey, settingsProblem } from "./state.js";
import type { PushControl, PushLogFilter, PushSettings } from "./types.js";

export type * from "./types.js";

function numberParam(query: Record<string, string>, key: string): number | undefined {
  const raw = query[key];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new ControlError(400, `${key} must be a number`);
  return value;
}

function settingsInput(body: Record<string, unknown>): Partial<PushSettings> {
  const out: Partial<PushSettings> = {};
  for (const key of ["replyTimeoutMs", "attempts", "logCapacity"] as const) {
    const value = body[key];
    if (value === undefined) continue;
    if (typeof value !== "number") throw new ControlError(400, `${key} must be a number`);
    out[key] = value;
  }
  return out;
}

/**
 * The push delivery engine: offers `ctx.use("push")` to the other modules, `control.push`
 * (log, settings, idle, agent sessions) and `/__emulator/push/...`.
 */
export const pushModule: EmulatorModule = {
  name: "push",
  register(app, ctx) {
    const service = createPushService(ctx);
    ctx.provide("push", service);

    const control: PushControl = {
      log(filter: PushLogFilter = {}) {
        const entries = pushState(ctx.world).log.filter(
          (entry) =>
            (filter.target === undefined || entry.target === filter.target) &&
            (filter.event === undefined || entry.event === filter.event) &&
            (filter.since === undefined || entry.at >= filter.since),
        );
        return (filter.limit === undefined ? entries : entries.slice(-filter.limit)).map((e) => ({ ...e }));
      },
      settings: () => service.settings(),
      configure(settings) {
        const problem = settingsProblem(settings);
        if (problem) throw new ControlError(400, problem);
        const state = pushState(ctx.world);
        state.settings = { ...state.settings, ...settings };
        return { ...state.settings };
      },
      idle: () => service.idle(),
      agentSession: (appId, openId) => {
        const session = service.agentSession(appId, openId);
        return session ? { ...session } : undefined;
      },
      endAgentSession(appId, openId) {
        const sessions = pushState(ctx.world).agentSessions;
        const key = sessionKey(appId, openId);
        const open = service.agentSession(appId, openId) !== undefined;
        delete sessions[key];
        return open;
      },
    };
    ctx.extendControl("push", control);

    controlRoute(app, {
      method: "GET",
      path: "/push/log",
      handler: ({ query }) => {
        const filter: PushLogFilter = {};
        if (query.target) filter.target = query.target;
        if (query.event) filter.event = query.event;
        const since = numberParam(query, "since");
        if (since !== undefined) filter.since = since;
        const limit = numberParam(query, "limit");
        if (limit !== undefined) filter.limit = limit;
        return { attempts: control.log(filter) };
      },
    });
    controlRoute(app, { method: "GET", path: "/push/settings", handler: () => control.settings() });
    controlRoute(app, {
      method: "POST",
      path: "/push/settings",
      handler: ({ body }) => control.configure(settingsInput(body)),
    });
    controlRoute(app, {
      method: "POST",
      path: "/push/idle",
      handler: async () => {
        await control.idle();
        return { ok: true };
      },
    });
    controlRoute(app, {
      method: "GET",
      path: "/push/agent-session",
      handler: ({ query }) => ({
        session: control.agentSession(query.appId ?? "", query.openId ?? "") ?? null,
      }),
    });
    controlRoute(app, {
      method: "POST",
      path: "/push/agent-session/end",
      handler: ({ body }) => {
        const appId = typeof body.appId === "string" ? body.appId : "";
        const openId = typeof body.openId === "string" ? body.openId : "";
        return { ended: control.endAgentSession(appId, openId) };
      },
    });
  },
};
