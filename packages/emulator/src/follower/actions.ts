import type { EmulatorContext } from "../http/context.js";
import { ControlError } from "../http/control-route.js";
import type { AccountPush } from "../push/types.js";
import { createFollower } from "../world/factory.js";
import type { Account, Follower, InteractionTrigger, QrCode } from "../world/types.js";
import type { FollowerActionResult, FollowerControl, FollowerRef, FollowInput } from "./types.js";
import { eventXml, messageXml } from "./xml.js";

function accountOf(ctx: EmulatorContext, appId: string): Account {
  const account = appId ? ctx.world.account(appId) : undefined;
  if (!account) throw new ControlError(404, `no account ${appId}`);
  return account;
}

/** The follower named by OpenID or personId, if the account knows them. */
function find(ctx: EmulatorContext, ref: FollowerRef): Follower | undefined {
  const followers = ctx.world.followersOf(ref.appId);
  if (ref.openId) return followers[ref.openId];
  if (ref.personId) return Object.values(followers).find((f) => f.personId === ref.personId);
  return undefined;
}

/** An existing follower; official accounts also need them to be following. */
/** Template type of a long-term subscription. */
const LONG_TERM = 3;

function acting(ctx: EmulatorContext, ref: FollowerRef): { account: Account; follower: Follower } {
  const account = accountOf(ctx, ref.appId);
  if (!ref.openId && !ref.personId) throw new ControlError(400, "give openId or personId");
  const follower = find(ctx, ref);
  if (!follower) throw new ControlError(404, `no follower ${ref.openId ?? ref.personId} of ${ref.appId}`);
  if (account.kind !== "miniprogram" && !follower.subscribed) {
    throw new ControlError(409, `${follower.openId} does not follow ${account.appId}`);
  }
  return { account, follower };
}

/** Makes the person follow (new follower, or back after unfollowing). */
function subscribe(
  ctx: EmulatorContext,
  account: Account,
  input: FollowInput,
  existing: Follower | undefined,
  scene: string,
): Follower {
  const now = ctx.clock.now();
  if (existing) {
    existing.subscribed = true;
    existing.subscribeTime = now;
    existing.subscribeScene = scene;
    delete existing.unsubscribeTime;
    return existing;
  }
  return createFollower(ctx.world, ctx.ids, now, account.appId, {
    ...(input.openId ? { openId: input.openId } : {}),
    ...(input.personId ? { personId: input.personId } : {}),
    ...(input.nickname ? { nickname: input.nickname } : {}),
    subscribeScene: scene,
  });
}

function touch(ctx: EmulatorContext, follower: Follower, trigger: InteractionTrigger): void {
  follower.lastInteraction[trigger] = { at: ctx.clock.now(), used: 0 };
}

async function push(
  ctx: EmulatorContext,
  follower: Follower,
  xml: string,
  event: string,
  userMessage: boolean,
): Promise<FollowerActionResult> {
  const request: AccountPush = { appId: follower.appId, xml, event, openId: follower.openId, userMessage };
  const result = await ctx.use("push").pushToAccount(request);
  return {
    openId: follower.openId,
    ...(follower.unionId === undefined ? {} : { unionId: follower.unionId }),
    subscribed: follower.subscribed,
    xml,
    push: result,
  };
}

/** The QR code behind a ticket, checked against the account and the clock. */
function qrCodeOf(ctx: EmulatorContext, appId: string, ticket: string): QrCode {
  const qr = Object.hasOwn(ctx.world.state.qrcodes, ticket) ? ctx.world.state.qrcodes[ticket] : undefined;
  if (!qr) throw new ControlError(404, "no QR code with that ticket");
  if (qr.appId !== appId) throw new ControlError(409, "that QR code belongs to another account");
  if (qr.expiresAt !== undefined && ctx.clock.now() >= qr.expiresAt)
    throw new ControlError(410, "the QR code has expired");
  return qr;
}

/** The follower actions, each pushing what WeChat would push. */
export function createFollowerControl(ctx: EmulatorContext): FollowerControl {
  const now = () => ctx.clock.now();

  return {
    async follow(input) {
      const account = accountOf(ctx, input.appId);
      const existing = find(ctx, input);
      if (existing?.subscribed)
        throw new ControlError(409, `${existing.openId} already follows ${account.appId}`);
      const follower = subscribe(ctx, account, input, existing, "ADD_SCENE_SEARCH");
      touch(ctx, follower, "subscribe");
      return push(
        ctx,
        follower,
        eventXml(account, follower.openId, now(), "subscribe"),
        "event:subscribe",
        false,
      );
    },

    async scan(input) {
      const account = accountOf(ctx, input.appId);
      let scene: string;
      let ticket: string | undefined;
      let qr: QrCode | undefined;
      if (input.ticket) {
        qr = qrCodeOf(ctx, account.appId, input.ticket);
        ticket = qr.ticket;
        scene = qr.sceneStr ?? String(qr.sceneId ?? "");
      } else if (input.scene !== undefined && input.scene !== "") {
        scene = String(input.scene);
      } else {
        throw new ControlError(400, "give a ticket or a scene");
      }
      const existing = find(ctx, input);
      const ticketField = ticket === undefined ? {} : { Ticket: ticket };
      if (existing?.subscribed) {
        touch(ctx, existing, "scan");
        const xml = eventXml(account, existing.openId, now(), "SCAN", { EventKey: scene, ...ticketField });
        return push(ctx, existing, xml, "event:SCAN", false);
      }
      const follower = subscribe(ctx, account, input, existing, "ADD_SCENE_QR_CODE");
      delete follower.qrScene;
      delete follower.qrSceneStr;
      if (qr?.sceneStr !== undefined || (qr === undefined && !/^\d+$/.test(scene)))
        follower.qrSceneStr = scene;
      else follower.qrScene = Number(scene);
      touch(ctx, follower, "subscribe");
      const xml = eventXml(account, follower.openId, now(), "subscribe", {
        EventKey: `qrscene_${scene}`,
        ...ticketField,
      });
      return push(ctx, follower, xml, "event:subscribe", false);
    },

    async unfollow(ref) {
      const { account, follower } = acting(ctx, ref);
      follower.subscribed = false;
      follower.unsubscribeTime = now();
      return push(
        ctx,
        follower,
        eventXml(account, follower.openId, now(), "unsubscribe"),
        "event:unsubscribe",
        false,
      );
    },

    async sendText(ref, content) {
      if (content === "") throw new ControlError(400, "content must not be empty");
      const { account, follower } = acting(ctx, ref);
      touch(ctx, follower, "message");
      const xml = messageXml(account, follower.openId, now(), "text", { Content: content }, ctx.ids.msgId());
      return push(ctx, follower, xml, "text", true);
    },

    async sendImage(ref, image = {}) {
      const { account, follower } = acting(ctx, ref);
      touch(ctx, follower, "message");
      const fields = {
        PicUrl: image.picUrl ?? `http://mmbiz.qpic.cn/mmbiz_jpg/${ctx.ids.alnum(24)}/0`,
        MediaId: image.mediaId ?? ctx.ids.mediaId(),
      };
      const xml = messageXml(account, follower.openId, now(), "image", fields, ctx.ids.msgId());
      return push(ctx, follower, xml, "image", true);
    },

    async sendLocation(ref, location) {
      const { latitude, longitude } = location;
      if (!(Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180)) {
        throw new ControlError(400, "latitude must lie in [-90, 90] and longitude in [-180, 180]");
      }
      const { account, follower } = acting(ctx, ref);
      touch(ctx, follower, "message");
      const fields = {
        Location_X: latitude,
        Location_Y: longitude,
        Scale: location.scale ?? 15,
        Label: location.label ?? "",
      };
      const xml = messageXml(account, follower.openId, now(), "location", fields, ctx.ids.msgId());
      return push(ctx, follower, xml, "location", true);
    },

    async clickMenu(ref, key) {
      if (key === "") throw new ControlError(400, "key must not be empty");
      const { account, follower } = acting(ctx, ref);
      touch(ctx, follower, "click");
      return push(
        ctx,
        follower,
        eventXml(account, follower.openId, now(), "CLICK", { EventKey: key }),
        "event:CLICK",
        false,
      );
    },

    async openMenuUrl(ref, url, menuId) {
      if (url === "") throw new ControlError(400, "url must not be empty");
      const { account, follower } = acting(ctx, ref);
      touch(ctx, follower, "click");
      const fields = { EventKey: url, ...(menuId === undefined ? {} : { MenuId: menuId }) };
      return push(
        ctx,
        follower,
        eventXml(account, follower.openId, now(), "VIEW", fields),
        "event:VIEW",
        false,
      );
    },

    async openMenuMiniProgram(ref, pagePath, menuId) {
      if (pagePath === "") throw new ControlError(400, "pagePath must not be empty");
      const { account, follower } = acting(ctx, ref);
      touch(ctx, follower, "click");
      const fields = { EventKey: pagePath, ...(menuId === undefined ? {} : { MenuId: menuId }) };
      return push(
        ctx,
        follower,
        eventXml(account, follower.openId, now(), "view_miniprogram", fields),
        "event:view_miniprogram",
        false,
      );
    },

    async answerSubscription(ref, answers, popupScene = "0") {
      if (answers.length === 0) throw new ControlError(400, "answer at least one template");
      const { account, follower } = acting(ctx, ref);
      for (const { templateId, accept } of answers) {
        // Each acceptance allows one message of that template (subscribe/send uses it up).
        follower.consents[templateId] = (follower.consents[templateId] ?? 0) + (accept ? 1 : 0);
      }
      touch(ctx, follower, "other");
      const list = answers.map(({ templateId, accept }) => ({
        TemplateId: templateId,
        SubscribeStatusString: accept ? "accept" : "reject",
        PopupScene: popupScene,
      }));
      const xml = eventXml(account, follower.openId, now(), "subscribe_msg_popup_event", {
        SubscribeMsgPopupEvent: { List: list },
      });
      return push(ctx, follower, xml, "event:subscribe_msg_popup_event", false);
    },

    async changeSubscription(ref, answers) {
      if (answers.length === 0) throw new ControlError(400, "answer at least one template");
      const { account, follower } = acting(ctx, ref);
      const templates = ctx.world.state.templates[account.appId] ?? [];
      for (const { templateId, accept } of answers) {
        // Switched off in the settings: nothing more of that template until accepted again.
        // Switched back on: a long-term subscription holds again; one-time messages are
        // granted by the pop-up only.
        const longTerm = templates.find((t) => t.templateId === templateId)?.type === LONG_TERM;
        if (!accept) follower.consents[templateId] = 0;
        else if (longTerm) follower.consents[templateId] = Math.max(follower.consents[templateId] ?? 0, 1);
      }
      touch(ctx, follower, "other");
      const list = answers.map(({ templateId, accept }) => ({
        TemplateId: templateId,
        SubscribeStatusString: accept ? "accept" : "reject",
      }));
      const xml = eventXml(account, follower.openId, now(), "subscribe_msg_change_event", {
        SubscribeMsgChangeEvent: { List: list },
      });
      return push(ctx, follower, xml, "event:subscribe_msg_change_event", false);
    },

    inbox(ref) {
      accountOf(ctx, ref.appId);
      const follower = find(ctx, ref);
      if (!follower) throw new ControlError(404, `no follower ${ref.openId ?? ref.personId} of ${ref.appId}`);
      return follower.inbox.map((item) => ({ ...item }));
    },
  };
}
