import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DurationError, type DurationUnit, parseDuration } from '../src/duration.js';

const MS: Record<DurationUnit, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

describe('parseDuration', () => {
  it('reads a whole number and one of the units asked for', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999 }), fc.constantFrom<DurationUnit>('s', 'm', 'h'), fc.constantFrom('', ' '), (n, unit, space) => {
        expect(parseDuration(` ${n}${space}${unit} `, ['s', 'm', 'h'], ['90s'])).toBe(n * MS[unit]);
      }),
    );
  });

  it('refuses anything else, and units not asked for, with a DurationError naming what is accepted', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        fc.pre(!/^\s*\d{1,6}\s*[sm]\s*$/.test(text));
        expect(() => parseDuration(text, ['s', 'm'], ['90s', '5m'])).toThrow(DurationError);
      }),
    );
    expect(() => parseDuration('2h', ['s', 'm'], ['90s', '5m'])).toThrow('use a whole number of seconds or minutes, like 90s or 5m');
    expect(() => parseDuration('0m', ['s', 'm'], ['5m'])).toThrow('more than zero');
  });
});
