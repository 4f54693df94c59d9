/** The store's time zone when none is configured: the service was built for UK shops. */
export const DEFAULT_TIME_ZONE = 'Europe/London';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // en-CA spells a date as YYYY-MM-DD.
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Whether the IANA time zone is one this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The calendar day (YYYY-MM-DD) on the shop's wall clock at the instant `ms`. */
export function businessDay(ms: number, timeZone: string): string {
  return formatterFor(timeZone).format(new Date(ms));
}

const HOUR_MS = 3_600_000;

/**
 * The first instant of the calendar day `date` (YYYY-MM-DD) on the shop's wall clock: its midnight,
 * or the first moment after it where a clock change skips midnight. Found by halving, not by
 * offset arithmetic, so a day of 23 or 25 hours needs no special case. No zone is more than 14 hours
 * ahead of UTC or 12 behind, so the answer lies between 15 hours before the UTC midnight and 13 after.
 */
export function startOfDay(date: string, timeZone: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  let before = utcMidnight - 15 * HOUR_MS;
  let onOrAfter = utcMidnight + 13 * HOUR_MS;
  while (onOrAfter - before > 1) {
    const middle = Math.floor((before + onOrAfter) / 2);
    if (businessDay(middle, timeZone) < date) before = middle;
    else onOrAfter = middle;
  }
  return onOrAfter;
}
