import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * `npm run build` writes the static files the server serves at `/` (dist/, hashed assets under
 * dist/assets). `npm run dev` serves the console with hot reload and proxies the server's own
 * paths to a running wxgate (WXGATE_URL, http://127.0.0.1:3000 by default).
 */
const target = process.env["WXGATE_URL"] ?? "http://127.0.0.1:3000";
const routerBuild = join(
  dirname(dirname(dirname(createRequire(import.meta.url).resolve("react-router")))),
  "dist/production/index.mjs",
);
const proxied = ["/api", "/sandbox", "/__emulator", "/wechat", "/healthz"];

export default defineConfig(({ command }) => ({
  plugins: [react()],
  resolve: {
    // react-router's package points bundlers at its development build; a build takes the
    // production one (no dev warnings, a third of the size).
    alias: command === "build" ? [{ find: /^react-router$/, replacement: routerBuild }] : [],
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsDir: "assets",
    chunkSizeWarningLimit: 1500,
    // No inline module-preload polyfill: the page's CSP allows no inline script.
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: Object.fromEntries(proxied.map((path) => [path, { target, changeOrigin: false }])),
  },
}));
