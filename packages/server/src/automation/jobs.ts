import { defineJob, type ModuleJob } from "../platform/ports.js";
import type { AutomationReplier } from "./replier.js";

/** The automation module's jobs: the follow-up replies of "reply all" rules. */
export function automationJobs(replier: AutomationReplier): ModuleJob[] {
  return [defineJob("automation.follow-up", (job) => replier.followUp(job.payload))];
}
