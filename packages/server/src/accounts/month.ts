const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** `YYYY-MM` in Beijing time (UTC+8), the month WeChat counts clear_quota and authorization requests in. */
export function beijingMonth(epochMs: number): string {
  return new Date(epochMs + BEIJING_OFFSET_MS).toISOString().slice(0, 7);
}

/** The Beijing month holding `epochMs`, with its bounds in epoch milliseconds: [from, to). */
export function beijingMonthBounds(epochMs: number): { month: string; from: number; to: number } {
  const month = beijingMonth(epochMs);
  const [year, index] = month.split("-").map(Number) as [number, number];
  return {
    month,
    from: Date.UTC(year, index - 1, 1) - BEIJING_OFFSET_MS,
    to: Date.UTC(year, index, 1) - BEIJING_OFFSET_MS,
  };
}
