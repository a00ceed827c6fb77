import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { expect } from "vitest";

/**
 * The console's browser tests drive Debian's Chromium (`scripts/install-browser.mjs` installs it
 * with fonts-noto-cjk). No browser is a failure, never a skip.
 */

const consoleDir = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const repoDir = resolve(consoleDir, "../..");
export const OUTPUT_DIR = join(repoDir, "test-output", "console");

export const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;
export type Language = "zh-CN" | "en-US";
export const LANGUAGES: readonly Language[] = ["zh-CN", "en-US"];

function chromiumPath(): string {
  const candidates = [process.env["WXGATE_CHROMIUM"], "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  const found = candidates.find((path): path is string => !!path && existsSync(path));
  if (!found)
    throw new Error(
      "Chromium was not found (looked for WXGATE_CHROMIUM, /usr/bin/chromium): run `node scripts/install-browser.mjs`",
    );
  return found;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    // Root in a container: Chromium's own sandbox needs user namespaces it may not have.
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--font-render-hinting=none"],
  });
}

function newestMtime(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** Builds the console when its files are missing or older than its sources. */
export function ensureConsoleBuilt(): void {
  const index = join(consoleDir, "dist", "index.html");
  const sources = Math.max(
    newestMtime(join(consoleDir, "src")),
    newestMtime(join(consoleDir, "index.html")),
    newestMtime(join(consoleDir, "public")),
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const built = spawnSync("npx", ["vite", "build", "--logLevel", "warn"], {
    cwd: consoleDir,
    stdio: "inherit",
  });
  if (built.status !== 0) throw new Error("the console did not build");
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * A button by the text it shows, once it is not loading. Ant Design keeps a spent loading icon
 * (labelled "loading") inside a button when the icon's leave motion never ends, which happens
 * under CPU load; the button's accessible name then reads "loading 保存" for good, and a name
 * anchored to "保存" finds nothing. The shown text stays what the user reads.
 */
export function buttonShowing(scope: Page | Locator, text: RegExp): Locator {
  return scope.locator("button:not(.ant-btn-loading)").filter({ hasText: text });
}

/**
 * Checks a checkbox or radio of a form and makes sure it stays checked. A form just opened may
 * still set its initial values (in an effect, later under load) and undo a click that came
 * first; a dialog may still be opening. So the page's animations are waited for, and a check
 * that did not hold is made again.
 */
export async function tick(page: Page, checkbox: Locator): Promise<void> {
  await expect
    .poll(
      async () => {
        await animationsFinished(page);
        if (!(await checkbox.isChecked())) await checkbox.click();
        return checkbox.isChecked();
      },
      { timeout: 15_000 },
    )
    .toBe(true);
}

/** A refusal the test expects the API to answer (shown in the browser's console as a failed load). */
export interface ExpectedRefusal {
  method: string;
  path: string;
  status: number;
}

/**
 * A page whose console errors, uncaught exceptions and failed requests are collected; a
 * response ≥ 400 counts unless the test said it expects it.
 */
export class WatchedPage {
  readonly problems: string[] = [];
  readonly expected: ExpectedRefusal[] = [];
  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly baseUrl: string,
  ) {}

  static async open(browser: Browser, baseUrl: string, language: Language = "zh-CN"): Promise<WatchedPage> {
    const context = await browser.newContext({
      viewport: { ...VIEWPORTS[0] },
      locale: language,
      timezoneId: "Asia/Shanghai",
      // The console honours a wish for less motion (no zoom or slide in antd): nothing on the
      // screen is moving when a test clicks it, however loaded the machine is.
      reducedMotion: "reduce",
    });
    await context.addInitScript((lang: string) => {
      if (!localStorage.getItem("wxgate.language")) localStorage.setItem("wxgate.language", lang);
    }, language);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const watched = new WatchedPage(context, page, baseUrl);
    const refusals = new Set<string>();
    page.on("pageerror", (error) => watched.problems.push(`uncaught: ${error.message}`));
    page.on("requestfailed", (request) => {
      // A navigation away aborts what the old page was loading: not a failure of the page.
      if (request.failure()?.errorText === "net::ERR_ABORTED") return;
      watched.problems.push(
        `request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText}`,
      );
    });
    page.on("response", (response) => {
      if (response.status() < 400) return;
      const url = new URL(response.url());
      const method = response.request().method();
      const allowed = watched.expected.some(
        (e) => e.method === method && url.pathname === e.path && e.status === response.status(),
      );
      if (allowed) refusals.add(response.url());
      else watched.problems.push(`HTTP ${response.status()}: ${method} ${url.pathname}`);
    });
    page.on("console", (message) => {
      if (message.type() !== "error") return;
      const location = message.location().url;
      // Chromium reports each answer ≥ 400 as a console error; expected ones are accounted above.
      if (/Failed to load resource/.test(message.text()) && refusals.has(location)) return;
      watched.problems.push(`console error: ${message.text()} (${location})`);
    });
    return watched;
  }

  expect(refusal: ExpectedRefusal): void {
    this.expected.push(refusal);
  }

  async goto(path: string): Promise<void> {
    await this.page.goto(this.baseUrl + path, { waitUntil: "networkidle" });
  }

  assertClean(): void {
    expect(this.problems).toEqual([]);
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

/** Waits for the page's finite animations (a dialog opening, a message leaving) to end. */
async function animationsFinished(page: Page): Promise<void> {
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getComputedTiming().iterations !== Number.POSITIVE_INFINITY)
        .map((a) => a.finished.catch(() => undefined)),
    ),
  );
}

async function settle(page: Page): Promise<void> {
  await page.waitForLoadState("networkidle");
  // Ant Design's motion (modals, messages) ends within 0.3 s.
  await page.waitForTimeout(350);
  // A message (toast) is transient: it leaves after 3 s, and one that starts leaving while axe
  // runs is judged half-transparent. The screen is audited once every message has gone.
  await page.waitForFunction(() => document.querySelector(".ant-message-notice") === null, undefined, {
    timeout: 15_000,
  });
  // And any that runs still (a message leaving, under load): contrast is judged at rest.
  await animationsFinished(page);
}

/** The serious and critical axe-core violations of the page as it is now, each with a few of its nodes. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const hasAxe = await page.evaluate(() => "axe" in window);
  if (!hasAxe) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    type Result = {
      violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown }> }>;
    };
    const axe = (window as unknown as { axe: { run(context: Document, options: unknown): Promise<Result> } })
      .axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`);
  });
}

async function checkViewport(watched: WatchedPage, name: string, language: Language): Promise<void> {
  const { page } = watched;
  await settle(page);
  const overflow = await page.evaluate(() => {
    const clientWidth = document.documentElement.clientWidth;
    // The innermost elements reaching past the right edge, to say what overflows.
    const culprits = [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > clientWidth + 0.5)
      .filter((e) => ![...e.children].some((c) => c.getBoundingClientRect().right > clientWidth + 0.5))
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}.${String(e.className).split(" ").slice(0, 2).join(".")}`);
    return { scrollWidth: document.documentElement.scrollWidth, clientWidth, culprits };
  });
  const size = page.viewportSize();
  const where = `${name} ${language} ${size?.width}×${size?.height}`;
  expect(
    overflow.scrollWidth,
    `horizontal overflow on ${where}: ${overflow.culprits.join(", ")}`,
  ).toBeLessThanOrEqual(overflow.clientWidth);
  expect(await seriousViolations(page), `axe violations on ${where}`).toEqual([]);
  mkdirSync(OUTPUT_DIR, { recursive: true });
  await page.screenshot({
    path: join(OUTPUT_DIR, `${name}.${language}.${size?.width}x${size?.height}.png`),
    fullPage: true,
  });
}

/**
 * Checks the screen now shown at both sizes and in both languages: no horizontal overflow,
 * no serious or critical axe-core violation, a screenshot of each. A language switch reloads
 * the page (the choice is remembered); `reopen` brings back what a reload closes (a dialog);
 * "once" checks a screen that cannot come back (a secret shown once) in its language only.
 * Ends in the language and at the size it started with.
 */
export async function auditScreen(
  watched: WatchedPage,
  name: string,
  reopen?: (() => Promise<void>) | "once",
): Promise<void> {
  const { page } = watched;
  if (reopen === "once") {
    // What is shown once (a new secret) cannot come back after a reload: this language only.
    const current = (await page.evaluate(() => localStorage.getItem("wxgate.language"))) === "en-US";
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize({ ...viewport });
      await checkViewport(watched, name, current ? "en-US" : "zh-CN");
    }
    await page.setViewportSize({ ...VIEWPORTS[0] });
    return;
  }
  const stored = await page.evaluate(() => localStorage.getItem("wxgate.language"));
  const start: Language = stored === "en-US" ? "en-US" : "zh-CN";
  const order: Language[] = start === "zh-CN" ? ["zh-CN", "en-US"] : ["en-US", "zh-CN"];
  for (const [index, language] of [...order, start].entries()) {
    if (index > 0) {
      await page.evaluate((lang: string) => localStorage.setItem("wxgate.language", lang), language);
      await page.reload({ waitUntil: "networkidle" });
      if (reopen) await reopen();
    }
    if (index === order.length) break;
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize({ ...viewport });
      await checkViewport(watched, name, language);
    }
    await page.setViewportSize({ ...VIEWPORTS[0] });
  }
  await settle(page);
}
