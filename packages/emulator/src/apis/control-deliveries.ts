import type { FastifyInstance } from "fastify";
import { defined, optBoolean, optOneOf, optString, optStrings } from "../control/input.js";
import type { EmulatorContext } from "../http/context.js";
import { ControlError, controlRoute } from "../http/control-route.js";
import type { Account } from "../world/types.js";
import {
  DELIVERY_CHANNELS,
  type DeliveryLedger,
  type DeliveryQuery,
  type DeliverySummary,
} from "./deliveries.js";
import { apisState } from "./state.js";

/** An account's switches for load tests and benchmarks; WeChat's behaviour is the default. */
export interface ApisSettings {
  /** Daily quotas (45009), mass per-minute (45011) and mass quota (45028) rules off. */
  limitsLifted: boolean;
  /** TEMPLATESENDJOBFINISH pushed after each template send. */
  templateReceipts: boolean;
}

/** `control.apis` members about deliveries and the account's switches. */
export interface DeliveriesControl {
  /**
   * What the account's sends of one channel delivered (one or several template ids or mass
   * msg_ids, or all), per recipient; with an audience (`openIds`, `crowd`), who of it is missing.
   */
  deliveries(appId: string, query: DeliveryQuery): DeliverySummary;
  /** Forgets the account's counted deliveries (inboxes stay). */
  clearDeliveries(appId: string): void;
  settings(appId: string): ApisSettings;
  configure(appId: string, settings: Partial<ApisSettings>): ApisSettings;
}

/** Reads a summary query from a control body (or a GET query turned into one). */
function queryInput(body: Record<string, unknown>): DeliveryQuery {
  const channel = optOneOf(body, "channel", DELIVERY_CHANNELS);
  if (channel === undefined)
    throw new ControlError(400, `channel must be one of ${DELIVERY_CHANNELS.join(", ")}`);
  const id = optString(body, "id");
  const ids = optStrings(body, "ids");
  return defined({
    channel,
    ids: ids ?? (id === undefined ? undefined : [id]),
    openIds: optStrings(body, "openIds"),
    crowd: optBoolean(body, "crowd"),
    perOpenId: optBoolean(body, "perOpenId"),
  });
}

/** The deliveries and settings part of `control.apis`, with its routes. */
export function deliveriesControl(
  app: FastifyInstance,
  ctx: EmulatorContext,
  ledger: DeliveryLedger,
  account: (appId: string) => Account,
): DeliveriesControl {
  const { world } = ctx;
  const settingsOf = (found: Account): ApisSettings => ({
    limitsLifted: found.limitsLifted === true,
    templateReceipts: apisState(world).templateReceiptsOff[found.appId] !== true,
  });
  const control: DeliveriesControl = {
    deliveries: (appId, query) => ledger.summarize(account(appId).appId, query),
    clearDeliveries: (appId) => ledger.clear(account(appId).appId),
    settings: (appId) => settingsOf(account(appId)),
    configure: (appId, settings) => {
      const found = account(appId);
      if (settings.limitsLifted === true) found.limitsLifted = true;
      else if (settings.limitsLifted === false) delete found.limitsLifted;
      const off = apisState(world).templateReceiptsOff;
      if (settings.templateReceipts === false) off[found.appId] = true;
      else if (settings.templateReceipts === true) delete off[found.appId];
      return settingsOf(found);
    },
  };

  const base = "/apis/accounts/:appid";
  const appIdOf = (params: Record<string, string>) => params.appid ?? "";
  controlRoute(app, {
    method: "POST",
    path: `${base}/deliveries`,
    handler: ({ body, params }) => control.deliveries(appIdOf(params), queryInput(body)),
  });
  controlRoute(app, {
    method: "GET",
    path: `${base}/deliveries`,
    handler: ({ query, params }) => {
      const flag = (key: string) => (query[key] === undefined ? undefined : query[key] === "true");
      return control.deliveries(
        appIdOf(params),
        queryInput(
          defined({
            channel: query.channel,
            id: query.id,
            crowd: flag("crowd"),
            perOpenId: flag("perOpenId"),
          }),
        ),
      );
    },
  });
  controlRoute(app, {
    method: "DELETE",
    path: `${base}/deliveries`,
    handler: ({ params }) => {
      control.clearDeliveries(appIdOf(params));
      return { ok: true };
    },
  });
  controlRoute(app, {
    method: "GET",
    path: `${base}/settings`,
    handler: ({ params }) => control.settings(appIdOf(params)),
  });
  controlRoute(app, {
    method: "POST",
    path: `${base}/settings`,
    handler: ({ body, params }) =>
      control.configure(
        appIdOf(params),
        defined({
          limitsLifted: optBoolean(body, "limitsLifted"),
          templateReceipts: optBoolean(body, "templateReceipts"),
        }),
      ),
  });
  return control;
}
