import { z } from 'zod';
import { MinorUnits, Text } from './common.js';
import { Brand } from './check.js';

/**
 * Keys that name a card's secret. Refused by name wherever they appear in a body: whoever holds the
 * PIN or redemption code holds the money, and nothing the service does needs it (a processor finds a
 * card by its serial or activation id). Compared folded: lower case, without `_`, `-` or spaces.
 */
export const SECRET_FIELD_NAMES: ReadonlySet<string> = new Set([
  'pin',
  'code',
  'cardcode',
  'redemptioncode',
  'claimcode',
  'securitycode',
  'scratchcode',
  'vouchercode',
  'giftcode',
  'cvv',
  'cvc',
  'password',
]);

export const isSecretFieldName = (key: string): boolean => SECRET_FIELD_NAMES.has(key.toLowerCase().replace(/[\s_-]/g, ''));

/** Why a value was refused as a card's secret: the field error codes a till can branch on. */
export type SecretShape = 'looks_like_pin' | 'looks_like_redemption_code';

/**
 * Whether `value` looks like a card's PIN or redemption code rather than something that only finds
 * the card. A heuristic, not a proof (docs/till-integration.md, "Sending the cards sold"):
 * - a PIN is a few digits: 3 to 9 digits (with spaces or dashes between) are refused;
 * - redemption codes mix capital letters and digits: Apple's are 16 characters, often starting with
 *   X, printed apart from the serial (giftprimer.com/blogs/apple-gift-card-code); Steam's are 15 in
 *   three groups of five (gameslearningsociety.org, "What should a Steam code look like?"); Amazon,
 *   Google Play and others print 14 to 20 in groups of four or five. So letters and digits mixed, in
 *   three to five groups of four to six, or unbroken at 15, 16 or 20 characters in capitals, are refused.
 * Its limits: a redemption code of another shape (all letters, lower case, odd lengths) gets through,
 * and a processor reference of exactly those shapes is refused (send it as the processor prints it,
 * with any prefix). It catches the slip of a colleague keying the scratch-off code into the serial field.
 */
export function secretShape(value: string): SecretShape | undefined {
  const compact = value.replace(/[\s-]/g, '');
  if (/^\d{3,9}$/.test(compact)) return 'looks_like_pin';
  const mixed = /[A-Za-z]/.test(compact) && /\d/.test(compact) && /^[A-Za-z0-9]+$/.test(compact);
  if (!mixed) return undefined;
  if (/^[A-Za-z0-9]{4,6}(?:[\s-][A-Za-z0-9]{4,6}){2,4}$/.test(value.trim())) return 'looks_like_redemption_code';
  if (/^[A-Z0-9]+$/.test(compact) && [15, 16, 20].includes(compact.length)) return 'looks_like_redemption_code';
  return undefined;
}

const SECRET_MESSAGES: Record<SecretShape, string> = {
  looks_like_pin: 'This looks like a PIN: send the card’s serial (10 to 19 digits) or the processor’s activation id, never the PIN',
  looks_like_redemption_code: 'This looks like a redemption code: send the card’s serial or the processor’s activation id, never the code under the scratch-off',
};

/** The message for a refused secret-looking value or key. It never repeats the value. */
export const secretMessage = (shape: SecretShape | 'secret_field', key = ''): string =>
  shape === 'secret_field' ? `Never send a card’s ${key || 'secret'}: a card is found by its serial or the processor’s activation id` : SECRET_MESSAGES[shape];

/** Serials are digits, 10 to 19 of them; spaces and dashes as printed are allowed and dropped. */
const SERIAL_DIGITS = { min: 10, max: 19 } as const;

export const CardSerial = Text()
  .trim()
  .min(1)
  .max(40)
  .superRefine((value, ctx) => {
    const shape = secretShape(value);
    if (shape) {
      ctx.addIssue({ code: 'custom', message: secretMessage(shape), params: { code: shape } });
      return;
    }
    const digits = value.replace(/[\s-]/g, '');
    if (!/^\d+$/.test(digits) || digits.length < SERIAL_DIGITS.min || digits.length > SERIAL_DIGITS.max) {
      ctx.addIssue({
        code: 'custom',
        message: `A serial is ${SERIAL_DIGITS.min} to ${SERIAL_DIGITS.max} digits (spaces or dashes between are fine); send anything else as activationId`,
        params: { code: 'invalid_serial' },
      });
    }
  })
  .transform((value) => value.replace(/[\s-]/g, ''))
  .meta({
    description: `The card’s serial number as printed or scanned: ${SERIAL_DIGITS.min} to ${SERIAL_DIGITS.max} digits, spaces and dashes dropped. Kept encrypted; shown whole only to admin and processor keys.`,
    example: '6039 5312 3456 7890',
  });

export const ActivationId = Text()
  .trim()
  .min(1)
  .max(64)
  .superRefine((value, ctx) => {
    const shape = secretShape(value);
    if (shape) ctx.addIssue({ code: 'custom', message: secretMessage(shape), params: { code: shape } });
  })
  .meta({
    description: 'The processor’s id for the activation (InComm, Blackhawk, ePay…): what it needs to find the card. Kept encrypted like the serial.',
    example: 'inc-7f3a9c21e0d84b5a',
  });

export const MAX_CARDS = 200;

export const CardSold = z
  .strictObject({
    brand: Brand,
    amount: MinorUnits.meta({ description: 'The value loaded onto the card, in minor units of the check’s currency (as a line’s `unitAmount`).', example: 10000 }),
    serial: CardSerial.optional(),
    activationId: ActivationId.optional(),
  })
  .refine((card) => card.serial !== undefined || card.activationId !== undefined, {
    message: 'A card needs its serial or the processor’s activationId (or both): what a processor needs to find it',
    params: { code: 'card_unidentified' },
  })
  .meta({
    id: 'CardSold',
    description:
      'A card activated in the sale: its brand, value and what a processor needs to find it. Never its PIN or redemption code: a value or key that looks like one is refused (400 `validation_failed`, field code `looks_like_pin`, `looks_like_redemption_code` or `secret_field`).',
  });
export type CardSold = z.infer<typeof CardSold>;

export const CardRecord = z
  .object({
    cardId: z.string().meta({ description: 'The card’s stable id within the service.', example: 'card_01m888psdy7yqz3cp2mv2b0bjm' }),
    brand: z.string().meta({ example: 'apple' }),
    amount: z.number().int().meta({ description: 'Minor units of the check’s currency.', example: 10000 }),
    serial: z.string().optional().meta({ description: 'The whole serial: for admin and processor keys only, until it is purged.' }),
    serialLast4: z.string().optional().meta({ description: 'The serial’s last four digits: what every other key sees.', example: '7890' }),
    activationId: z.string().optional().meta({ description: 'The processor’s whole activation id: for admin and processor keys only, until it is purged.' }),
    activationIdLast4: z.string().optional().meta({ example: '4b5a' }),
    purged: z.boolean().meta({ description: 'The serial and activation id were purged (after VOUCHSAFE_CARD_RETENTION, 90 days by default); brand, value and last four remain.' }),
  })
  .meta({ id: 'CardRecord', description: 'A card sold, as recorded: masked to its last four characters except for admin and processor keys.' });
export type CardRecord = z.infer<typeof CardRecord>;
