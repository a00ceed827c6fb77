import type { EmulatorModule } from "../http/context.js";
import { ControlError, controlRoute } from "../http/control-route.js";
import { createFollowerControl } from "./actions.js";
import type { FollowerRef, ScanInput, SubscriptionAnswer } from "./types.js";

export type * from "./types.js";

function str(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new ControlError(400, `${key} must be a string`);
  return value;
}

function num(body: Record<string, unknown>, key: string): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value))
    throw new ControlError(400, `${key} must be a number`);
  return value;
}

function required<T>(value: T | undefined, key: string): T {
  if (value === undefined || value === "") throw new ControlError(400, `${key} is required`);
  return value;
}

function refOf(body: Record<string, unknown>): FollowerRef & { nickname?: string } {
  const ref: FollowerRef & { nickname?: string } = { appId: required(str(body, "appId"), "appId") };
  const openId = str(body, "openId");
  const personId = str(body, "personId");
  const nickname = str(body, "nickname");
  if (openId) ref.openId = openId;
  if (personId) ref.personId = personId;
  if (nickname) ref.nickname = nickname;
  return ref;
}

function answersOf(body: Record<string, unknown>): SubscriptionAnswer[] {
  const list = body.templates;
  if (!Array.isArray(list)) throw new ControlError(400, "templates must be a list of {templateId, accept}");
  return list.map((item) => {
    if (typeof item !== "object" || item === null) throw new ControlError(400, "templates must be objects");
    const entry = item as Record<string, unknown>;
    const templateId = required(str(entry, "templateId"), "templateId");
    if (typeof entry.accept !== "boolean") throw new ControlError(400, "accept must be a boolean");
    return { templateId, accept: entry.accept };
  });
}

/**
 * Acting as a WeChat user: follow, scan, unfollow, send messages, click menus, answer
 * subscription pop-ups, read the inbox. On `control.follower` and `/__emulator/follower/...`.
 * Needs the push module.
 */
export const followerModule: EmulatorModule = {
  name: "follower",
  register(app, ctx) {
    const control = createFollowerControl(ctx);
    ctx.extendControl("follower", control);

    controlRoute(app, {
      method: "POST",
      path: "/follower/follow",
      handler: ({ body }) => control.follow(refOf(body)),
    });
    controlRoute(app, {
      method: "POST",
      path: "/follower/scan",
      handler: ({ body }) => {
        const input: ScanInput = refOf(body);
        const ticket = str(body, "ticket");
        if (ticket) input.ticket = ticket;
        const scene = body.scene;
        if (typeof scene === "string" || typeof scene === "number") input.scene = scene;
        else if (scene !== undefined) throw new ControlError(400, "scene must be a string or a number");
        return control.scan(input);
      },
    });
    controlRoute(app, {
      method: "POST",
      path: "/follower/unfollow",
      handler: ({ body }) => control.unfollow(refOf(body)),
    });
    controlRoute(app, {
      method: "POST",
      path: "/follower/send-text",
      handler: ({ body }) => control.sendText(refOf(body), required(str(body, "content"), "content")),
    });
    controlRoute(app, {
      method: "POST",
      path: "/follower/send-image",
      handler: ({ body }) => {
        const picUrl = str(body, "picUrl");
        const mediaId = str(body, "mediaId");
        return control.sendImage(refOf(body), {
          ...(picUrl ? { picUrl } : {}),
          ...(mediaId ? { mediaId } : {}),
        });
      },
    });
    controlRoute(app, {
      method: "POST",
      path: "/follower/send-location",
      handler: ({ body }) => {
        const scale = num(body, "scale");
        const label = str(body, "label");
        return control.sendLocation(refOf(body), {
          latitude: required(num(body, "latitude"), "latitude"),
          longitude: required(num(body, "longitude"), "longitude"),
          ...(scale === undefined ? {} : { scale }),
          ...(label === undefined ? {} : { label }),
        });
      },
    });
    controlRoute(app, {
      method: "POST",
      path: "/follower/click",
      handler: ({ body }) => control.clickMenu(refOf(body), required(str(body, "key"), "key")),
    });
    controlRoute(app, {
      method: "POST",
      path: "/follower/view",
      handler: ({ body }) =>
        control.openMenuUrl(refOf(body), required(str(body, "url"), "url"), str(body, "menuId")),
    });
    controlRoute(app, {
      method: "POST",
      path: "/follower/view-miniprogram",
      handler: ({ body }) =>
        control.openMenuMiniProgram(
          refOf(body),
          required(str(body, "pagePath"), "pagePath"),
          str(body, "menuId"),
        ),
    });
    controlRoute(app, {
      method: "POST",
      path: "/follower/subscription",
      handler: ({ body }) =>
        control.answerSubscription(refOf(body), answersOf(body), str(body, "popupScene")),
    });
    controlRoute(app, {
      method: "POST",
      path: "/follower/subscription-settings",
      handler: ({ body }) => control.changeSubscription(refOf(body), answersOf(body)),
    });
    controlRoute(app, {
      method: "GET",
      path: "/follower/inbox",
      handler: ({ query }) => {
        const ref: FollowerRef = { appId: required(query.appId, "appId") };
        if (query.openId) ref.openId = query.openId;
        if (query.personId) ref.personId = query.personId;
        return { inbox: control.inbox(ref) };
      },
    });
  },
};
