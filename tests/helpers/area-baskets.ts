import type { AgeBand } from '../../src/contract/enums.js';
import { aCheck } from './app.js';

/** £150 of cards from three shops for a customer in their 70s: present shopping, left alone unless a scam was stopped nearby. */
export const presentShopping = (storeId: string, extra: Record<string, unknown> = {}) =>
  aCheck({
    storeId,
    lines: [
      { kind: 'gift_card', brand: 'costa', unitAmount: 5000, quantity: 1 },
      { kind: 'gift_card', brand: 'boots', unitAmount: 5000, quantity: 1 },
      { kind: 'gift_card', brand: 'john_lewis', unitAmount: 5000, quantity: 1 },
    ],
    customer: { ageBand: '70_79' },
    ...extra,
  });

/** £300 of Apple cards for a customer in their 70s (or `ageBand`): prompted; refused when the colleague hears someone asked for the numbers. */
export const appleCards = (storeId: string, ageBand: AgeBand = '70_79') =>
  aCheck({ storeId, lines: [{ kind: 'gift_card', brand: 'apple', unitAmount: 10000, quantity: 3 }], customer: { ageBand } });
