import { DEFAULT_REPORT_DAYS, MAX_REPORT_DAYS } from '../contract/reports.js';
import { businessDay, startOfDay } from '../engine/business-day.js';
import { type DomainError, invalidField } from '../errors.js';

const DAY_MS = 86_400_000;

/** A report's period in whole calendar days of the store's time zone, both ends included. */
export interface Period {
  from: string;
  to: string;
  /** Dates as day numbers: days from 1970-01-01 to the date, whatever the zone. */
  fromDay: number;
  toDay: number;
  days: number;
  /** The IANA zone whose calendar days these are (VOUCHSAFE_TIMEZONE). */
  timeZone: string;
}

/** `2017-10-30` → days since 1970-01-01. The date is already known to be a real one. */
export function dayNumber(date: string): number {
  // Parsed whole, not through Date.UTC, which reads the years 0–99 as 1900–1999.
  return Date.parse(`${date.slice(0, 10)}T00:00:00Z`) / DAY_MS;
}

export function dayDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The store's calendar day of the instant `ms`, as a day number. */
export function storeDay(ms: number, timeZone: string): number {
  return dayNumber(businessDay(ms, timeZone));
}

function invalid(field: 'from' | 'to', code: string, message: string): DomainError {
  return invalidField(`query.${field}`, code, message);
}

/**
 * The period a report covers, in the store's calendar days: `to` defaults to today in the store and
 * `from` to the 30 days ending at `to`. Answers 400 naming the field if `from` is after `to` or the
 * period is longer than a leap year.
 */
export function resolvePeriod(
  query: { from?: string | undefined; to?: string | undefined },
  now: number,
  timeZone: string,
  defaultDays = DEFAULT_REPORT_DAYS,
): Period {
  const toDay = query.to !== undefined ? dayNumber(query.to) : storeDay(now, timeZone);
  const fromDay = query.from !== undefined ? dayNumber(query.from) : toDay - (defaultDays - 1);
  if (fromDay > toDay) throw invalid('to', 'too_small', `${dayDate(toDay)} is before from (${dayDate(fromDay)})`);
  const days = toDay - fromDay + 1;
  if (days > MAX_REPORT_DAYS) {
    throw invalid('from', 'too_small', `The period is ${days} days; a report covers at most ${MAX_REPORT_DAYS}`);
  }
  return { from: dayDate(fromDay), to: dayDate(toDay), fromDay, toDay, days, timeZone };
}

/**
 * The period as instants, for reading by time: from the first day's start in the store up to (not
 * including) the start of the day after the last. A day across a clock change is 23 or 25 hours.
 */
export function periodBounds(period: Period): { from: number; to: number } {
  return { from: startOfDay(period.from, period.timeZone), to: startOfDay(dayDate(period.toDay + 1), period.timeZone) };
}
