import { z } from 'zod';

let knownCurrencies: ReadonlySet<string> | undefined;

/**
 * Read when a code is first checked, never at load: the contract also runs in the till SDK, and a
 * browser without `Intl.supportedValuesOf` (before 2022) must still get a decision. There the
 * three-letter shape is checked and the service, which always has the list, checks the rest.
 */
function isKnownCurrency(code: string): boolean {
  if (typeof Intl.supportedValuesOf !== 'function') return true;
  knownCurrencies ??= new Set(Intl.supportedValuesOf('currency'));
  return knownCurrencies.has(code);
}

export const Currency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'Use a three-letter ISO 4217 code in capitals, such as GBP')
  .refine(isKnownCurrency, 'Not an ISO 4217 currency this service knows')
  .meta({ id: 'Currency', description: 'ISO 4217 currency code of every amount in the request.', example: 'GBP' });

/** £100,000.00 in pence: far above any single card, far below the point where sums lose precision. */
export const MAX_UNIT_AMOUNT = 10_000_000;

export const MinorUnits = z
  .number()
  .int('Amounts are whole minor units (pence), not pounds')
  .min(0)
  .max(MAX_UNIT_AMOUNT)
  .meta({ description: 'An amount in minor units of the currency (pence for GBP).', example: 10000 });

/** U+0000, or half of a UTF-16 surrogate pair without its other half. */
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what this looks for
const UNKEEPABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether both stores keep `value` exactly as sent. */
export const isKeepableText = (value: string): boolean => !UNKEEPABLE.test(value);

/**
 * Free text from a till or an admin. PostgreSQL refuses U+0000 in text and jsonb, and a lone
 * surrogate has no UTF-8 form (PostgreSQL refuses it, SQLite would keep U+FFFD in its place), so
 * either would be a 500 on one store and a changed value on the other: refused here instead, as 400
 * `validation_failed` naming the field, on every store and in the till SDK before anything is queued.
 */
export const Text = () =>
  z.string().refine(isKeepableText, { message: 'Text may not contain U+0000 (NUL) or a lone UTF-16 surrogate', abort: true });

export const Identifier = (what: string, example: string, max = 64) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, 'Letters, digits and . _ : / - only, starting with a letter or digit')
    .meta({ description: what, example });

export const StoreId = Identifier('The store, as the retailer numbers it.', 'herts-stevenage-012').meta({ id: 'StoreId' });

export const TillId = Identifier('The till (or self-checkout) within the store.', 'T04');

/** What to say of a time that is not RFC 3339: a time without an offset is the common mistake, and could be any of several instants. */
function timestampError(issue: { input?: unknown }): string {
  if (typeof issue.input === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(issue.input)) {
    return `Needs an offset or Z: ${issue.input}Z for UTC, or ${issue.input}+01:00 for an hour ahead of it; a time without one could be several instants`;
  }
  return 'Not an RFC 3339 date-time: write it like 2017-10-30T10:15:02.120Z or 2017-10-30T11:15:02+01:00';
}

export const Timestamp = z.iso
  .datetime({ offset: true, error: timestampError })
  .meta({ description: 'An RFC 3339 date-time.', example: '2017-10-30T10:15:02.120Z' });

const EARLIEST_TILL_TIME = Date.UTC(2000, 0, 1);
const LATEST_TILL_TIME = Date.UTC(2100, 0, 1);

/** A time by a till's clock: an RFC 3339 date-time in 2000–2099, so a reset clock (year 0000, 1970) is refused, not filed. */
export const TillTimestamp = z.iso
  .datetime({ offset: true, error: timestampError })
  .refine((value) => {
    const at = Date.parse(value);
    return at >= EARLIEST_TILL_TIME && at < LATEST_TILL_TIME;
  }, 'Must be in the years 2000 to 2099: check the till clock')
  .meta({ description: 'An RFC 3339 date-time by the till’s clock, in the years 2000 to 2099.', example: '2017-10-30T10:15:02.120Z' });

export const CheckId = z
  .string()
  .regex(/^chk_[0-9a-z]{10,40}$/, 'Not a check id')
  .meta({ id: 'CheckId', description: 'The id Vouchsafe gave the check.', example: 'chk_01jd0q9w4v2s3k6m8n0p' });

/** Stripe's `Idempotency-Key` request header, on the calls that write. */
/** The language a till reads, for a check that names no `locale`. */
export const AcceptLanguageHeader = z.object({
  'accept-language': z
    .string()
    .max(500)
    .optional()
    .meta({
      param: { name: 'accept-language', in: 'header' },
      description: 'The languages the colleague reads, for a check without `locale` at a store the registry lacks (a registered store’s language wins). The decision’s texts are in the closest the rule set has, else its default; `Content-Language` says which.',
      example: 'cy-GB, en-GB;q=0.8',
    }),
});

export const IdempotencyKeyHeader = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .meta({
      param: { name: 'idempotency-key', in: 'header' },
      description:
        'Optional: a unique value per request (a UUID). Sent again with the same body within 24 hours, a success (2xx) is replayed (`Idempotent-Replayed: true`); a refusal is not kept, so the retry is answered afresh. With a different body: 409 `idempotency_key_reused`. Scoped to the API key.',
      example: '5f0c1d6e-3a4b-4c8d-9e2f-1a2b3c4d5e6f',
    }),
});
