import { z } from 'zod';

/**
 * What a check sees of the scams stopped near its store (area alerts): the facts a rule reads as
 * `area.*`. Gathered by the service from the alerts live when the check is made and passed to the
 * engine, which stays pure; offline, and for a store with no location, there are none.
 */
export const AreaFacts = z
  .object({
    scamsStopped: z.number().int().describe('Area alerts that reached this store and are still live: scams stopped at other stores nearby, this retailer’s or (through an exchange) another’s'),
    nearestKm: z.number().int().describe('Distance to the nearest of them in whole kilometres, rounded up; -1 when there is none'),
    minutesSince: z.number().int().describe('Whole minutes since the most recent of them was raised; -1 when there is none'),
    brands: z.array(z.string()).describe('Distinct stored-value brands in the baskets that raised them'),
  })
  .describe(
    'Gift-card scams stopped (a refused sale, a refused hold, a confirmed scam or a case) at other stores of this retailer within the alert radius, and on a member of an exchange at other retailers’ stores in the same postcode district (counted as the radius away), for as long as an alert lasts (VOUCHSAFE_AREA_ALERT_KM, VOUCHSAFE_AREA_ALERT_MINUTES). Test checks see only test alerts, never other retailers’. Read `nearestKm` and `minutesSince` only with `scamsStopped >= 1`.',
  );
export type AreaFacts = z.infer<typeof AreaFacts>;
