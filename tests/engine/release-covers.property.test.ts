import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CheckRequest } from '../../src/contract/check.js';
import { basketTotals, releaseCovers } from '../../src/engine/index.js';

type Line = CheckRequest['lines'][number];

const line: fc.Arbitrary<Line> = fc.record({
  kind: fc.constantFrom('gift_card' as const, 'top_up' as const, 'prepaid_card' as const, 'merchandise' as const),
  brand: fc.option(fc.constantFrom('apple', 'itunes', 'google_play', 'amazon'), { nil: undefined }),
  unitAmount: fc.integer({ min: 1, max: 50_000 }),
  quantity: fc.integer({ min: 1, max: 20 }),
}).map(({ brand, ...rest }) => (brand === undefined ? rest : { ...rest, brand }));
const lines = fc.array(line, { minLength: 1, maxLength: 8 });
const basket = (of: Line[], currency = 'GBP') => ({ currency, lines: of });

describe('a release covers', () => {
  it('the basket it was made for, and that basket trimmed, reordered or with merchandise added', () => {
    fc.assert(
      fc.property(lines, fc.array(fc.nat(), { minLength: 8, maxLength: 8 }), (released, cuts) => {
        expect(releaseCovers(basket(released), basket(released))).toBe(true);
        const trimmed = released
          .map((item, i) => ({ ...item, quantity: item.quantity - (cuts[i]! % item.quantity) }))
          .reverse()
          .concat({ kind: 'merchandise', unitAmount: 155, quantity: 1 });
        expect(releaseCovers(basket(released), basket(trimmed))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('no basket with more stored value than the one released', () => {
    fc.assert(
      fc.property(lines, lines, (released, later) => {
        fc.pre(basketTotals(later).storedValue > basketTotals(released).storedValue);
        expect(releaseCovers(basket(released), basket(later))).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('no card the supervisor did not see, however little, nor another currency', () => {
    fc.assert(
      fc.property(lines, (released) => {
        const unseen: Line = { kind: 'gift_card', brand: 'steam', unitAmount: 1, quantity: 1 };
        expect(releaseCovers(basket(released), basket([...released.filter((item) => item.kind === 'merchandise'), unseen]))).toBe(false);
        expect(releaseCovers(basket(released), basket(released, 'EUR'))).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('no more of one card in exchange for less of another', () => {
    const released = [
      { kind: 'gift_card', brand: 'apple', unitAmount: 10000, quantity: 2 },
      { kind: 'gift_card', brand: 'amazon', unitAmount: 10000, quantity: 2 },
    ] satisfies Line[];
    const swapped = [{ kind: 'gift_card', brand: 'apple', unitAmount: 10000, quantity: 3 }] satisfies Line[];
    expect(releaseCovers(basket(released), basket(swapped))).toBe(false);
  });
});
