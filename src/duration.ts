const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;
const UNIT_NAMES = { s: 'seconds', m: 'minutes', h: 'hours', d: 'days', w: 'weeks' } as const;

export type DurationUnit = keyof typeof UNIT_MS;

/** A duration that cannot be read; the message says what is accepted. */
export class DurationError extends Error {
  override name = 'DurationError';
}

function listed(words: readonly string[]): string {
  return words.length === 1 ? words[0]! : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

/**
 * `90s`, `5m`, `48h`, `400d` or `12w` as milliseconds, in the units the caller accepts: a whole number
 * and one letter, nothing else. The CLI's retention takes hours and up; a hold's deadline takes seconds.
 */
export function parseDuration(text: string, units: readonly DurationUnit[], examples: readonly string[]): number {
  const match = new RegExp(`^\\s*(\\d{1,6})\\s*([${units.join('')}])\\s*$`).exec(text);
  if (!match) {
    throw new DurationError(
      `"${text}" is not a duration: use a whole number of ${listed(units.map((unit) => UNIT_NAMES[unit]))}, like ${listed(examples)}`,
    );
  }
  const amount = Number(match[1]);
  if (amount === 0) throw new DurationError('The duration must be more than zero');
  return amount * UNIT_MS[match[2] as DurationUnit];
}
