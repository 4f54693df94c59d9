import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckRequest } from '../../src/contract/check.js';
import type { Decision } from '../../src/contract/decision.js';
import type { HistoryInput } from '../../src/contract/rule-file.js';
import { businessDay, compileRuleSet, NO_HISTORY } from '../../src/engine/index.js';
import type { Services } from '../../src/services.js';
import { newId } from '../../src/sortable-id.js';
import { type Basket, BUNDLED_RULES, decideOffline, type TillClient } from '../../sdk/src/index.js';
import { type liveService, OTHER_STORE, STORE } from './helpers/service.js';
import { tillWorld } from './helpers/till.js';

const ruleSet = compileRuleSet(BUNDLED_RULES);
const WINDOWS = ['h1', 'h24', 'd30'] as const;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const BAND_AGE_MS = { h1: 10 * 60_000, h24: 2 * HOUR_MS, d30: 2 * DAY_MS };

/**
 * Earlier checks in the service's store that give exactly `history` for this customer now: each
 * window's figures, less the narrower window's, as checks of that age, in as many other stores as
 * the window counts and warned as often; or, for a case that counts visits (`sameFamily`), one
 * check of the basket's brand a day.
 */
async function seedHistory(services: Services, customer: { loyaltyId?: string; paymentToken?: string }, history: HistoryInput, brand: string | undefined): Promise<void> {
  const identities = [
    ...(customer.loyaltyId ? [services.ids.identity('loyalty', customer.loyaltyId)] : []),
    ...(customer.paymentToken ? [services.ids.identity('payment', customer.paymentToken)] : []),
  ];
  const now = Date.now();
  const seed = async (at: number, storeId: string, storedValue: number, action: 'prompt' | 'allow', lineBrand?: string) =>
    services.store.transaction((tx) =>
      tx.checks.save({
        id: newId('chk', at),
        storeId,
        tillId: 'T0',
        transactionId: newId('chk', at),
        businessDay: businessDay(at, services.timeZone),
        livemode: true,
        occurredAt: at,
        receivedAt: at,
        historyAt: at,
        keyId: 'seed',
        requestFingerprint: 'seed',
        identified: true,
        identities,
        totals: { basket: storedValue, storedValue, storedValueUnits: 1 },
        evaluation: {
          revision: 1,
          trigger: 'check',
          evaluatedAt: at,
          request: CheckRequest.parse({
            storeId,
            tillId: 'T0',
            transactionId: 'seed',
            currency: 'GBP',
            lines: [{ kind: 'gift_card', unitAmount: storedValue, ...(lineBrand ? { brand: lineBrand } : {}) }],
          }),
          answers: {},
          history: NO_HISTORY,
          action,
          score: 0,
          reasons: [],
          shadowReasons: [],
          promptId: null,
          prompt: null,
          ruleSetVersion: 'seed',
        },
      }),
    );

  if (history.sameFamily) {
    // Visits of the basket's brand, one a day: those of the week 1–3 days back, the rest 8 days and
    // more. The month's figures must be these visits (the cases say so); the hour and day are empty.
    const week = { checks: 0, storedValue: 0, ...history.sameFamily.d7 };
    const month = { checks: 0, storedValue: 0, ...history.sameFamily.d30 };
    expect([history.h1, history.h24, history.d30?.checks, history.d30?.storedValue]).toEqual([undefined, undefined, month.checks, month.storedValue]);
    for (let i = 0; i < month.checks; i++) {
      const inWeek = i < week.checks;
      const at = now - (inWeek ? i + 1 : i + 8) * DAY_MS - HOUR_MS;
      const share = inWeek ? week.storedValue / week.checks : (month.storedValue - week.storedValue) / (month.checks - week.checks);
      await seed(at, STORE, share, i < (history.d30?.prompted ?? 0) ? 'prompt' : 'allow', brand);
    }
    return;
  }
  let stores = 0;
  let narrower = { storedValue: 0, checks: 0, stores: 0, prompted: 0 };
  for (const window of WINDOWS) {
    const figures = { ...narrower, ...history[window] };
    const checks = figures.checks - narrower.checks;
    const newStores = figures.stores - narrower.stores;
    const prompted = figures.prompted - narrower.prompted;
    const value = figures.storedValue - narrower.storedValue;
    expect(Math.min(checks, newStores, prompted, value)).toBeGreaterThanOrEqual(0);
    for (let i = 0; i < checks; i++) {
      const at = now - BAND_AGE_MS[window] - i;
      const storedValue = i === 0 ? value - Math.floor(value / checks) * (checks - 1) : Math.floor(value / checks);
      const storeId = i < newStores ? `${OTHER_STORE}-${(stores += 1)}` : STORE;
      await seed(at, storeId, storedValue, i < prompted ? 'prompt' : 'allow');
    }
    narrower = figures;
  }
}

const decided = (decision: Decision) => ({
  action: decision.action,
  score: decision.score,
  reasons: decision.reasons,
  prompt: decision.prompt,
  ruleSetVersion: decision.ruleSetVersion,
});

describe('parity: for every case in the rule files, the offline decision is the service’s', () => {
  let service: Awaited<ReturnType<typeof liveService>>;
  let apiKey: string;
  let till: TillClient;
  beforeAll(async () => {
    // The till's network is down: every decision it gives is its own.
    const world = await tillWorld({ fault: 'down', cleanUp: afterAll });
    ({ service, apiKey } = world);
    till = world.open({ tillId: 'T01', timeoutMs: 30 });
  });

  async function online(path: string, body: unknown): Promise<Decision> {
    const response = await fetch(`${service.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBeLessThan(300);
    return (await response.json()) as Decision;
  }

  it('covers the seed stories, the impostor patterns and ordinary shopping', () => {
    expect(ruleSet.tests.length).toBeGreaterThan(40);
  });

  for (const [index, { file, test }] of ruleSet.tests.entries()) {
    it(`${file}: ${test.name}`, async () => {
      // One customer per case, so no case becomes another's history.
      const customer = {
        ...test.check.customer,
        ...(test.check.customer?.loyaltyId ? { loyaltyId: `${test.check.customer.loyaltyId}-${index}` } : {}),
        ...(test.check.customer?.paymentToken ? { paymentToken: `${test.check.customer.paymentToken}-${index}` } : {}),
      };
      const basket = { ...test.check, customer, transactionId: `parity-${index}`, currency: test.check.currency ?? 'GBP' } as Basket;

      if (test.history) await seedHistory(service.services, customer, test.history, test.check.lines[0]?.brand);
      let serviceDecision = await online('/v1/checks', { ...basket, storeId: STORE, tillId: 'T02' });
      if (test.answers) serviceDecision = await online(`/v1/checks/${serviceDecision.checkId}/answers`, { answers: test.answers });

      let offline: Decision;
      if (test.history) {
        // A till never sees other stores' history, so here its engine is given the history the service has.
        const history = { h1: { ...NO_HISTORY.h1, ...test.history.h1 }, h24: { ...NO_HISTORY.h24, ...test.history.h24 }, d30: { ...NO_HISTORY.d30, ...test.history.d30 }, sameFamily: { d7: { ...NO_HISTORY.sameFamily.d7, ...test.history.sameFamily?.d7 }, d30: { ...NO_HISTORY.sameFamily.d30, ...test.history.sameFamily?.d30 } } };
        offline = { ...serviceDecision, ...decideOffline(ruleSet, { check: CheckRequest.parse({ ...basket, storeId: STORE, tillId: 'T01' }), history, answers: test.answers ?? {} }) };
      } else {
        let decision = await till.check(basket);
        expect(decision.source).toBe('offline');
        if (test.answers) decision = await till.answer(decision.checkId, test.answers);
        expect(decision.source).toBe('offline');
        offline = decision;
      }
      expect(decided(offline)).toEqual(decided(serviceDecision));
    });
  }
});
