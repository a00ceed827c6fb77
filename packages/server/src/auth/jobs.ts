import { defineJob, type ModuleJob } from "../platform/ports.js";
import type { AuthService } from "./service.js";

declare module "../platform/ports.js" {
  interface JobPayloads {
    /** Deletes expired sessions; enqueued at start with its name as the dedupe key. */
    "auth.purge-sessions": Record<string, never>;
  }
}

/** The auth module's jobs. */
export function authJobs(service: AuthService): ModuleJob[] {
  return [
    defineJob("auth.purge-sessions", async () => {
      await service.purgeExpiredSessions();
    }),
  ];
}
