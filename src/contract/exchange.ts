import { z } from 'zod';
import { Timestamp } from './common.js';

/**
 * What members of an exchange send it and get back (docs/exchange.md). Every message is a closed
 * object: a field the exchange does not know is refused, not ignored, so nothing that could identify
 * a person (a name, a card number, a street address) can ride along on an alert or a sighting.
 */

/**
 * A basket's stored value as a band, never the amount: enough for a rule ("a large spend elsewhere"),
 * too coarse to match one receipt. In the basket's major unit (pounds, dollars).
 */
export const ValueBand = z.enum(['under_100', '100_to_249', '250_to_499', '500_to_999', '1000_plus']).meta({
  id: 'ValueBand',
  description: 'Stored value in a band of the major unit: under 100, 100–249, 250–499, 500–999, 1,000 or more.',
});
export type ValueBand = z.infer<typeof ValueBand>;

const BAND_FLOORS: ReadonlyArray<[number, ValueBand]> = [
  [1000, '1000_plus'],
  [500, '500_to_999'],
  [250, '250_to_499'],
  [100, '100_to_249'],
];

/** The band of an amount in major units. */
export function valueBandOf(majorUnits: number): ValueBand {
  for (const [floor, band] of BAND_FLOORS) if (majorUnits >= floor) return band;
  return 'under_100';
}

/** Bands in order, so the larger of two can be told. */
export const VALUE_BAND_ORDER: readonly ValueBand[] = ValueBand.options;

/**
 * A postcode district (the outward code: AL3, SW1A, M1) or the first three digits of a ZIP code (441):
 * a few thousand to tens of thousands of households, never a street.
 */
export const District = z
  .string()
  .regex(/^(?:[A-Z]{1,2}[0-9][0-9A-Z]?|[0-9]{3})$/, 'A postcode district (AL3, SW1A) or the first three digits of a ZIP code, in capitals; never a full postcode')
  .meta({ id: 'District', example: 'AL3' });

const Brand = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'A brand slug: lower case letters, digits, - and _')
  .meta({ example: 'apple' });

export const AreaAlert = z
  .strictObject({
    district: District,
    at: Timestamp.meta({ description: 'When the scam was stopped, to the minute.' }),
    brands: z.array(Brand).max(10),
    valueBand: ValueBand,
    action: z.enum(['refused', 'held', 'confirmed', 'case']).meta({
      description:
        '`refused`: the sale was refused. `held`: a supervisor held it and refused it. `confirmed`: the sale went through and was recorded as a confirmed scam. `case`: a case was opened on it (a colleague escalated it, or it was reported soon after).',
    }),
  })
  .meta({ id: 'AreaAlert', description: 'A scam stopped at a member’s store: where to the district, when, which brands, how much as a band. Nothing about the customer.' });
export type AreaAlert = z.infer<typeof AreaAlert>;

export const RelayedAlert = AreaAlert.extend({ id: z.string(), receivedAt: Timestamp }).meta({ id: 'RelayedAlert' });
export type RelayedAlert = z.infer<typeof RelayedAlert>;

/** A ristretto255 element, 32 bytes, base64url without padding. */
const Element = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'A 32-byte group element, base64url without padding');

/** At most a few per request: one card per check, and a lookup never needs more. */
export const MAX_BLINDED_PER_REQUEST = 4;

export const EvaluateRequest = z.strictObject({ blinded: z.array(Element).min(1).max(MAX_BLINDED_PER_REQUEST) });
export type EvaluateRequest = z.infer<typeof EvaluateRequest>;
export const EvaluateResponse = z.strictObject({ evaluated: z.array(Element) });
export type EvaluateResponse = z.infer<typeof EvaluateResponse>;

/** A linking id: the OPRF output (64 bytes, SHA-512), base64url without padding. */
export const LinkId = z.string().regex(/^[A-Za-z0-9_-]{86}$/, 'A 64-byte OPRF output, base64url without padding');

export const SightingRequest = z.strictObject({ linkId: LinkId, valueBand: ValueBand });
export type SightingRequest = z.infer<typeof SightingRequest>;

export const SightingResponse = z.strictObject({
  otherMembers: z.number().int().min(0).meta({ description: 'Members other than the asker that saw this card buy stored value in the last 24 hours.' }),
  minutesSince: z.number().int().min(0).nullable().meta({ description: 'Minutes since the latest of those; null when none.' }),
  valueBand: ValueBand.nullable().meta({ description: 'The largest band among those; null when none.' }),
});
export type SightingResponse = z.infer<typeof SightingResponse>;

export const AlertsQuery = z.strictObject({
  district: z.union([District, z.array(District).max(20)]).transform((value) => (Array.isArray(value) ? value : [value])),
  since: Timestamp,
});
