import type { Facts } from '../contract/fact-schema.js';
import { formatMoney } from './money.js';

/**
 * Reason templates: plain text with `{path}` or `{path|filter}` placeholders naming facts, e.g.
 * "Gift cards worth {giftCards.total|money}". Placeholders are checked when the rule set loads.
 */

const AGE_WORDS: Record<string, string> = {
  under_20: 'under 20',
  '20_29': 'in their twenties',
  '30_39': 'in their thirties',
  '40_49': 'in their forties',
  '50_59': 'in their fifties',
  '60_69': 'in their sixties',
  '70_79': 'in their seventies',
  '80_plus': '80 or over',
  unknown: 'of unknown age',
};

const filters = {
  money: (value: unknown, facts: Facts) => formatMoney(Number(value), facts.basket.currency),
  age: (value: unknown) => AGE_WORDS[String(value)] ?? String(value),
  list: (value: unknown) => (Array.isArray(value) ? value.join(', ') : String(value)),
  percent: (value: unknown) => `${Math.round(Number(value) * 100)}%`,
} satisfies Record<string, (value: unknown, facts: Facts) => string>;

type FilterName = keyof typeof filters;
const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_.]*)(?:\|([a-z]+))?\}/g;

type Part = string | { path: readonly string[]; filter: FilterName | undefined };
export type CompiledTemplate = (facts: Facts) => string;

/** Returns the template, or the problems with it (unknown fact, unknown filter). */
export function compileTemplate(
  text: string,
  knownPaths: ReadonlySet<string>,
): { template: CompiledTemplate; problems: string[] } {
  const parts: Part[] = [];
  const problems: string[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const [whole, path = '', filter] = match;
    parts.push(text.slice(last, match.index));
    last = match.index + whole.length;
    if (!knownPaths.has(path)) problems.push(`reason names {${path}}, which is not a fact`);
    if (filter !== undefined && !(filter in filters)) {
      problems.push(`reason uses the filter |${filter}; known filters are ${Object.keys(filters).join(', ')}`);
    }
    parts.push({ path: path.split('.'), filter: filter as FilterName | undefined });
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
      out += part.filter ? filters[part.filter](value, facts) : Array.isArray(value) ? value.join(', ') : String(value);
    }
    return out;
  };
  return { template, problems };
}
