/** China Standard Time has no daylight saving: WeChat's operating day is UTC+8 all year. */
const CST_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The day (YYYY-MM-DD, China Standard Time) of an instant in epoch ms. */
export function cstDay(epochMs: number): string {
  return new Date(epochMs + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/** The days from `from` to `to` inclusive (both YYYY-MM-DD), at most `max`. */
export function daysBetween(from: string, to: string, max: number): string[] {
  const days: string[] = [];
  let at = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  while (at <= end && days.length < max) {
    days.push(new Date(at).toISOString().slice(0, 10));
    at += DAY_MS;
  }
  return days;
}

/** The day `count - 1` days before `day`. */
export function daysBefore(day: string, count: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - (count - 1) * DAY_MS).toISOString().slice(0, 10);
}
