import { z } from 'zod';
import { Currency, StoreId, Text, Timestamp } from './common.js';

/** An IANA time zone this runtime knows. Checked with Intl here, since the contract sits below the engine. */
function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

export const StoreTimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine(isKnownTimeZone, 'Not an IANA time zone this service knows, such as Europe/London')
  .meta({ description: 'The store’s IANA time zone: its business days (a transaction id names one check per store and day) and report days.', example: 'Europe/London' });

export const StoreLocale = z
  .string()
  .max(35)
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'A BCP 47 language tag, like cy-GB or en-US')
  .meta({ description: 'The language the store’s colleagues read: one the active rule set has prompts in.', example: 'en-GB' });

export const StoreLocation = z
  .strictObject({
    lat: z.number().min(-90, 'Latitude is between -90 and 90').max(90, 'Latitude is between -90 and 90').meta({ example: 51.9017 }),
    lon: z.number().min(-180, 'Longitude is between -180 and 180').max(180, 'Longitude is between -180 and 180').meta({ example: -0.2019 }),
    district: Text()
      .pipe(z.string().min(1).max(16))
      .optional()
      .meta({
        description:
          'The postcode district or ZIP code the coordinates stand for (SG1, 10001), as the operator resolved it: no outside geocoding service is asked. The only place an alert shared beyond this service would name.',
        example: 'SG1',
      }),
  })
  .meta({ id: 'StoreLocation', description: 'Where the store is, in WGS 84 degrees: what area alerts measure distances from.' });
export type StoreLocation = z.infer<typeof StoreLocation>;

/** What an admin sends, or a line of the stores file says: the id is the path's, or the file's key. */
export const StoreInput = z
  .strictObject({
    name: Text().pipe(z.string().min(1).max(200)).meta({ example: 'Stevenage Town Centre' }),
    timeZone: StoreTimeZone,
    locale: StoreLocale,
    currency: Currency,
    location: StoreLocation.nullable().optional().meta({ description: 'Leave out (or null) for a store that should neither raise nor receive area alerts by distance.' }),
  })
  .meta({ id: 'StoreInput', description: 'A store as the retailer describes it.' });
export type StoreInput = z.infer<typeof StoreInput>;

export const Store = StoreInput.extend({
  id: StoreId,
  location: StoreLocation.nullable(),
  source: z.enum(['api', 'file']).meta({ description: '`file`: from the stores file (VOUCHSAFE_STORES_FILE), put back as the file says at every start; `api`: made or changed through this API.' }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
}).meta({ id: 'Store', description: 'A store in the registry.' });
export type Store = z.infer<typeof Store>;

export const StoreList = z
  .object({
    stores: z.array(Store),
    unknownStores: z
      .array(z.object({ storeId: StoreId, firstSeenAt: Timestamp }))
      .meta({ description: 'Store ids tills have sent that the registry does not have: their checks are decided with the service’s defaults (time zone, Accept-Language) and see no area alerts.' }),
  })
  .meta({ id: 'StoreList' });

export const AreaAlertReason = z
  .enum(['refused_sale', 'refused_hold', 'scam_confirmed', 'case_opened'])
  .meta({ id: 'AreaAlertReason', description: 'What raised the alert: the decision refused the sale, a supervisor refused a held sale, the outcome was a confirmed scam, or a case was opened.' });
export type AreaAlertReason = z.infer<typeof AreaAlertReason>;

/** Coarse on purpose: what an alert says of the money, in the currency's major units. */
export const ValueBand = z.enum(['under_100', '100_to_499', '500_to_999', '1000_plus']).meta({ id: 'ValueBand' });
export type ValueBand = z.infer<typeof ValueBand>;

export const AreaAlert = z
  .object({
    id: z.string().meta({ example: 'ala_01m888psdy7yqz3cp2mv2b0bjm' }),
    storeId: StoreId,
    checkId: z.string().nullable(),
    reason: AreaAlertReason,
    livemode: z.boolean(),
    raisedAt: Timestamp,
    expiresAt: Timestamp,
    radiusKm: z.number(),
    location: StoreLocation.nullable().meta({ description: 'Where the store was when the alert was raised; null: it had no location, so the alert reaches no store.' }),
    brands: z.array(z.string()),
    currency: Currency,
    valueBand: ValueBand,
    reached: z.array(z.object({ storeId: StoreId, km: z.number().int() })).meta({ description: 'The stores in the registry within the radius, nearest first.' }),
  })
  .meta({ id: 'AreaAlert', description: 'A scam stopped at one store, raising the guard at stores nearby for a while.' });
export type AreaAlert = z.infer<typeof AreaAlert>;
