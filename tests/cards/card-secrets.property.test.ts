import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CardSold, secretShape } from '../../src/contract/cards.js';
import { OutcomeRequest } from '../../src/contract/outcome.js';
import { fieldErrors } from '../../src/contract/problem.js';

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
const ALNUM = [...'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789'];
const mixedGroup = (length: number) =>
  fc
    .array(fc.constantFrom(...ALNUM), { minLength: length, maxLength: length })
    .map((chars) => chars.join(''));
/** Letters and digits in groups, as redemption codes are printed: at least one of each across the code. */
const groupedCode = fc
  .tuple(fc.integer({ min: 3, max: 5 }), fc.integer({ min: 4, max: 5 }), fc.constantFrom('-', ' '))
  .chain(([groups, size, separator]) => fc.array(mixedGroup(size), { minLength: groups, maxLength: groups }).map((parts) => parts.join(separator)))
  .filter((code) => /[A-Z]/.test(code) && /\d/.test(code));
/** Printed serials: digits, sometimes in groups of four. */
const serial = digits(10, 19).chain((text) => fc.constantFrom(text, text.replace(/(\d{4})(?=\d)/g, '$1 ')));

const outcome = (card: Record<string, unknown>) => OutcomeRequest.safeParse({ outcome: 'proceeded', cards: [card] });
const codes = (card: Record<string, unknown>) => {
  const parsed = outcome(card);
  return parsed.success ? [] : fieldErrors(parsed.error).map((error) => error.code);
};

describe('the card parser', () => {
  it('takes any serial of 10 to 19 digits, as printed, and keeps the digits alone', () => {
    fc.assert(
      fc.property(serial, (printed) => {
        const parsed = CardSold.parse({ brand: 'Apple', amount: 10000, serial: printed });
        expect(parsed.serial).toBe(printed.replace(/ /g, ''));
      }),
    );
  });

  it('refuses any short run of digits as a PIN, in either field', () => {
    fc.assert(
      fc.property(digits(3, 9), fc.constantFrom('serial', 'activationId'), (pin, field) => {
        expect(codes({ brand: 'Apple', amount: 10000, [field]: pin })).toEqual(['looks_like_pin']);
      }),
    );
  });

  it('refuses any grouped letters-and-digits code, in either field, and never repeats it', () => {
    fc.assert(
      fc.property(groupedCode, fc.constantFrom('serial', 'activationId'), (code, field) => {
        expect(secretShape(code)).toBe('looks_like_redemption_code');
        const parsed = outcome({ brand: 'Steam', amount: 5000, [field]: code });
        expect(parsed.success).toBe(false);
        expect(JSON.stringify(fieldErrors(parsed.error!))).not.toContain(code);
      }),
    );
  });

  it('refuses a secret by its key name, however it is spelled', () => {
    fc.assert(
      fc.property(fc.constantFrom('pin', 'PIN', 'code', 'redemptionCode', 'redemption_code', 'claim-code', 'securityCode', 'cvv'), (key) => {
        expect(codes({ brand: 'Apple', amount: 10000, serial: '6039531234567890', [key]: 'x' })).toEqual(['secret_field']);
      }),
    );
  });

  it('never throws, whatever arrives: every refusal is a field error', () => {
    fc.assert(
      fc.property(fc.anything(), (card) => {
        const parsed = OutcomeRequest.safeParse({ outcome: 'proceeded', cards: [card] });
        if (!parsed.success) expect(fieldErrors(parsed.error).length).toBeGreaterThan(0);
      }),
    );
  });

  it('lets a processor reference of another shape through', () => {
    for (const reference of ['inc-7f3a9c21e0d84b5a', '3f2504e0-4f89-11d3-9a0c-0305e82c3301', 'BHN/2026/000123456789', '1234567890123']) {
      expect(secretShape(reference), reference).toBeUndefined();
    }
  });
});
