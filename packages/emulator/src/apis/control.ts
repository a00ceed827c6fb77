import type { FastifyInstance } from "fastify";
import { defined, optNumber, optString } from "../control/input.js";
import type { EmulatorContext } from "../http/context.js";
import { ControlError, controlRoute } from "../http/control-route.js";
import { crowdPrefix } from "../world/crowd.js";
import type { Follower, InboxItem, MassJob, QrCode, Template } from "../world/types.js";
import { type DeliveriesControl, deliveriesControl } from "./control-deliveries.js";
import type { DeliveryLedger } from "./deliveries.js";
import type { EventOutbox, RaisedEvent } from "./events.js";
import { apisState, isBlocked } from "./state.js";
import { addTemplate, type NewTemplate, templatesOf } from "./templates.js";

/** The largest crowd: enough for the 1,000,000-follower sync benchmark with room to spare. */
const MAX_CROWD = 10_000_000;

/** `control.apis`: what tests, the console and the CLI do to the APIs' state. */
export interface ApisControl extends DeliveriesControl {
  /** Adds a template to an account's library (25 at most → ControlError 409). */
  addTemplate(appId: string, input?: NewTemplate): Template;
  templates(appId: string): Template[];
  /** Makes a follower refuse (or accept again) the account's template and mass messages. */
  setBlocked(appId: string, openId: string, blocked: boolean): void;
  isBlocked(appId: string, openId: string): boolean;
  /** What a follower received from the account, oldest first. */
  inbox(appId: string, openId: string): InboxItem[];
  qrCodes(appId: string): QrCode[];
  massJobs(appId: string): MassJob[];
  /** TEMPLATESENDJOBFINISH / MASSSENDJOBFINISH events raised for the account, oldest first. */
  events(appId: string): RaisedEvent[];
  /**
   * Gives the account `count` generated followers (a crowd: see world/crowd.ts), after its
   * stored ones in user/get; cheap enough for a million. Replaces an earlier crowd.
   */
  setCrowd(appId: string, count: number): { prefix: string; count: number };
}

declare module "../control/control.js" {
  interface EmulatorControlExtensions {
    apis: ApisControl;
  }
}

/** Builds `control.apis` and its routes under `/__emulator/apis/…`. */
export function registerApisControl(
  app: FastifyInstance,
  ctx: EmulatorContext,
  outbox: EventOutbox,
  ledger: DeliveryLedger,
): void {
  const { world, ids } = ctx;
  const account = (appId: string) => {
    const found = world.account(appId);
    if (!found) throw new ControlError(404, `no account ${appId}`);
    return found;
  };
  const follower = (appId: string, openId: string): Follower => {
    account(appId);
    const found = world.follower(appId, openId);
    if (!found) throw new ControlError(404, `no follower ${openId}`);
    return found;
  };

  const control: ApisControl = {
    ...deliveriesControl(app, ctx, ledger, account),
    addTemplate: (appId, input = {}) => {
      account(appId);
      const template = addTemplate(world, ids, appId, input);
      if (!template) throw new ControlError(409, "the account already has 25 templates");
      return template;
    },
    templates: (appId) => [...templatesOf(world, account(appId).appId)],
    setBlocked: (appId, openId, blocked) => {
      follower(appId, openId);
      const all = apisState(world).blocked;
      const book = all[appId] ?? {};
      all[appId] = book;
      if (blocked) book[openId] = true;
      else delete book[openId];
    },
    isBlocked: (appId, openId) => isBlocked(world, appId, openId),
    // Read without storing a crowd member: one nobody looked up has received counts only.
    inbox: (appId, openId) => {
      account(appId);
      const found = world.peekFollower(appId, openId);
      if (!found) throw new ControlError(404, `no follower ${openId}`);
      return [...found.inbox];
    },
    qrCodes: (appId) => Object.values(world.state.qrcodes).filter((c) => c.appId === account(appId).appId),
    massJobs: (appId) => [...(world.state.massJobs[account(appId).appId] ?? [])],
    events: (appId) => outbox.list(account(appId).appId),
    setCrowd: (appId, count) => {
      account(appId);
      if (!Number.isInteger(count) || count < 0 || count > MAX_CROWD) {
        throw new ControlError(400, `count must be a whole number from 0 to ${MAX_CROWD}`);
      }
      const prefix = crowdPrefix(appId);
      world.setCrowd(appId, { prefix, count, firstSubscribeTime: ctx.clock.now() });
      return { prefix, count };
    },
  };
  ctx.extendControl("apis", control);

  const base = "/apis/accounts/:appid";
  const appIdOf = (params: Record<string, string>) => params.appid ?? "";
  controlRoute(app, {
    method: "POST",
    path: `${base}/templates`,
    handler: ({ body, params }) =>
      control.addTemplate(
        appIdOf(params),
        defined({
          title: optString(body, "title"),
          content: optString(body, "content"),
          example: optString(body, "example"),
          primaryIndustry: optString(body, "primaryIndustry"),
          deputyIndustry: optString(body, "deputyIndustry"),
          type: optNumber(body, "type"),
        }),
      ),
  });
  controlRoute(app, {
    method: "GET",
    path: `${base}/templates`,
    handler: ({ params }) => ({ templates: control.templates(appIdOf(params)) }),
  });
  controlRoute(app, {
    method: "POST",
    path: `${base}/followers/:openid/block`,
    handler: ({ body, params }) => {
      const blocked = body.blocked === undefined ? true : body.blocked;
      if (typeof blocked !== "boolean") throw new ControlError(400, "blocked must be a boolean");
      control.setBlocked(appIdOf(params), params.openid ?? "", blocked);
      return { blocked };
    },
  });
  controlRoute(app, {
    method: "GET",
    path: `${base}/followers/:openid/inbox`,
    handler: ({ params }) => ({ inbox: control.inbox(appIdOf(params), params.openid ?? "") }),
  });
  controlRoute(app, {
    method: "GET",
    path: `${base}/qrcodes`,
    handler: ({ params }) => ({ qrcodes: control.qrCodes(appIdOf(params)) }),
  });
  controlRoute(app, {
    method: "GET",
    path: `${base}/mass-jobs`,
    handler: ({ params }) => ({ jobs: control.massJobs(appIdOf(params)) }),
  });
  controlRoute(app, {
    method: "POST",
    path: `${base}/crowd`,
    handler: ({ body, params }) => control.setCrowd(appIdOf(params), optNumber(body, "count") ?? Number.NaN),
  });
  controlRoute(app, {
    method: "GET",
    path: `${base}/events`,
    handler: ({ params }) => ({ events: control.events(appIdOf(params)) }),
  });
}
