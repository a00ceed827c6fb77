import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, gzipSync } from "node:zlib";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

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
/** Writes `.gz` and `.br` beside each asset: the server sends them to browsers that accept them. */
function precompress(): Plugin {
  return {
    name: "wxgate-precompress",
    apply: "build",
    closeBundle() {
      const dir = fileURLToPath(new URL("./dist/assets", import.meta.url));
      for (const name of readdirSync(dir)) {
        if (!/\.(js|css)$/.test(name)) continue;
        const body = readFileSync(join(dir, name));
        writeFileSync(join(dir, `${name}.gz`), gzipSync(body, { level: 9 }));
        writeFileSync(join(dir, `${name}.br`), brotliCompressSync(body));
      }
    },
  };
}

const proxied = ["/api", "/sandbox", "/__emulator", "/wechat", "/healthz"];

export default defineConfig(({ command }) => ({
  plugins: [react(), precompress()],
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
