import type { Clock } from "./ports.js";

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that moves only when told to: tests and the sandbox use it so nothing depends on
 * how fast the machine is.
 */
export class ManualClock implements Clock {
  private current: number;

  constructor(start = Date.UTC(2025, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    if (ms < 0) throw new RangeError("a clock only moves forward");
    this.current += ms;
  }

  /** Puts the clock at `epochMs`. */
  set(epochMs: number): void {
    this.current = epochMs;
  }
}
