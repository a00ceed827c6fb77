import type { Fault, FaultKind } from "../world/types.js";
import type { World } from "../world/world.js";

export interface FaultSpec {
  /** A WeChat path, `*` for any, or a push target for `drop_push` (`*`, `ticket`, an appid). */
  api: string;
  kind: FaultKind;
  /** How many calls it applies to (default 1). */
  count?: number;
  ms?: number;
  status?: number;
  errcode?: number;
}

const KINDS: readonly FaultKind[] = ["latency", "http5xx", "errcode", "drop_push"];

/** Checks a fault spec from the control API; returns the problem or undefined. */
export function faultProblem(spec: Partial<FaultSpec>): string | undefined {
  if (typeof spec.api !== "string" || spec.api === "") return "api must be a non-empty string";
  if (!spec.kind || !KINDS.includes(spec.kind)) return `kind must be one of ${KINDS.join(", ")}`;
  if (spec.count !== undefined && !(Number.isInteger(spec.count) && spec.count > 0)) {
    return "count must be a positive integer";
  }
  if (spec.kind === "latency" && !(typeof spec.ms === "number" && spec.ms >= 0 && spec.ms <= 120_000)) {
    return "latency needs ms between 0 and 120000";
  }
  if (
    spec.status !== undefined &&
    !(Number.isInteger(spec.status) && spec.status >= 500 && spec.status <= 599)
  ) {
    return "status must be 5xx";
  }
  if (spec.errcode !== undefined && !Number.isInteger(spec.errcode)) return "errcode must be an integer";
  return undefined;
}

/**
 * Injected faults, kept in the world (so they show in snapshots and the summary). Each call
 * that matches takes one application; a fault disappears when its count reaches zero.
 */
export class FaultBook {
  constructor(private readonly world: World) {}

  add(spec: FaultSpec): Fault {
    const fault: Fault = {
      id: this.world.state.nextFaultId++,
      api: spec.api,
      kind: spec.kind,
      count: spec.count ?? 1,
    };
    if (spec.ms !== undefined) fault.ms = spec.ms;
    if (spec.status !== undefined) fault.status = spec.status;
    if (spec.errcode !== undefined) fault.errcode = spec.errcode;
    this.world.state.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return this.world.state.faults;
  }

  clear(): void {
    this.world.state.faults = [];
  }

  /**
   * Takes the faults that apply to one API call: at most one of each kind, exact path first.
   * Latency combines with the others (the answer is slow, then fails).
   */
  takeForApi(path: string): Fault[] {
    const taken: Fault[] = [];
    for (const kind of ["latency", "http5xx", "errcode"] as const) {
      const fault =
        this.take((f) => f.kind === kind && f.api === path) ??
        this.take((f) => f.kind === kind && f.api === "*");
      if (fault) taken.push(fault);
    }
    return taken;
  }

  /**
   * Push modules call this before delivering a push to `target` (an appid, a component appid,
   * or `ticket`): true means drop this push silently, as if the network lost it.
   */
  takePushDrop(target: string): boolean {
    const fault =
      this.take((f) => f.kind === "drop_push" && f.api === target) ??
      this.take((f) => f.kind === "drop_push" && (f.api === "*" || f.api === "push"));
    return fault !== undefined;
  }

  private take(match: (fault: Fault) => boolean): Fault | undefined {
    const faults = this.world.state.faults;
    const index = faults.findIndex(match);
    if (index < 0) return undefined;
    const fault = faults[index]!;
    fault.count -= 1;
    if (fault.count <= 0) faults.splice(index, 1);
    return { ...fault };
  }
}
