import type { EmulatorContext } from "../http/context.js";

/**
 * Takes one `errcode` fault aimed at an asynchronous job (`api` = the job's event name, e.g.
 * TEMPLATESENDJOBFINISH), added through the control API's `/faults`. Only faults naming the
 * job exactly apply: a `*` fault is meant for the next HTTP call, not for a job.
 */
export function takeJobFault(ctx: EmulatorContext, job: string): boolean {
  const faults = ctx.world.state.faults;
  const index = faults.findIndex((f) => f.api === job && f.kind === "errcode");
  if (index < 0) return false;
  const fault = faults[index]!;
  fault.count -= 1;
  if (fault.count <= 0) faults.splice(index, 1);
  return true;
}
