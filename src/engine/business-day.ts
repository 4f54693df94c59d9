/** The store's time zone when none is configured: the service was built for UK shops. */
export const DEFAULT_TIME_ZONE = 'Europe/London';

const HOUR_MS = 3_600_000;

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

const dayAt = (ms: number, timeZone: string): string => formatterFor(timeZone).format(new Date(ms));

const dayAfter = (date: string): string => new Date(Date.parse(`${date}T00:00:00Z`) + 24 * HOUR_MS).toISOString().slice(0, 10);

/**
 * A `businessDay` that remembers each zone's latest day and the instants it spans: nearly every check
 * is made today, and telling that from two numbers costs nothing, where formatting the date costs
 * about 15 µs. Only a later day replaces the one kept, so a till's offline replay from yesterday does
 * not make today's checks format again.
 */
export function businessDays(): (ms: number, timeZone: string) => string {
  const latestDays = new Map<string, { day: string; from: number; to: number }>();
  return (ms, timeZone) => {
    const latest = latestDays.get(timeZone);
    if (latest && ms >= latest.from && ms < latest.to) return latest.day;
    const day = dayAt(ms, timeZone);
    if (!latest || ms >= latest.to) latestDays.set(timeZone, { day, from: startOfDay(day, timeZone), to: startOfDay(dayAfter(day), timeZone) });
    return day;
  };
}

/** The calendar day (YYYY-MM-DD) on the shop's wall clock at the instant `ms`. */
export const businessDay = businessDays();

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
    if (dayAt(middle, timeZone) < date) before = middle;
    else onOrAfter = middle;
  }
  return onOrAfter;
}
