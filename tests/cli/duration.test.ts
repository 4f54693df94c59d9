import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDuration, UsageError } from '../../src/cli/duration.js';

const UNIT = { h: 3_600_000, d: 86_400_000, w: 604_800_000 };

describe('parseDuration', () => {
  it('reads whole hours, days and weeks', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999 }), fc.constantFrom('h', 'd', 'w'), (n, unit) => {
        expect(parseDuration(`${n}${unit}`)).toBe(n * UNIT[unit]);
      }),
    );
    expect(parseDuration('400d')).toBe(400 * 86_400_000);
  });

  it('refuses anything else with a UsageError, never another failure', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        fc.pre(!/^\s*\d{1,6}\s*[hdw]\s*$/.test(text));
        expect(() => parseDuration(text)).toThrow(UsageError);
      }),
    );
    expect(() => parseDuration('0d')).toThrow(UsageError);
  });
});
