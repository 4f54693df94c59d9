import type { Money } from '../../contract/reports.js';
import { formatMoney } from '../../engine/index.js';

const integer = new Intl.NumberFormat('en-GB');
const percent = new Intl.NumberFormat('en-GB', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });

export const formatCount = (n: number) => integer.format(n);
export const formatRate = (rate: number | null) => (rate === null ? '–' : percent.format(rate));

/** Every currency's amount, largest first; amounts in different currencies are never added. */
export function formatMoneyByCurrency(money: Money): string {
  const entries = Object.entries(money).sort(([, a], [, b]) => b - a);
  // No amount at all has no currency to show it in: a dash, as for a rate with nothing to divide.
  if (entries.length === 0) return '–';
  return entries.map(([currency, amount]) => formatMoney(amount, currency)).join(' + ');
}

const dateTimes = new Map<string, Intl.DateTimeFormat>();
/** An instant on the store's wall clock, with the zone's short name (`GMT`, `BST`), as the report's days are. */
export function formatDateTime(ms: number, timeZone: string): string {
  let format = dateTimes.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone, timeZoneName: 'short' });
    dateTimes.set(timeZone, format);
  }
  return format.format(ms);
}

// A report day is a date, not an instant: shown as written, whatever the zone.
const day = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
export const formatDay = (date: string) => day.format(Date.parse(`${date}T00:00:00Z`));

export const words = (value: string) => value.replaceAll('_', ' ');

/** A wait in words: `45 s`, `3 min 5 s`; a dash when there was nothing to time. */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null) return '–';
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  const minutes = Math.floor(whole / 60);
  const rest = whole % 60;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}
