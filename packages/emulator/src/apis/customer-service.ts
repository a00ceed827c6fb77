import {
  boundaryOf,
  checkKfAccount,
  checkKfNickname,
  checkMediaUpload,
  kfLimits,
  parseMultipart,
} from "@wxgate/wechat";
import type { FastifyInstance } from "fastify";
import type { EmulatorContext } from "../http/context.js";
import { wxRoute } from "../http/route.js";
import { tokenRoutes } from "../http/token-routes.js";
import { WxFault } from "../http/wx-error.js";
import { accountOf, bodyOf } from "./input.js";

/** One customer-service account as getkflist shows it. */
export interface StoredKfAccount {
  kf_account: string;
  kf_nick: string;
  kf_id: string;
  kf_headimgurl: string;
}

/** The emulator's customer-service state, under `extensions.customerService`. */
export interface CustomerServiceBook {
  /** appId → kf_account → account. */
  accounts: Record<string, Record<string, StoredKfAccount>>;
  /** appId → the current jsapi ticket. */
  tickets: Record<string, { ticket: string; expiresAt: number }>;
  nextKfId: number;
}

export const CUSTOMER_SERVICE_EXTENSION = "customerService";
const TICKET_TTL_S = 7200;

/**
 * `customservice/kfaccount/add|update|del|uploadheadimg`, `customservice/getkflist` and
 * `ticket/getticket` (jsapi, wx_card). Rules shared with wxgate: 65404 malformed account,
 * 65403 nickname, 65405 over 100 accounts, 65406 exists, 65401 unknown account.
 */
export function registerCustomerService(app: FastifyInstance, ctx: EmulatorContext): void {
  const route = tokenRoutes(app, ctx);
  const { world, ids } = ctx;
  const book = () =>
    world.extension<CustomerServiceBook>(CUSTOMER_SERVICE_EXTENSION, () => ({
      accounts: {},
      tickets: {},
      nextKfId: 1001,
    }));
  const accountsOf = (appId: string) => {
    const all = book().accounts;
    all[appId] ??= {};
    return all[appId];
  };
  const existing = (appId: string, name: unknown) => {
    const checked = checkKfAccount(name);
    if (!checked.ok) throw new WxFault(checked.errcode);
    const accounts = accountsOf(appId);
    const found = Object.hasOwn(accounts, checked.value) ? accounts[checked.value] : undefined;
    if (!found) throw new WxFault(65401);
    return found;
  };

  route.post("/customservice/kfaccount/add", (call) => {
    const appId = accountOf(call).appId;
    const body = bodyOf(call);
    const name = checkKfAccount(body.kf_account);
    if (!name.ok) throw new WxFault(name.errcode);
    const nick = checkKfNickname(body.nickname);
    if (!nick.ok) throw new WxFault(nick.errcode);
    const accounts = accountsOf(appId);
    if (Object.hasOwn(accounts, name.value)) throw new WxFault(65406);
    if (Object.keys(accounts).length >= kfLimits.maxAccounts) throw new WxFault(65405);
    accounts[name.value] = {
      kf_account: name.value,
      kf_nick: nick.value,
      kf_id: String(book().nextKfId++),
      kf_headimgurl: "",
    };
    return { errcode: 0, errmsg: "ok" };
  });

  route.post("/customservice/kfaccount/update", (call) => {
    const body = bodyOf(call);
    const found = existing(accountOf(call).appId, body.kf_account);
    const nick = checkKfNickname(body.nickname);
    if (!nick.ok) throw new WxFault(nick.errcode);
    found.kf_nick = nick.value;
    return { errcode: 0, errmsg: "ok" };
  });

  route.post("/customservice/kfaccount/del", (call) => {
    const appId = accountOf(call).appId;
    const found = existing(appId, bodyOf(call).kf_account);
    delete accountsOf(appId)[found.kf_account];
    return { errcode: 0, errmsg: "ok" };
  });

  wxRoute(app, ctx, {
    method: "POST",
    path: "/customservice/kfaccount/uploadheadimg",
    auth: "access_token",
    body: "raw",
    handler: (call) => {
      const found = existing(accountOf(call).appId, call.query.kf_account);
      const boundary = boundaryOf(call.request.headers["content-type"]);
      const part = (boundary ? parseMultipart(call.raw, boundary) : undefined)?.find(
        (p) => p.name === "media",
      );
      if (!part?.filename) throw new WxFault(41005);
      // An avatar follows the thumb rule: a jpg of at most 64 KB (WeChat advises 640×640).
      const checked = checkMediaUpload("temporary", "thumb", {
        filename: part.filename,
        size: part.data.length,
        head: part.data,
      });
      if (!checked.ok) throw new WxFault(checked.errcode);
      found.kf_headimgurl = `http://mmbiz.qpic.cn/mmbiz_jpg/${ids.alnum(40)}/300?wx_fmt=jpeg`;
      return { errcode: 0, errmsg: "ok" };
    },
  });

  route.get("/cgi-bin/customservice/getkflist", (call) => ({
    kf_list: Object.values(accountsOf(accountOf(call).appId)),
  }));

  route.get("/cgi-bin/ticket/getticket", (call) => {
    const appId = accountOf(call).appId;
    const type = call.query.type;
    if (type !== "jsapi" && type !== "wx_card") throw new WxFault(40097);
    const key = `${appId}:${type}`;
    const tickets = book().tickets;
    let current = Object.hasOwn(tickets, key) ? tickets[key] : undefined;
    // The same ticket until it expires, as WeChat hands it out.
    if (!current || current.expiresAt <= call.now) {
      current = { ticket: ids.alnum(86), expiresAt: call.now + TICKET_TTL_S * 1000 };
      tickets[key] = current;
    }
    return {
      errcode: 0,
      errmsg: "ok",
      ticket: current.ticket,
      expires_in: Math.max(1, Math.round((current.expiresAt - call.now) / 1000)),
    };
  });
}
