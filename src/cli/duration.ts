import { DurationError, parseDuration as parseAnyDuration } from '../duration.js';

/** Input on the command line that cannot be understood: reported in one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** `400d`, `12w` or `48h` as milliseconds; anything else is refused with a message saying what is accepted. */
export function parseDuration(text: string): number {
  try {
    return parseAnyDuration(text, ['h', 'd', 'w'], ['400d', '12w', '48h']);
  } catch (error) {
    if (error instanceof DurationError) throw new UsageError(error.message);
    throw error;
  }
}
