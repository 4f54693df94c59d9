import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { businessDay, businessDays, startOfDay } from '../../src/engine/business-day.js';
import { periodBounds, resolvePeriod } from '../../src/reports/period.js';

const HOUR = 3_600_000;
const ZONES = ['Europe/London', 'America/New_York', 'America/Santiago', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'UTC'];

describe('a store day', () => {
  it('runs from its first instant to the next day’s, whatever the zone and the clock changes', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }), fc.constantFrom(...ZONES), (ms, zone) => {
        const day = businessDay(ms, zone);
        const start = startOfDay(day, zone);
        expect(start).toBeLessThanOrEqual(ms);
        expect(businessDay(start, zone)).toBe(day);
        expect(businessDay(start - 1, zone) < day).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('is the day the wall clock shows, for instants in any order: the day remembered never answers for another', () => {
    const shown = (ms: number, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
    // Runs of instants near one another (a day's checks, across midnight and clock changes), and far apart (offline replays).
    const around = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 11, 31) });
    const steps = fc.array(fc.oneof(fc.integer({ min: -2 * HOUR, max: 6 * HOUR }), fc.integer({ min: -400 * 24 * HOUR, max: 400 * 24 * HOUR })), { maxLength: 40 });
    fc.assert(
      fc.property(around, steps, fc.constantFrom(...ZONES), (start, moves, zone) => {
        const businessDay = businessDays();
        let ms = start;
        for (const move of [0, ...moves]) {
          ms += move;
          expect(businessDay(ms, zone)).toBe(shown(ms, zone));
          // Either side of the day's first instant and the next day's, where a remembered day would end.
          const day = businessDay(ms, zone);
          const next = startOfDay(new Date(Date.parse(`${day}T00:00:00Z`) + 24 * HOUR).toISOString().slice(0, 10), zone);
          for (const edge of [next - 1, next, startOfDay(day, zone), startOfDay(day, zone) - 1]) expect(businessDay(edge, zone)).toBe(shown(edge, zone));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is 23 hours when the clocks go forward and 25 when they go back', () => {
    const length = (from: string, timeZone: string) => {
      const { from: start, to: end } = periodBounds(resolvePeriod({ from, to: from }, 0, timeZone));
      return (end - start) / HOUR;
    };
    expect(length('2026-03-29', 'Europe/London')).toBe(23);
    expect(length('2026-10-25', 'Europe/London')).toBe(25);
    expect(length('2026-10-26', 'Europe/London')).toBe(24);
    expect(startOfDay('2026-10-25', 'Europe/London')).toBe(Date.parse('2026-10-24T23:00:00.000Z'));
    expect(length('2026-03-08', 'America/New_York')).toBe(23);
    // Santiago's clocks go forward at midnight: 6 September 2026 begins at 01:00 (-03), an hour short.
    expect(startOfDay('2026-09-06', 'America/Santiago')).toBe(Date.parse('2026-09-06T04:00:00.000Z'));
    expect(length('2026-09-06', 'America/Santiago')).toBe(23);
  });
});
