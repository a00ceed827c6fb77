import { z } from "zod";
import { defineRoute, type Route } from "../http/route.js";
import type { TokenService } from "./service.js";

const params = z.object({
  appid: z.string().regex(/^wx[0-9a-zA-Z]{16}$/, "must look like wx followed by 16 letters or digits"),
});
const tokenView = z.object({
  access_token: z.string(),
  expires_at: z.number().int().describe("Epoch milliseconds."),
});

/** The central token server's API (中控). */
export function tokenRoutes(tokens: TokenService): Route[] {
  return [
    defineRoute({
      method: "GET",
      url: "/accounts/:appid/access-token",
      action: "tokens.read",
      account: (params) => params.appid,
      tags: ["tokens"],
      summary: "The account's access token, valid now",
      description:
        "Refreshed by wxgate alone, ahead of expiry; never refresh it elsewhere. A disabled or de-authorized account, or one whose platform authorization has ended, answers 409 with `details.reason` `account_disabled`, `account_unauthorized` or `authorization_lapsed`.",
      params,
      response: tokenView,
      handler: async ({ params }) => {
        const token = await tokens.accessToken(params.appid);
        return { access_token: token.accessToken, expires_at: token.expiresAt };
      },
    }),
    defineRoute({
      method: "POST",
      url: "/accounts/:appid/access-token/invalidate",
      action: "tokens.invalidate",
      account: (params) => params.appid,
      tags: ["tokens"],
      summary: "Report a token WeChat rejected; get the new one",
      description:
        "Send the rejected `access_token`: the token is refreshed once however many callers report it at the same time, and callers whose token was already replaced get the current one. Without `access_token` the token is replaced unconditionally.",
      params,
      body: z.object({ access_token: z.string().min(1).max(512).optional() }).default({}),
      response: tokenView,
      handler: async ({ params, body }) => {
        const token = await tokens.invalidate(params.appid, body.access_token);
        return { access_token: token.accessToken, expires_at: token.expiresAt };
      },
    }),
  ];
}
