import { spawn } from "node:child_process";

/**
 * The V8 flags `wxgate start` runs with: each semi-space of the young generation 32 MiB
 * instead of V8's 16. What a request still holds when two scavenges have passed is promoted to
 * the old generation, and only a full collection reclaims it — tens of milliseconds of the
 * event loop on a server held to one core. With a webhook, a push's delivery is in flight for
 * tens of milliseconds, about as long as the default young generation lasts at a few
 * thousand pushes a second; with twice the room, scavenges come half as often and far less is
 * promoted. Measured in the five-minute soak (docs/benchmarks.md): full collections every
 * 47 s instead of every 10 s, `/healthz` p99 15.3 ms instead of 20.4 ms with one webhook,
 * for about 30 MiB more resident memory.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=32"];

/** The name of a flag, as V8 compares them (`_` and `-` alike). */
function flagName(flag: string): string {
  return (flag.split("=")[0] ?? flag).replace(/_/g, "-");
}

/**
 * The flags of {@link SERVER_NODE_FLAGS} this process was started without, on the command
 * line or in NODE_OPTIONS. By name: an operator's own value for a flag is kept.
 */
export function missingNodeFlags(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env["NODE_OPTIONS"] ?? "",
): string[] {
  const given = new Set([...execArgv, ...nodeOptions.split(/\s+/)].map(flagName));
  return SERVER_NODE_FLAGS.filter((flag) => !given.has(flagName(flag)));
}

/**
 * Runs this same command again in a child node with `flags` (V8 takes them only at start) and
 * ends as the child ends: its exit code, or the signal that ended it. A SIGTERM is passed on;
 * so is a SIGINT, except from a terminal, whose Ctrl-C reaches the child by itself (a second
 * SIGINT tells the server to stop without waiting).
 */
export function respawnWith(flags: readonly string[], argv: readonly string[] = process.argv): void {
  const child = spawn(process.execPath, [...flags, ...process.execArgv, ...argv.slice(1)], {
    stdio: "inherit",
  });
  const interactive = process.stdin.isTTY === true;
  process.on("SIGINT", () => {
    if (!interactive) child.kill("SIGINT");
  });
  process.on("SIGTERM", () => child.kill("SIGTERM"));
  child.on("error", (error) => {
    process.stderr.write(`wxgate: could not start node with ${flags.join(" ")}: ${error.message}\n`);
    process.exit(1);
  });
  child.on("exit", (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else {
      process.exit(code ?? 1);
    }
  });
}
