// The console in Chromium (Debian's, as the browser tests use it): the JavaScript and CSS the
// sign-in and accounts screens load, in bytes as gzip and as brotli (the server sends the
// build's precompressed files), and the time from navigation to the screen's first render
// (its heading in the DOM) and to the first contentful paint, median of RUNS cold loads each.
import { chromium } from "playwright-core";
import { writeSection } from "./lib/section.mjs";
import { signIn, startWxgate } from "./lib/wxgate-process.mjs";

const RUNS = 7;
const BUDGET_KB = 350;
const executablePath = process.env.WXGATE_CHROMIUM ?? "/usr/bin/chromium";

const server = await startWxgate({ logLevel: "warn" });
const browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-dev-shm-usage"] });

const session = (await signIn(server)).cookie.split("=");

/** Size of a file as the server sends it with one encoding. */
async function encodedSize(url, encoding) {
  // fetch would decode the body: the bytes sent are the content-length.
  const response = await fetch(url, { headers: { "accept-encoding": encoding } });
  await response.body?.cancel();
  if (encoding !== "identity" && response.headers.get("content-encoding") !== encoding)
    throw new Error(`${url} was not sent ${encoding}-encoded`);
  return Number(response.headers.get("content-length"));
}

/**
 * Opens `path` in a fresh context (cold cache), waits for `heading`; returns the JS/CSS URLs
 * loaded and the render times. `signedIn` adds the session cookie first.
 */
async function load(path, heading, { signedIn = false, then } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  if (signedIn) {
    await context.addCookies([{ name: session[0], value: session[1], url: server.url }]);
  }
  const page = await context.newPage();
  const assets = new Set();
  page.on("response", (response) => {
    const type = response.request().resourceType();
    if (type === "script" || type === "stylesheet") assets.add(response.url());
  });
  await page.goto(server.url + path, { waitUntil: "commit" });
  const renderedMs = await page.waitForFunction(
    (text) => {
      const h1 = document.querySelector("h1");
      return h1 && h1.textContent === text ? performance.now() : false;
    },
    heading,
    { polling: "raf" },
  );
  const rendered = await renderedMs.jsonValue();
  const fcp = await page.evaluate(
    () =>
      new Promise((resolve) => {
        new PerformanceObserver((list) => {
          const entry = list.getEntriesByName("first-contentful-paint")[0];
          if (entry) resolve(entry.startTime);
        }).observe({ type: "paint", buffered: true });
      }),
  );
  if (then) await then(page);
  await page.waitForLoadState("networkidle");
  await context.close();
  return { assets: [...assets], rendered, fcp };
}

async function bytes(urls) {
  const out = { js: { gzip: 0, br: 0, raw: 0 }, css: { gzip: 0, br: 0, raw: 0 }, files: urls.length };
  for (const url of urls) {
    const kind = url.endsWith(".css") ? out.css : out.js;
    kind.gzip += await encodedSize(url, "gzip");
    kind.br += await encodedSize(url, "br");
    kind.raw += await encodedSize(url, "identity");
  }
  return out;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

const screens = [
  { name: "Sign-in (`/signin`)", path: "/signin", heading: "登录 wxgate" },
  { name: "Accounts (`/accounts`, signed in)", path: "/accounts", heading: "微信授权管理", signedIn: true },
];
const rows = [];
const union = new Set();
let unionSize;
try {
  for (const screen of screens) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await load(screen.path, screen.heading, screen));
    for (const url of runs[0].assets) union.add(url);
    rows.push({
      ...screen,
      size: await bytes(runs[0].assets),
      rendered: median(runs.map((r) => r.rendered)),
      fcp: median(runs.map((r) => r.fcp)),
    });
  }
  // What a user loads signing in, then landing on the accounts screen.
  unionSize = await bytes([...union]);
} finally {
  await browser.close();
  await server.stop();
}

const kb = (n) => (n / 1024).toFixed(1);
const total = (size, encoding) => size.js[encoding] + size.css[encoding];
const table = [
  "| Screen | files | JS gzip KB | CSS gzip KB | JS+CSS gzip KB | JS+CSS brotli KB | uncompressed KB | first contentful paint ms | first render ms |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...rows.map(
    (r) =>
      `| ${r.name} | ${r.size.files} | ${kb(r.size.js.gzip)} | ${kb(r.size.css.gzip)} | ${kb(total(r.size, "gzip"))} | ${kb(total(r.size, "br"))} | ${kb(total(r.size, "raw"))} | ${r.fcp.toFixed(0)} | ${r.rendered.toFixed(0)} |`,
  ),
  `| Sign-in, then accounts (together) | ${unionSize.files} | ${kb(unionSize.js.gzip)} | ${kb(unionSize.css.gzip)} | ${kb(total(unionSize, "gzip"))} | ${kb(total(unionSize, "br"))} | ${kb(total(unionSize, "raw"))} | | |`,
];
const within = total(unionSize, "gzip") / 1024 <= BUDGET_KB;
const body = `
The built console (\`packages/console/dist\`) served by \`wxgate start\` in sandbox mode, loaded in
Debian's Chromium at 1280 × 800 with a cold cache, ${RUNS} loads per screen (times are medians).
Bytes are those of every JavaScript and CSS file the screen loaded, as the server sends them gzip-
or brotli-encoded (the build writes both beside each file). First render: navigation start to
the screen's heading in the DOM; the accounts screen's data comes from the API after that.
Pages are split by route: each screen loads the shared core and its own chunks only.

${table.join("\n")}

Budget: sign-in and accounts together ≤ ${BUDGET_KB} KB of gzip JS + CSS — ${within ? "**within**" : "**over**"} (${kb(total(unionSize, "gzip"))} KB).
`;
writeSection("console", "Console: bytes loaded and first render in Chromium", body);
console.log(body);
