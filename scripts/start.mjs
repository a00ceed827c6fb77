// `npm start`: builds only when a source file is newer than the last build (install builds
// once, through `prepare`), then runs `wxgate start` with the remaining arguments.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const packages = ["wechat", "emulator", "server"];
const entry = join(root, "packages", "server", "dist", "cli", "main.js");

function newestMtime(dir) {
  let newest = 0;
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, item.name);
    const mtime = item.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

function stale() {
  if (!existsSync(entry)) return true;
  return packages.some((name) => {
    const dist = join(root, "packages", name, "dist");
    return !existsSync(dist) || newestMtime(join(root, "packages", name, "src")) > newestMtime(dist);
  });
}

if (stale()) {
  console.log("wxgate: compiling (sources changed since the last build)…");
  const build = spawnSync("npm", ["run", "build", "--silent"], { stdio: "inherit", cwd: root });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
// The server's V8 flags are given here, so `wxgate start` need not start a second process for them.
const { SERVER_NODE_FLAGS } = await import(
  pathToFileURL(join(root, "packages", "server", "dist", "cli", "node-flags.js")).href
);
const run = spawnSync(process.execPath, [...SERVER_NODE_FLAGS, entry, "start", ...process.argv.slice(2)], {
  stdio: "inherit",
});
process.exit(run.status ?? 1);
