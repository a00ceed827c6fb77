import type { FastifyPluginAsync } from "fastify";
import type { ModuleFactory } from "../module.js";
import { renderPage, SCRIPT_PATH, STYLE_PATH } from "./page.js";
import { renderScript } from "./script.js";
import { languageOf } from "./strings.js";
import { STYLE } from "./style.js";

export { SCRIPT_PATH, STYLE_PATH } from "./page.js";

/**
 * The page's Content-Security-Policy: its own script, stylesheet and API, and data: images
 * (the QR code); nothing else, no inline code, no framing.
 */
export const HOME_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");

const homePlugin: FastifyPluginAsync = async (app) => {
  const pages = { zh: renderPage("zh"), en: renderPage("en") };
  const script = renderScript();

  app.addHook("onSend", async (_request, reply, payload) => {
    reply.header("content-security-policy", HOME_CSP);
    // Not `no-referrer`: WeChat's authorization page checks that it was opened from the
    // platform's registered domain, which it learns from the Referer's origin.
    reply.header("referrer-policy", "strict-origin-when-cross-origin");
    return payload;
  });

  app.get("/", async (request, reply) => {
    const { lang } = request.query as { lang?: unknown };
    return reply
      .header("cache-control", "no-store")
      .type("text/html; charset=utf-8")
      .send(pages[languageOf(lang)]);
  });
  app.get(SCRIPT_PATH, async (_request, reply) =>
    reply.header("cache-control", "no-cache").type("text/javascript; charset=utf-8").send(script),
  );
  app.get(STYLE_PATH, async (_request, reply) =>
    reply.header("cache-control", "no-cache").type("text/css; charset=utf-8").send(STYLE),
  );
};

/**
 * The authorization-management page at `/` (微信授权管理): a thin client of the JSON API,
 * in Chinese by default (`?lang=en` for English), until the web console replaces it.
 */
export const homeModule: ModuleFactory = () => ({ name: "home", plugin: homePlugin });
