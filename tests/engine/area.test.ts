import { describe, expect, it } from 'vitest';
import { areaFindingAt, type DistrictAlert, type LiveAlert } from '../../src/engine/index.js';

const AT = Date.parse('2026-11-20T10:00:00.000Z');
const MINUTE = 60_000;
/** Stevenage town centre, and a shop about 2 km north of it. */
const STEVENAGE = { lat: 51.9017, lon: -0.2019 };
const NEAR = { lat: 51.9194, lon: -0.2028 };

const own = (id: string, raisedAgo: number, where = NEAR): LiveAlert => ({
  id,
  storeId: 'herts-stevenage-020',
  ...where,
  radiusKm: 5,
  raisedAt: AT - raisedAgo * MINUTE,
  expiresAt: AT + (60 - raisedAgo) * MINUTE,
  brands: ['apple'],
});
const relayed = (id: string, raisedAgo: number, brands = ['google_play']): DistrictAlert => ({
  id,
  raisedAt: AT - raisedAgo * MINUTE,
  expiresAt: AT + (60 - raisedAgo) * MINUTE,
  brands,
});

describe('area facts with other retailers’ alerts for the store’s district', () => {
  it('count a district alert as the radius away, beside the retailer’s own at their measured distance', () => {
    expect(areaFindingAt([], 'herts-stevenage-012', STEVENAGE, AT, { alerts: [relayed('alert_a', 10)], km: 5 })).toEqual({
      facts: { scamsStopped: 1, nearestKm: 5, minutesSince: 10, brands: ['google_play'] },
      alertIds: ['alert_a'],
    });
    expect(areaFindingAt([own('ala_b', 30)], 'herts-stevenage-012', STEVENAGE, AT, { alerts: [relayed('alert_a', 10)], km: 5 })).toEqual({
      facts: { scamsStopped: 2, nearestKm: 2, minutesSince: 10, brands: ['apple', 'google_play'] },
      alertIds: ['ala_b', 'alert_a'],
    });
  });

  it('reach a store with a district but no coordinates; an alert not yet raised or expired at the check’s time counts for nothing', () => {
    // The retailer's own alert is measured from the store's coordinates, so without them it reaches it not.
    expect(areaFindingAt([own('ala_b', 5)], 'herts-stevenage-012', null, AT, { alerts: [relayed('alert_a', 20)], km: 3 }).facts).toEqual({
      scamsStopped: 1,
      nearestKm: 3,
      minutesSince: 20,
      brands: ['google_play'],
    });
    const notYet = { ...relayed('alert_late', 0), raisedAt: AT + MINUTE };
    const gone = relayed('alert_gone', 60);
    expect(areaFindingAt([], 'herts-stevenage-012', STEVENAGE, AT, { alerts: [notYet, gone], km: 5 })).toEqual({
      facts: { scamsStopped: 0, nearestKm: -1, minutesSince: -1, brands: [] },
      alertIds: [],
    });
  });
});
