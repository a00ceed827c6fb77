import type { EmulatorModule } from "../http/context.js";
import { registerComponentApis } from "./apis.js";
import { createComponentControl, registerComponentControlRoutes } from "./control.js";
import { registerAuthorizationPages } from "./page.js";
import { scheduleTicketPushes } from "./tickets.js";

export type { ComponentAuthorizeInput, ComponentAuthorizeResult, ComponentControl } from "./control.js";

/**
 * The third-party platform (第三方平台): ticket pushes every 10 minutes, the component APIs,
 * the authorization pages (PC and mobile), authorization events, and `control.component`.
 * Needs the push module.
 */
export const componentModule: EmulatorModule = {
  name: "component",
  register(app, ctx) {
    registerComponentApis(app, ctx);
    registerAuthorizationPages(app, ctx);
    scheduleTicketPushes(ctx);
    const control = createComponentControl(ctx);
    ctx.extendControl("component", control);
    registerComponentControlRoutes(app, control);
  },
};
