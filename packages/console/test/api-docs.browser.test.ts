import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, OUTPUT_DIR, seriousViolations, WatchedPage } from "./support/browser.js";
import { type RunningServer, startServer } from "./support/server.js";

let browser: Browser;
let server: RunningServer;

beforeAll(async () => {
  browser = await launchBrowser();
  server = await startServer();
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await browser?.close();
});

describe("the API reference at /api/v1/docs", () => {
  it("renders every operation with its request schema and an example, under its CSP, with no error", async () => {
    const watched = await WatchedPage.open(browser, server.url, "en-US");
    const { page } = watched;
    try {
      await watched.goto("/api/v1/docs");
      await page.getByText("/api/v1/api-keys").first().waitFor();
      const document = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as {
        paths: Record<string, Record<string, unknown>>;
      };
      const expected = Object.entries(document.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
      );
      // Past a hundred or so operations Swagger UI renders only those near the viewport (a
      // virtualised list): every operation is seen once the page is scrolled from top to bottom.
      const seen = new Set<string>();
      // A pass from the top to the bottom; a second or third only should the list still be
      // settling its measured heights under load.
      for (let pass = 0; pass < 3 && expected.some((key) => !seen.has(key)); pass += 1) {
        await page.evaluate(() => window.scrollTo(0, 0));
        for (let step = 0; step < 1_000; step += 1) {
          // Two frames: the list renders what the last scroll brought near.
          await page.evaluate(
            () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
          );
          const shown = await page
            .locator(".opblock")
            .evaluateAll((blocks) =>
              blocks.map(
                (b) =>
                  `${b.querySelector(".opblock-summary-method")?.textContent ?? ""} ${b.querySelector(".opblock-summary-path")?.getAttribute("data-path") ?? ""}`,
              ),
            );
          for (const key of shown) seen.add(key);
          const atEnd = await page.evaluate(() => {
            const before = window.scrollY;
            window.scrollBy(0, 400);
            return window.scrollY === before;
          });
          if (atEnd) break;
        }
      }
      expect(expected.filter((key) => !seen.has(key))).toEqual([]);
      expect(seen.size).toBe(expected.length);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.locator(".opblock-summary", { hasText: "Create an API key" }).click();
      await page.getByText("Example Value").first().waitFor();
      await page.getByText("Schema", { exact: true }).first().click();
      await page.locator(".model-box").first().waitFor();
      mkdirSync(OUTPUT_DIR, { recursive: true });
      await page.screenshot({ path: join(OUTPUT_DIR, "api-docs.png") });
      watched.assertClean();
    } finally {
      await watched.close();
    }
  });

  it("has no serious or critical axe-core violation, an operation opened or not, at both widths", async () => {
    const watched = await WatchedPage.open(browser, server.url, "en-US");
    const { page } = watched;
    try {
      await watched.goto("/api/v1/docs");
      await page.getByText("/api/v1/admins").first().waitFor();
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: width === 1280 ? 800 : 844 });
        expect(await seriousViolations(page), `axe on /api/v1/docs at ${width}`).toEqual([]);
      }
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.locator(".opblock-summary", { hasText: "Add an administrator" }).click();
      await page.getByText("Example Value").first().waitFor();
      expect(await seriousViolations(page), "axe on /api/v1/docs with an operation open").toEqual([]);
      watched.assertClean();
    } finally {
      await watched.close();
    }
  });
});
