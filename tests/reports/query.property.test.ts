import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.js';

const NOW = Date.parse('2017-10-31T12:00:00Z');
const DAY_MS = 86_400_000;
const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const PATHS = ['/v1/reports/summary', '/v1/reports/checks.csv'];

async function setUp() {
  const app = await testApp({ clock: () => NOW });
  return { ...app, analyst: await app.makeKey('analyst') };
}

describe('report query parameters', () => {
  it('never produce a 5xx, and every 400 names a query field', async () => {
    const { call, analyst } = await setUp();
    const name = fc.constantFrom('from', 'to', 'storeId', 'groupBy', 'form', 'limit');
    const value = fc.oneof(fc.string({ maxLength: 20 }), fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), fc.constantFrom('day', 'store', '2017-02-29', '9999-12-31', '0000-01-01'));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PATHS), fc.array(fc.tuple(name, value), { maxLength: 4 }), async (path, pairs) => {
        const query = new URLSearchParams(pairs).toString();
        const response = await call('GET', `${path}?${query}`, { key: analyst });
        expect(response.status, query).toBeLessThan(500);
        if (response.status !== 200) {
          expect(response.status, query).toBe(400);
          expect(response.json.field, query).toMatch(/^query\./);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('accept any period of 1 to 366 days and cover exactly its days', async () => {
    const { call, analyst } = await setUp();
    const start = fc.integer({ min: Date.UTC(2000, 0, 1) / DAY_MS, max: Date.UTC(2099, 0, 1) / DAY_MS });
    await fc.assert(
      fc.asyncProperty(start, fc.integer({ min: 1, max: 366 }), async (first, days) => {
        const [from, to] = [date(first * DAY_MS), date((first + days - 1) * DAY_MS)];
        const response = await call('GET', `/v1/reports/summary?from=${from}&to=${to}&groupBy=day`, { key: analyst });
        expect(response.status).toBe(200);
        expect(response.json).toMatchObject({ from, to, days });
        expect(response.json.byDay).toHaveLength(days);
        expect(response.json.byDay[0].day).toBe(from);
        expect(response.json.byDay.at(-1).day).toBe(to);
      }),
      { numRuns: 40 },
    );
  });

  it('refuse periods that run backwards or past 366 days, naming the field', async () => {
    const { call, analyst } = await setUp();
    const start = fc.integer({ min: Date.UTC(2000, 0, 1) / DAY_MS, max: Date.UTC(2099, 0, 1) / DAY_MS });
    await fc.assert(
      fc.asyncProperty(start, fc.oneof(fc.integer({ min: -1000, max: -1 }), fc.integer({ min: 366, max: 5000 })), async (first, offset) => {
        const [from, to] = [date(first * DAY_MS), date((first + offset) * DAY_MS)];
        const response = await call('GET', `/v1/reports/summary?from=${from}&to=${to}`, { key: analyst });
        expect(response.status).toBe(400);
        expect(response.json.field).toBe(offset < 0 ? 'query.to' : 'query.from');
      }),
      { numRuns: 40 },
    );
  });
});
