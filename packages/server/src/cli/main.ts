#!/usr/bin/env node
import { missingNodeFlags, respawnWith } from "./node-flags.js";

// The server's V8 flags count only from the start of a process: `wxgate start` without them
// starts again with them (`npm start` passes them, so no second process). The program is
// loaded only where it runs, so the process that only waits holds little memory.
const missing = process.argv[2] === "start" ? missingNodeFlags() : [];
if (missing.length > 0) {
  respawnWith(missing);
} else {
  import("./program.js")
    .then(({ buildProgram }) => buildProgram().parseAsync(process.argv))
    .catch((error: unknown) => {
      process.stderr.write(`wxgate: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    });
}
