function twoDigits(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * `new Date(seconds * 1000).toISOString()` for whole seconds in years 1000–9999, e.g.
 * `2026-11-28T10:50:47.000Z`. Written out because the first toISOString in a process pays for one-time V8 set-up,
 * and this runs on every cold start; the getUTC* readers need no such set-up (docs/performance.md, cold start).
 */
export function isoTimestamp(seconds: number): string {
  const date = new Date(seconds * 1000);
  const day = `${date.getUTCFullYear()}-${twoDigits(date.getUTCMonth() + 1)}-${twoDigits(date.getUTCDate())}`;
  const time = `${twoDigits(date.getUTCHours())}:${twoDigits(date.getUTCMinutes())}:${twoDigits(date.getUTCSeconds())}`;
  return `${day}T${time}.000Z`;
}
