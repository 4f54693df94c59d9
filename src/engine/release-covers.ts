import type { CheckRequest } from '../contract/check.js';

/** What of a basket a supervisor's release is about: its currency and its lines. */
export type ReleasedBasket = Pick<CheckRequest, 'currency' | 'lines'>;

/** Stored value per card (kind and brand; a line without a brand is its own card, `unknown`), in minor units. */
function storedValueByCard(lines: CheckRequest['lines']): Map<string, number> {
  const cards = new Map<string, number>();
  for (const line of lines) {
    if (line.kind === 'merchandise') continue;
    const card = `${line.kind}:${line.brand ?? 'unknown'}`;
    cards.set(card, (cards.get(card) ?? 0) + line.unitAmount * line.quantity);
  }
  return cards;
}

/**
 * Whether a supervisor's release of `released` still covers `basket`, a later basket of the same
 * transaction: it asks for no more than the supervisor saw — the same currency, and of every card
 * (kind and brand) no more stored value than the released basket had. So a trimmed basket stays
 * released; more value, or a card the supervisor never saw, is decided afresh (and, if it holds,
 * waits for a supervisor again). Merchandise is no part of it: it carries no stored value.
 * Shared by the service and the till SDK, so a till offline draws the line where the service does.
 */
export function releaseCovers(released: ReleasedBasket, basket: ReleasedBasket): boolean {
  if (released.currency !== basket.currency) return false;
  const allowed = storedValueByCard(released.lines);
  for (const [card, value] of storedValueByCard(basket.lines)) {
    if (value > (allowed.get(card) ?? 0)) return false;
  }
  return true;
}
