import type { Facts } from '../contract/fact-schema.js';
import { formatMoney } from './money.js';

/**
 * Reason templates: plain text with `{path}` or `{path|filter}` placeholders naming facts, e.g.
 * "Gift cards worth {giftCards.total|money}". Placeholders are checked when the rule set loads.
 * `{path|plural:card:cards}` gives "1 card" or "3 cards". `{path|brands:listName}` names only the brands
 * on `lists.listName`: a reason says "brands scammers often ask for" of those alone, never of the coffee
 * shop's card beside them. Words a filter adds (ages, "and") are in the template's language: English,
 * or Welsh for `cy`.
 */

type Language = 'en' | 'cy';

const AGE_WORDS: Record<Language, Record<string, string>> = {
  en: {
    under_20: 'under 20',
    '20_29': 'in their twenties',
    '30_39': 'in their thirties',
    '40_49': 'in their forties',
    '50_59': 'in their fifties',
    '60_69': 'in their sixties',
    '70_79': 'in their seventies',
    '80_plus': '80 or over',
    unknown: 'of unknown age',
  },
  cy: {
    under_20: 'dan 20 oed',
    '20_29': 'rhwng 20 a 29 oed',
    '30_39': 'rhwng 30 a 39 oed',
    '40_49': 'rhwng 40 a 49 oed',
    '50_59': 'rhwng 50 a 59 oed',
    '60_69': 'rhwng 60 a 69 oed',
    '70_79': 'rhwng 70 a 79 oed',
    '80_plus': '80 oed neu hŷn',
    unknown: 'o oed anhysbys',
  },
};

/** Brands as customers know them; the till sends them folded (`google_play`). */
const BRAND_NAMES: Record<string, string> = {
  apple: 'Apple',
  itunes: 'Apple/iTunes',
  app_store_itunes: 'Apple/iTunes',
  google_play: 'Google Play',
  steam: 'Steam',
  amazon: 'Amazon',
  ebay: 'eBay',
  target: 'Target',
  walmart: 'Walmart',
  razer_gold: 'Razer Gold',
  xbox: 'Xbox',
  playstation: 'PlayStation',
  nintendo: 'Nintendo',
  sephora: 'Sephora',
  paysafecard: 'paysafecard',
  vanilla: 'Vanilla',
  love2shop: 'Love2shop',
  john_lewis: 'John Lewis',
  o2: 'O2',
};
const UNNAMED_BRAND: Record<Language, string> = { en: 'unnamed', cy: 'heb enw' };

function brandName(brand: string, language: Language): string {
  if (brand === 'unknown') return UNNAMED_BRAND[language];
  return BRAND_NAMES[brand] ?? brand.split('_').map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join(' ');
}

/** "A, B and C"; in Welsh "A, B a C", with "ac" before a vowel. */
function joinList(items: readonly string[], language: Language): string {
  if (items.length <= 1) return items.join('');
  const last = items[items.length - 1]!;
  const and = language === 'cy' ? (/^[aeiouwyâêîôûŵŷ]/i.test(last) ? 'ac' : 'a') : 'and';
  return `${items.slice(0, -1).join(', ')} ${and} ${last}`;
}

const asList = (value: unknown) => (Array.isArray(value) ? value.map(String) : [String(value)]);

type Filter = (value: unknown, facts: Facts, language: Language, args: readonly string[]) => string;
const filters = {
  money: (value, facts) => formatMoney(Number(value), facts.basket.currency),
  age: (value, _facts, language) => AGE_WORDS[language][String(value)] ?? String(value),
  list: (value, _facts, language) => joinList(asList(value), language),
  brands: (value, facts, language, [listName]) => {
    const listed = listName === undefined ? undefined : new Set(facts.lists[listName]);
    const brands = asList(value).filter((brand) => listed?.has(brand) ?? true);
    return joinList([...new Set(brands.map((brand) => brandName(brand, language)))], language);
  },
  percent: (value) => `${Math.round(Number(value) * 100)}%`,
  plural: (value, _facts, _language, [one = '', other = one]) => `${String(value)} ${Number(value) === 1 ? one : other}`,
} satisfies Record<string, Filter>;

type FilterName = keyof typeof filters;
const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_.]*)(?:\|([a-z]+)((?::[^:{}|]*)*))?\}/g;

type Part = string | { path: readonly string[]; filter: FilterName | undefined; args: readonly string[] };
export type CompiledTemplate = (facts: Facts) => string;

/** The template's language from its locale: Welsh words for `cy`, English otherwise. */
function languageOf(locale: string): Language {
  return locale.toLowerCase().startsWith('cy') ? 'cy' : 'en';
}

/** Returns the template, or the problems with it (unknown fact, unknown filter). */
export function compileTemplate(
  text: string,
  knownPaths: ReadonlySet<string>,
  locale = 'en',
): { template: CompiledTemplate; problems: string[] } {
  const language = languageOf(locale);
  const parts: Part[] = [];
  const problems: string[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const [whole, path = '', filter, rawArgs = ''] = match;
    parts.push(text.slice(last, match.index));
    last = match.index + whole.length;
    if (!knownPaths.has(path)) problems.push(`reason names {${path}}, which is not a fact`);
    if (filter !== undefined && !(filter in filters)) {
      problems.push(`reason uses the filter |${filter}; known filters are ${Object.keys(filters).join(', ')}`);
    }
    const args = rawArgs.split(':').slice(1);
    if (filter === 'plural' && args.length !== 2) problems.push(`reason uses |plural without its two words, like {${path}|plural:store:stores}`);
    if (filter === 'brands' && args[0] !== undefined && !knownPaths.has(`lists.${args[0]}`)) {
      problems.push(`reason uses |brands:${args[0]}, which is not a list in settings.yaml`);
    }
    parts.push({ path: path.split('.'), filter: filter as FilterName | undefined, args });
  }
  parts.push(text.slice(last));

  const template: CompiledTemplate = (facts) => {
    let out = '';
    for (const part of parts) {
      if (typeof part === 'string') {
        out += part;
        continue;
      }
      let value: unknown = facts;
      for (const key of part.path) value = (value as Record<string, unknown> | undefined)?.[key];
      out += part.filter ? (filters[part.filter])(value, facts, language, part.args) : Array.isArray(value) ? value.join(', ') : String(value);
    }
    return out;
  };
  return { template, problems };
}
