/**
 * Every time the console shows, in one format: the browser's local time with its UTC offset,
 * `2026-11-26 18:04:05 UTC+08:00`, the same in both languages.
 */
export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const abs = Math.abs(offset);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ` +
    `UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/** The date part only, for narrow places (still local, the zone in the title). */
export function formatDate(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? "—" : formatTime(ms).slice(0, 10);
}

/** The browser's UTC offset at `ms` (now by default), as {@link formatTime} writes it: `UTC+08:00`. */
export function zoneLabel(ms: number = Date.now()): string {
  return formatTime(ms).slice(20);
}

/** The date-time pickers' format: {@link formatTime}'s, the zone shown beside them. */
export const PICKER_FORMAT = "YYYY-MM-DD HH:mm:ss";
