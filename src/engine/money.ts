/** Money is integer minor units; these turn it into words for reasons and back into major units for rules. */

const fractionDigitsCache = new Map<string, number>();
const formatterCache = new Map<string, Intl.NumberFormat>();

export function minorUnitDigits(currency: string): number {
  let digits = fractionDigitsCache.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    fractionDigitsCache.set(currency, digits);
  }
  return digits;
}

export function minorUnitsPerMajor(currency: string): number {
  return 10 ** minorUnitDigits(currency);
}

const formatted = new Map<string, string>();
const FORMATTED_MAX = 10_000;

/** Intl formatting costs about a microsecond; reasons repeat the same few amounts, so results are kept. */
export function formatMoney(minorUnits: number, currency: string, locale = 'en-GB'): string {
  const key = `${locale}|${currency}|${minorUnits}`;
  let text = formatted.get(key);
  if (text === undefined) {
    let formatter = formatterCache.get(`${locale}|${currency}`);
    if (!formatter) {
      formatter = new Intl.NumberFormat(locale, { style: 'currency', currency });
      formatterCache.set(`${locale}|${currency}`, formatter);
    }
    text = formatter.format(minorUnits / minorUnitsPerMajor(currency));
    if (formatted.size >= FORMATTED_MAX) formatted.clear();
    formatted.set(key, text);
  }
  return text;
}
