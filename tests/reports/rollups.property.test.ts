import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { testApp } from '../helpers/app.js';

// The summary reads roll-ups kept by triggers; the export reads the checks themselves. Whatever a
// till does — new checks, changed baskets (even moved to another day), answers, outcomes — the two agree.

const NOW = Date.parse('2017-11-02T23:30:00Z');
const STORES = ['store-a', 'store-b'];
// 2017-10-01 to 2017-11-01 is one whole 32-day block: these days fall before, at both ends of, inside
// and after it, so reports read both the block and the daily roll-ups.
const DAYS = ['2017-09-30', '2017-10-01', '2017-10-15', '2017-11-01', '2017-11-02'];
const AGE_BANDS = ['80_plus', '70_79', '50_59', 'unknown'] as const;
const LANES = ['staffed', 'self_checkout'] as const;
const OUTCOMES = ['proceeded', 'proceeded_after_warning', 'abandoned', 'scam_confirmed', 'refused'] as const;

const basket = fc.record({
  day: fc.integer({ min: 0, max: DAYS.length - 1 }),
  hour: fc.integer({ min: 0, max: 23 }),
  amount: fc.constantFrom(2000, 10000, 50000, 100000, 500000),
  ageBand: fc.constantFrom(...AGE_BANDS),
  lane: fc.constantFrom(...LANES),
  phoneInUse: fc.boolean(),
});
// Periods of whole blocks with days on one side, both or neither, and any other.
const periodIndices = fc.oneof(
  fc.constantFrom([0, 4], [1, 3], [0, 3], [1, 4], [2, 4]),
  fc.tuple(fc.nat(DAYS.length - 1), fc.nat(DAYS.length - 1)).map(([a, b]) => [Math.min(a, b), Math.max(a, b)]),
);
const operation = fc.oneof(
  fc.record({ kind: fc.constant('check' as const), store: fc.integer({ min: 0, max: 1 }), basket }),
  fc.record({ kind: fc.constant('change' as const), which: fc.nat(), basket }),
  fc.record({ kind: fc.constant('answer' as const), which: fc.nat(), purpose: fc.constantFrom('gift', 'bill_or_fine', 'own_use') }),
  fc.record({ kind: fc.constant('outcome' as const), which: fc.nat(), outcome: fc.constantFrom(...OUTCOMES) }),
);

type Row = Record<string, string>;
type Basket = typeof basket extends fc.Arbitrary<infer T> ? T : never;

function figuresFrom(rows: Row[]) {
  const stop = (r: Row) => r.warned === 'true' && ['scam_confirmed', 'refused', 'abandoned'].includes(r.outcome!);
  const protectedValue = (r: Row) =>
    ['scam_confirmed', 'refused'].includes(r.outcome!) || (r.warned === 'true' && r.outcome === 'abandoned') ? Number(r.stored_value) : 0;
  const count = (test: (r: Row) => boolean) => rows.filter(test).length;
  return {
    checks: rows.length,
    actions: Object.fromEntries(['allow', 'prompt', 'hold', 'refuse'].map((a) => [a, count((r) => r.action === a)])),
    warned: count((r) => r.warned === 'true'),
    outcomes: Object.fromEntries([...OUTCOMES, ''].map((o) => [o || 'none', count((r) => r.outcome === o)])),
    stops: count(stop),
    warnedThenSold: count((r) => r.warned === 'true' && ['proceeded', 'proceeded_after_warning'].includes(r.outcome!)),
    storedValue: rows.length ? { GBP: rows.reduce((t, r) => t + Number(r.stored_value), 0) } : {},
    valueProtected: rows.length ? { GBP: rows.reduce((t, r) => t + protectedValue(r), 0) } : {},
  };
}

const pick = (figures: Record<string, unknown>) => {
  const { checks, actions, warned, outcomes, stops, warnedThenSold, storedValue, valueProtected } = figures;
  return { checks, actions, warned, outcomes, stops, warnedThenSold, storedValue, valueProtected };
};

describe('the roll-ups', () => {
  it('always agree with the checks they summarise', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 14 }), periodIndices, async (operations, [first, last]) => {
        const { call, makeKey, services } = await testApp({ clock: () => NOW });
        try {
          const till = await makeKey('till', STORES);
          const analyst = await makeKey('analyst');
          const checks: Array<{ id: string; body: Record<string, unknown> }> = [];
          const bodyFor = (store: string, transactionId: string, b: Basket) => ({
            storeId: store,
            tillId: 'T1',
            transactionId,
            currency: 'GBP',
            lane: b.lane,
            occurredAt: `${DAYS[b.day]}T${String(b.hour).padStart(2, '0')}:00:00Z`,
            lines: [{ kind: 'gift_card', brand: 'itunes', unitAmount: b.amount }],
            customer: { ageBand: b.ageBand },
            signals: { phoneInUse: b.phoneInUse },
          });
          for (const op of operations) {
            if (op.kind === 'check') {
              const body = bodyFor(STORES[op.store]!, `tx-${checks.length}`, op.basket);
              const response = await call('POST', '/v1/checks', { key: till, body });
              checks.push({ id: response.json.checkId, body });
              continue;
            }
            const target = checks[op.which % Math.max(checks.length, 1)];
            if (!target) continue;
            if (op.kind === 'change') {
              await call('POST', '/v1/checks', { key: till, body: bodyFor(target.body.storeId as string, target.body.transactionId as string, op.basket) });
            } else if (op.kind === 'answer') {
              await call('POST', `/v1/checks/${target.id}/answers`, { key: till, body: { answers: { purpose: op.purpose } } });
            } else {
              await call('POST', `/v1/checks/${target.id}/outcome`, { key: till, body: { outcome: op.outcome } });
            }
          }

          const period = `from=${DAYS[first]}&to=${DAYS[last]}`;
          const summary = (await call('GET', `/v1/reports/summary?${period}`, { key: analyst })).json;
          const rows = parse((await call('GET', `/v1/reports/checks.csv?${period}`, { key: analyst })).text, { columns: true }) as Row[];
          expect(rows.every((r) => r.day! >= DAYS[first]! && r.day! <= DAYS[last]!)).toBe(true);

          expect(pick(summary.totals)).toEqual(figuresFrom(rows));
          for (const day of summary.byDay) expect(pick(day), day.day).toEqual(figuresFrom(rows.filter((r) => r.day === day.day)));
          for (const store of summary.byStore) expect(pick(store)).toEqual(figuresFrom(rows.filter((r) => r.store_id === store.storeId)));
          expect(summary.byStore.map((s: { storeId: string }) => s.storeId).sort()).toEqual([...new Set(rows.map((r) => r.store_id))].sort());
          for (const band of summary.byAgeBand) expect(pick(band)).toEqual(figuresFrom(rows.filter((r) => r.age_band === band.ageBand)));
          for (const lane of summary.byLane) expect(pick(lane)).toEqual(figuresFrom(rows.filter((r) => r.lane === lane.lane)));

          const ruleHits = (list: Row[]) => {
            const hits = new Map<string, number>();
            for (const row of list) for (const rule of row.rules!.split(' ').filter(Boolean)) hits.set(rule, (hits.get(rule) ?? 0) + 1);
            return hits;
          };
          expect(new Map(summary.rules.byHits.map((r: { ruleId: string; hits: number }) => [r.ruleId, r.hits]))).toEqual(ruleHits(rows));

          // And over one store.
          const one = (await call('GET', `/v1/reports/summary?${period}&storeId=${STORES[0]}`, { key: analyst })).json;
          const ours = rows.filter((r) => r.store_id === STORES[0]);
          expect(pick(one.totals)).toEqual(figuresFrom(ours));
          for (const day of one.byDay) expect(pick(day), day.day).toEqual(figuresFrom(ours.filter((r) => r.day === day.day)));
          for (const band of one.byAgeBand) expect(pick(band)).toEqual(figuresFrom(ours.filter((r) => r.age_band === band.ageBand)));
          for (const lane of one.byLane) expect(pick(lane)).toEqual(figuresFrom(ours.filter((r) => r.lane === lane.lane)));
          expect(new Map(one.rules.byHits.map((r: { ruleId: string; hits: number }) => [r.ruleId, r.hits]))).toEqual(ruleHits(ours));
        } finally {
          await services.store.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});
