import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyPluginAsync, FastifyReply } from "fastify";
import type { ModuleFactory } from "../module.js";

/** Where the console's built files are (packages/console/dist, built by `npm run build`). */
export function consoleDist(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("@wxgate/console/package.json")), "dist");
}

/** Paths that belong to the server: never answered with the console's page. */
export const SERVER_PREFIXES = ["/api", "/wechat", "/sandbox", "/__emulator", "/healthz", "/assets"] as const;

const STYLE_NONCE = "__WXGATE_STYLE_NONCE__";
const MODE = "__WXGATE_MODE__";

/**
 * The console's Content-Security-Policy: its own scripts and API, data: images (QR codes),
 * WeChat's image CDN over https (avatars WeChat hosts, such as customer-service accounts'),
 * its own stylesheets plus the style elements Ant Design writes at run time, which carry this
 * response's nonce; no inline script, no framing.
 */
export function consoleCsp(nonce: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data: https://mmbiz.qpic.cn https://wx.qlogo.cn",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

const MISSING_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>wxgate</title></head>
<body><h1>The console is not built</h1><p>Run <code>npm run build</code> in the repository (npm install does it), then restart wxgate. The API is at <a href="/api/v1/docs">/api/v1/docs</a>.</p></body></html>
`;

function homePlugin(options: { mode: "sandbox" | "production"; dist: string }): FastifyPluginAsync {
  return async (app) => {
    const indexFile = join(options.dist, "index.html");
    const built = existsSync(indexFile);
    const template = built ? readFileSync(indexFile, "utf8").replace(MODE, options.mode) : MISSING_PAGE;

    const sendPage = (reply: FastifyReply) => {
      const nonce = randomBytes(16).toString("base64");
      return (
        reply
          .header("content-security-policy", consoleCsp(nonce))
          // Not `no-referrer`: WeChat's authorization page checks that it was opened from the
          // platform's registered domain, which it learns from the Referer's origin.
          .header("referrer-policy", "strict-origin-when-cross-origin")
          .header("cache-control", "no-cache")
          .type("text/html; charset=utf-8")
          .send(template.replaceAll(STYLE_NONCE, nonce))
      );
    };

    if (built) {
      // Hashed file names: a file never changes under its name.
      await app.register(fastifyStatic, {
        root: join(options.dist, "assets"),
        prefix: "/assets/",
        index: false,
        // The build writes .br and .gz beside each file; sent to browsers that accept them.
        preCompressed: true,
        immutable: true,
        maxAge: 365 * 24 * 60 * 60 * 1000,
      });
      const favicon = join(options.dist, "favicon.ico");
      if (existsSync(favicon)) {
        const icon = readFileSync(favicon);
        app.get("/favicon.ico", async (_request, reply) =>
          reply.header("cache-control", "public, max-age=86400").type("image/x-icon").send(icon),
        );
      }
    }

    app.get("/", async (_request, reply) => sendPage(reply));
    // The console's own routes (/accounts, /accounts/wx…): the same page, the router takes over.
    app.get("/*", async (request, reply) => {
      const path = request.url.split("?")[0] ?? "/";
      if (SERVER_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`)))
        return reply.callNotFound();
      return sendPage(reply);
    });
  };
}

/**
 * The web console at `/`: its page (index.html, never cached, a fresh style nonce each time),
 * its hashed assets (cached for a year), `/favicon.ico`, and the page again for any other
 * path the console's router owns.
 */
export const homeModule: ModuleFactory = (context) => ({
  name: "home",
  plugin: homePlugin({ mode: context.config.mode, dist: consoleDist() }),
});
