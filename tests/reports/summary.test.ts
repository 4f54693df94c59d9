import { describe, expect, it } from 'vitest';
import { EXPECTED_ACTIONS, knownData, PERIOD, STORE_A, STORE_B, STORE_C } from './known-data.js';

const zeros = {
  checks: 0,
  checksWithStoredValue: 0,
  storedValue: {},
  actions: { allow: 0, prompt: 0, hold: 0, refuse: 0 },
  warned: 0,
  warnedWithStoredValue: 0,
  promptRate: null,
  outcomes: { proceeded: 0, proceeded_after_warning: 0, abandoned: 0, scam_confirmed: 0, refused: 0, none: 0 },
  warnedWithOutcome: 0,
  stops: 0,
  stopRate: null,
  warnedThenSold: 0,
  valueProtected: {},
};

describe('GET /v1/reports/summary on a known data set', () => {
  it('adds up to the sums worked out by hand', async () => {
    const { call, analyst, actions } = await knownData();
    expect(actions).toEqual(EXPECTED_ACTIONS);
    const response = await call('GET', `/v1/reports/summary?${PERIOD}`, { key: analyst });
    expect(response.status).toBe(200);
    const summary = response.json;
    expect(summary).toMatchObject({ from: '2017-10-29', to: '2017-10-31', days: 3, timeZone: 'UTC', storeIds: null });
    expect(summary.totals).toEqual({
      checks: 7, // 1–7; 0 is the day before
      checksWithStoredValue: 7,
      storedValue: { GBP: 50000 + 2000 + 15000 + 500000 + 2000 + 15000 + 50000 },
      actions: { allow: 3, prompt: 1, hold: 3, refuse: 0 }, // allow: 2, 3, 5; prompt: 6; hold: 1, 4, 7
      warned: 5, // 1, 3, 4, 6, 7
      warnedWithStoredValue: 5,
      promptRate: 5 / 7,
      outcomes: { proceeded: 1, proceeded_after_warning: 1, abandoned: 2, scam_confirmed: 1, refused: 1, none: 1 },
      warnedWithOutcome: 4, // 1, 3, 4, 7
      stops: 3, // 1, 4, 7
      stopRate: 3 / 4,
      warnedThenSold: 1, // 3
      valueProtected: { GBP: 50000 + 500000 + 2000 + 50000 }, // 1, 4, 5, 7
    });
  });

  it('splits the figures by day, every day of the period', async () => {
    const { call, analyst } = await knownData();
    const { byDay } = (await call('GET', `/v1/reports/summary?${PERIOD}&groupBy=day`, { key: analyst })).json;
    expect(byDay.map((d: { day: string }) => d.day)).toEqual(['2017-10-29', '2017-10-30', '2017-10-31']);
    expect(byDay.map((d: { checks: number }) => d.checks)).toEqual([2, 2, 3]);
    expect(byDay.map((d: { stops: number }) => d.stops)).toEqual([1, 1, 1]);
    expect(byDay.map((d: { valueProtected: unknown }) => d.valueProtected)).toEqual([{ GBP: 50000 }, { GBP: 500000 }, { GBP: 52000 }]);
    expect(byDay[2]).toMatchObject({ warned: 2, warnedWithOutcome: 1, stopRate: 1, outcomes: { refused: 1, abandoned: 1, none: 1 } });

    const quiet = (await call('GET', '/v1/reports/summary?from=2017-11-01&to=2017-11-02&groupBy=day', { key: analyst })).json;
    expect(quiet.byDay).toEqual([
      { day: '2017-11-01', ...zeros },
      { day: '2017-11-02', ...zeros },
    ]);
    expect(quiet.totals).toEqual(zeros);
  });

  it('ranks stores by stops and splits by age band and lane', async () => {
    const { call, analyst } = await knownData();
    const summary = (await call('GET', `/v1/reports/summary?${PERIOD}&groupBy=store&groupBy=ageBand&groupBy=lane`, { key: analyst })).json;
    expect(summary.byDay).toBeUndefined();
    expect(summary.rules).toBeUndefined();
    expect(summary.byStore.map((s: { storeId: string; rank: number; checks: number; stops: number }) => [s.storeId, s.rank, s.checks, s.stops])).toEqual([
      [STORE_A, 1, 4, 2], // 1, 2, 3, 7; stops 1 and 7
      [STORE_B, 2, 3, 1], // 4, 5, 6; stop 4
    ]);
    expect(summary.byStore[1].valueProtected).toEqual({ GBP: 502000 });
    const bands = Object.fromEntries(summary.byAgeBand.map((b: { ageBand: string; checks: number }) => [b.ageBand, b.checks]));
    expect(bands).toEqual({ under_20: 0, '20_29': 0, '30_39': 0, '40_49': 0, '50_59': 1, '60_69': 0, '70_79': 2, '80_plus': 2, unknown: 2 });
    const eighty = summary.byAgeBand.find((b: { ageBand: string }) => b.ageBand === '80_plus');
    expect(eighty).toMatchObject({ stops: 2, valueProtected: { GBP: 100000 }, promptRate: 1 });
    expect(summary.byLane.map((l: { lane: string; checks: number }) => [l.lane, l.checks])).toEqual([
      ['staffed', 6],
      ['self_checkout', 1],
      ['customer_service', 0],
      ['kiosk', 0],
    ]);
  });

  it('counts rules matched by each check’s latest decision, top by hits and by stops', async () => {
    const { call, analyst } = await knownData();
    const { rules } = (await call('GET', `/v1/reports/summary?${PERIOD}&groupBy=rule`, { key: analyst })).json;
    const byId = Object.fromEntries(rules.byHits.map((r: { ruleId: string }) => [r.ruleId, r]));
    // Markyate's basket (1 and 7) matches these; the answers lower check 3's score (another rule) but the
    // age rule still matches its latest decision, as it does 6's.
    expect(byId['older-customer-80-plus']).toEqual({ ruleId: 'older-customer-80-plus', shadow: false, hits: 2, stops: 2, valueProtected: { GBP: 100000 } });
    expect(byId['gift-cards-over-500']).toMatchObject({ hits: 2, stops: 2 });
    expect(byId['gift-cards-over-2500']).toEqual({ ruleId: 'gift-cards-over-2500', shadow: false, hits: 1, stops: 1, valueProtected: { GBP: 500000 } });
    expect(byId['older-customer-70s']).toEqual({ ruleId: 'older-customer-70s', shadow: false, hits: 2, stops: 0, valueProtected: { GBP: 0 } });
    const hits = rules.byHits.map((r: { hits: number }) => r.hits);
    expect(hits).toEqual([...hits].sort((a, b) => b - a));
    expect(rules.byStops.every((r: { stops: number }) => r.stops > 0)).toBe(true);
    expect(rules.byStops[0].stops).toBe(3); // scam-favoured-brand: itunes in 1, 4 and 7
    expect(rules.byHits.concat(rules.byStops).every((r: { shadow: boolean }) => !r.shadow)).toBe(true);
  });
});

describe('who sees which stores', () => {
  it('limits an analyst key to its stores, and refuses others by name', async () => {
    const { call, makeKey } = await knownData();
    const limited = await makeKey('analyst', [STORE_B]);
    const own = (await call('GET', `/v1/reports/summary?${PERIOD}`, { key: limited })).json;
    expect(own.storeIds).toEqual([STORE_B]);
    expect(own.totals).toMatchObject({ checks: 3, stops: 1, valueProtected: { GBP: 502000 } });
    const other = await call('GET', `/v1/reports/summary?${PERIOD}&storeId=${STORE_A}`, { key: limited });
    expect(other.status).toBe(403);
    expect(other.json.code).toBe('store_forbidden');
    const csv = await call('GET', `/v1/reports/checks.csv?${PERIOD}&storeId=${STORE_B}&storeId=${STORE_C}`, { key: limited });
    expect(csv.status).toBe(403);
  });

  it('narrows to the stores asked for', async () => {
    const { call, analyst } = await knownData();
    const both = (await call('GET', `/v1/reports/summary?${PERIOD}&storeId=${STORE_B}&storeId=${STORE_A}&groupBy=store`, { key: analyst })).json;
    expect(both.storeIds).toEqual([STORE_B, STORE_A].sort());
    expect(both.totals.checks).toBe(7);
    const none = (await call('GET', `/v1/reports/summary?${PERIOD}&storeId=${STORE_C}`, { key: analyst })).json;
    expect(none.totals.checks).toBe(0);
  });

  it('refuses till keys and requests without a key', async () => {
    const { call, till } = await knownData();
    for (const path of [`/v1/reports/summary?${PERIOD}`, `/v1/reports/checks.csv?${PERIOD}`]) {
      const asTill = await call('GET', path, { key: till });
      expect(asTill.status).toBe(403);
      expect(asTill.json.code).toBe('forbidden');
      expect((await call('GET', path)).status).toBe(401);
    }
  });
});

describe('the period', () => {
  it('defaults to the last 30 days, today included', async () => {
    const { call, analyst } = await knownData();
    const summary = (await call('GET', '/v1/reports/summary?groupBy=day', { key: analyst })).json;
    expect(summary).toMatchObject({ from: '2017-10-02', to: '2017-10-31', days: 30 });
    expect(summary.byDay).toHaveLength(30);
    expect(summary.totals.checks).toBe(8);
  });

  it('names the field at fault', async () => {
    const { call, analyst } = await knownData();
    const cases: Array<[string, string]> = [
      ['from=2017-10-31&to=2017-10-01', 'query.to'],
      ['from=2016-01-01&to=2017-01-01', 'query.from'],
      ['from=2017-02-29', 'query.from'],
      ['to=31/10/2017', 'query.to'],
      ['groupBy=week', 'query.groupBy'],
      ['storeId=not%20a%20store', 'query.storeId'],
      ['form=2017-10-01', 'query.form'],
    ];
    for (const [query, field] of cases) {
      const response = await call('GET', `/v1/reports/summary?${query}`, { key: analyst });
      expect(response.status, query).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.json.field, query).toBe(field);
    }
    const leapYear = await call('GET', '/v1/reports/summary?from=2016-01-01&to=2016-12-31', { key: analyst });
    expect(leapYear.json.days).toBe(366);
  });
});

describe('the OpenAPI document', () => {
  it('defines every figure', async () => {
    const { call } = await knownData();
    const doc = (await call('GET', '/openapi.json')).json;
    const summary = doc.paths['/v1/reports/summary'].get;
    for (const term of ['valueProtected', 'promptRate', 'stopRate', 'stops', 'warned', 'VOUCHSAFE_TIMEZONE']) expect(summary.description).toContain(term);
    const figures = doc.components.schemas.ReportFigures;
    for (const [name, property] of Object.entries(figures.properties as Record<string, { description?: string }>)) {
      expect(property.description, name).toBeTruthy();
    }
    expect(doc.paths['/v1/reports/checks.csv'].get.description).toContain('value_protected');
    expect(doc.paths['/v1/reports/checks.csv'].get.responses['200'].content).toHaveProperty(['text/csv']);
  });
});
