import type { CheckRequest } from '../contract/check.js';

/**
 * Brands a scammer treats as one: a victim told to buy "game cards" or "app store cards" may be sent
 * for Steam one day and PlayStation the next, Apple in one shop and Google Play in another (research
 * section 4, "being told what to buy"; 6 x £50 gaming cards). Counting visits by family keeps a
 * change of brand from hiding a repeated purchase. A brand not listed is its own family.
 */
const FAMILIES: Readonly<Record<string, readonly string[]>> = {
  app_store: ['apple', 'itunes', 'app_store_itunes', 'google_play'],
  games: ['steam', 'xbox', 'playstation', 'nintendo', 'razer_gold', 'roblox', 'fortnite', 'riot_games'],
  marketplace: ['amazon', 'ebay'],
  payment_voucher: ['paysafecard', 'neosurf', 'flexepin', 'ukash', 'vanilla', 'vanilla_visa', 'green_dot_moneypak', 'moneypak'],
};

const FAMILY_OF = new Map(Object.entries(FAMILIES).flatMap(([family, brands]) => brands.map((brand) => [brand, family] as const)));

export function brandFamily(brand: string): string {
  return FAMILY_OF.get(brand) ?? brand;
}

/**
 * The family of the basket's gift cards: the one with the most value among its named gift-card,
 * prepaid-card and voucher lines (top-ups are not codes anyone is coached to read out), the first
 * such line's on a tie; "" when the basket has none.
 */
export function basketBrandFamily(lines: CheckRequest['lines']): string {
  const value = new Map<string, number>();
  let best = '';
  for (const line of lines) {
    if (line.kind === 'merchandise' || line.kind === 'top_up' || line.brand === undefined) continue;
    const family = brandFamily(line.brand);
    const total = (value.get(family) ?? 0) + line.unitAmount * line.quantity;
    value.set(family, total);
    if (best === '' || total > value.get(best)!) best = family;
  }
  return best;
}
