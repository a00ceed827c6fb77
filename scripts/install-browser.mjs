// Makes sure the console's browser tests have their browser: Debian's Chromium, with
// fonts-noto-cjk so Chinese text renders (and is measured) as users see it. Installs the two
// packages with apt-get when missing and allowed to (root); otherwise says what to install.
// It never fails the run by itself: a browser that cannot start fails the tests.
import { execSync } from "node:child_process";
import { existsSync } from "node:fs";

const packages = [
  { name: "chromium", present: () => ["/usr/bin/chromium", "/usr/bin/chromium-browser"].some(existsSync) },
  {
    name: "fonts-noto-cjk",
    present: () => existsSync("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
  },
];

const missing = packages.filter((p) => !p.present()).map((p) => p.name);
if (missing.length > 0 && !process.env["WXGATE_CHROMIUM"]) {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const hasApt = existsSync("/usr/bin/apt-get");
  if (isRoot && hasApt) {
    console.log(`install-browser: installing ${missing.join(", ")} with apt-get…`);
    try {
      const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
      execSync("apt-get update -qq", { stdio: "inherit", env, timeout: 300_000 });
      execSync(`apt-get install -y -qq --no-install-recommends ${missing.join(" ")}`, {
        stdio: "inherit",
        env,
        timeout: 900_000,
      });
    } catch (error) {
      console.error(`install-browser: apt-get failed (${error instanceof Error ? error.message : error})`);
    }
  } else {
    console.error(
      `install-browser: missing ${missing.join(", ")}; install them (Debian: apt-get install ${missing.join(" ")}) or set WXGATE_CHROMIUM to a Chromium binary`,
    );
  }
}
