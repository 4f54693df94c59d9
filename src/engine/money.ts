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

export function formatMoney(minorUnits: number, currency: string, locale = 'en-GB'): string {
  const key = `${locale}|${currency}`;
  let formatter = formatterCache.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formatterCache.set(key, formatter);
  }
  return formatter.format(minorUnits / minorUnitsPerMajor(currency));
}
