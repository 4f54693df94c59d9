/** Input on the command line that cannot be understood: reported in one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const UNITS = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;

/** `400d`, `12w` or `48h` as milliseconds; anything else is refused with a message saying what is accepted. */
export function parseDuration(text: string): number {
  const match = /^\s*(\d{1,6})\s*([hdw])\s*$/.exec(text);
  if (!match) throw new UsageError(`"${text}" is not a duration: use a whole number of hours, days or weeks, like 400d, 12w or 48h`);
  const amount = Number(match[1]);
  if (amount === 0) throw new UsageError('The duration must be more than zero');
  return amount * UNITS[match[2] as keyof typeof UNITS];
}
