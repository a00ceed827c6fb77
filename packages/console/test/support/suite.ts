import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll } from "vitest";
import { ensureConsoleBuilt, launchBrowser, type WatchedPage } from "./browser.js";
import type { RunningServer } from "./server.js";

/** What a browser test file shares: one browser, and the server and page of the test running. */
export interface ConsoleSuite {
  browser: Browser;
  server?: RunningServer;
  watched?: WatchedPage;
}

/**
 * Registers the hooks every console browser test file needs: the console built and one
 * browser launched for the file, and after each test its page closed and its server stopped.
 */
export function consoleSuite(): ConsoleSuite {
  const suite = {} as ConsoleSuite;
  beforeAll(async () => {
    ensureConsoleBuilt();
    suite.browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await suite.browser?.close();
  });
  afterEach(async (context) => {
    // A failed test leaves what its page showed, so a failure on CI can be read afterwards.
    if (context.task.result?.state === "fail" && suite.watched) {
      const shown = await suite.watched.page
        .locator("body")
        .ariaSnapshot({ timeout: 5_000 })
        .catch((error: unknown) => `(no snapshot: ${String(error)})`);
      process.stderr.write(`\n--- the page when "${context.task.name}" failed ---\n${shown}\n`);
    }
    await suite.watched?.close();
    suite.watched = undefined;
    await suite.server?.stop();
    suite.server = undefined;
  });
  return suite;
}
