import { describe, expect, it } from 'vitest';
import { aCheck, STORE, testApp } from '../helpers/app.js';
import { editedRules } from '../helpers/rules.js';

const DAY = 86_400_000;
const at = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY).toISOString();
const day = (daysAgo: number) => at(daysAgo).slice(0, 10);
const card = (brand: string, unitAmount: number, quantity = 1) => [{ kind: 'gift_card' as const, brand, unitAmount, quantity }];

/** A candidate that holds Steam cards of £50 or more for customers in their thirties, and prompts less for Apple cards in their forties. */
const candidate = () =>
  editedRules({
    file: 'candidate.yaml',
    append: `rules:
  - id: steam-over-50
    when: '"steam" in giftCards.brands && giftCards.total >= 5000 && customer.ageBand == "30_39"'
    score: 50
    reason: Steam cards
  - id: apple-for-forties
    when: '"apple" in giftCards.brands && customer.ageBand == "40_49" && !signals.phoneInUse'
    score: -10
    reason: Apple cards for someone in their forties
`,
  });

// Six checks whose decisions and outcomes are worked out by hand:
//   c1  80+, £500 iTunes          baseline hold   candidate hold   scam_confirmed            (stopped by both)
//   c2  £20 Amazon                allow           allow            proceeded                 (left alone by both)
//   c3  40s, £300 Apple           prompt (20)     allow (10)       proceeded_after_warning   (interrupted, then not)
//   c4  30s, £100 Steam           allow (5)       hold (55)        scam_confirmed            (missed, then stopped)
//   c5  £50 Google Play on phone  prompt          prompt           abandoned                 (unlabelled)
//   c6  £20 Amazon                allow           allow            no outcome                (unlabelled)
async function knownHistory() {
  const app = await testApp();
  const till = await app.makeKey('till', [STORE]);
  const analyst = await app.makeKey('analyst');
  const checks = [
    { body: { lines: card('itunes', 10000, 5), customer: { ageBand: '80_plus' as const } }, outcome: 'scam_confirmed' },
    { body: { lines: card('amazon', 2000) }, outcome: 'proceeded' },
    { body: { lines: card('apple', 10000, 3), customer: { ageBand: '40_49' as const } }, outcome: 'proceeded_after_warning' },
    { body: { lines: card('steam', 10000), customer: { ageBand: '30_39' as const } }, outcome: 'scam_confirmed' },
    { body: { lines: card('google_play', 5000), signals: { phoneInUse: true } }, outcome: 'abandoned' },
    { body: { lines: card('amazon', 2000) }, outcome: null },
  ];
  const ids: string[] = [];
  for (const [i, { body, outcome }] of checks.entries()) {
    const decided = await app.call('POST', '/v1/checks', { key: till, body: aCheck({ ...body, occurredAt: at(6 - i) }) });
    ids.push(decided.json.checkId);
    if (outcome) await app.call('POST', `/v1/checks/${decided.json.checkId}/outcome`, { key: till, body: { outcome } });
  }
  // One check outside the period, which must not be counted.
  await app.call('POST', '/v1/checks', { key: till, body: aCheck({ lines: card('itunes', 10000, 5), occurredAt: at(20) }) });
  return { ...app, till, analyst, ids };
}

describe('POST /v1/rules/backtest', () => {
  it('grades both rule sets against the recorded outcomes, with hand-computed figures', async () => {
    const { call, analyst, ids, services } = await knownHistory();
    const response = await call('POST', '/v1/rules/backtest', {
      key: analyst,
      body: { candidate: candidate(), from: day(10), to: day(0) },
    });
    expect(response.status).toBe(200);
    const report = response.json;
    expect(report.checks).toBe(6);
    expect(report.labels).toEqual({ scams: 2, ordinary: 2, unlabelled: 2 });
    expect(report.baseline).toMatchObject({
      version: services.rules.current.version,
      actions: { allow: 3, prompt: 2, hold: 1, refuse: 0 },
      scamsStopped: 1,
      scamsMissed: 1,
      ordinaryInterrupted: 1,
      ordinaryLeftAlone: 1,
      precision: 0.5,
      recall: 0.5,
      interruptionRate: 0.5,
      valueProtected: 50000,
    });
    expect(report.candidate).toMatchObject({
      actions: { allow: 3, prompt: 1, hold: 2, refuse: 0 },
      scamsStopped: 2,
      scamsMissed: 0,
      ordinaryInterrupted: 0,
      ordinaryLeftAlone: 2,
      precision: 1,
      recall: 1,
      interruptionRate: 0,
      valueProtected: 60000,
    });
    expect(report.changes.total).toBe(2);
    expect(report.changes.transitions).toEqual(
      expect.arrayContaining([
        { from: 'prompt', to: 'allow', checks: 1 },
        { from: 'allow', to: 'hold', checks: 1 },
      ]),
    );
    const example = report.changes.examples.find((e: { checkId: string }) => e.checkId === ids[3]);
    expect(example).toMatchObject({ outcome: 'scam_confirmed', storedValue: 10000, baseline: { action: 'allow' }, candidate: { action: 'hold' } });
    expect(example.candidate.rules).toContain('steam-over-50');
  });

  it('reports every rule set at the first screen and after answers, the first screen matching the summary report’s warned', async () => {
    const app = await testApp();
    const till = await app.makeKey('till', [STORE]);
    const analyst = await app.makeKey('analyst');
    // Three ordinary customers prompted at the first screen whose answers cleared the prompt, and one never prompted.
    for (const [i, ageBand] of (['40_49', '50_59', '30_39'] as const).entries()) {
      const first = await app.call('POST', '/v1/checks', { key: till, body: aCheck({ lines: card('apple', 10000, 3), customer: { ageBand }, occurredAt: at(3 - i) }) });
      expect(first.json.action).toBe('prompt');
      const answered = await app.call('POST', `/v1/checks/${first.json.checkId}/answers`, {
        key: till,
        body: { answers: { someoneAskedYouToBuy: 'no', purpose: 'gift', codesRequested: 'no' } },
      });
      expect(answered.json.action).toBe('allow');
      await app.call('POST', `/v1/checks/${first.json.checkId}/outcome`, { key: till, body: { outcome: 'proceeded_after_warning' } });
    }
    const plain = await app.call('POST', '/v1/checks', { key: till, body: aCheck({ lines: card('amazon', 2000), occurredAt: at(1) }) });
    await app.call('POST', `/v1/checks/${plain.json.checkId}/outcome`, { key: till, body: { outcome: 'proceeded' } });

    const current = app.services.rules.current.version;
    const report = (await app.call('POST', '/v1/rules/backtest', { key: analyst, body: { candidate: { version: current }, from: day(10), to: day(0) } })).json;
    const warned = (await app.call('GET', `/v1/reports/summary?from=${day(10)}&to=${day(0)}`, { key: analyst })).json.totals.warned;
    expect(warned).toBe(3);
    // One figure alone misleads: 3 interrupted at the first screen (as the report counts), none after the answers.
    expect(report.firstScreen.baseline).toMatchObject({ ordinaryInterrupted: warned, ordinaryLeftAlone: 1, actions: { allow: 1, prompt: 3, hold: 0, refuse: 0 } });
    expect(report.baseline).toMatchObject({ ordinaryInterrupted: 0, ordinaryLeftAlone: 4, actions: { allow: 4, prompt: 0, hold: 0, refuse: 0 } });
    // The same rules as candidate get the same figures at each stage: both stages give both sets the same inputs.
    expect(report.firstScreen.candidate).toEqual(report.firstScreen.baseline);
    expect(report.candidate).toEqual(report.baseline);
    expect(report.candidateWithoutAnswers).toBe(0);
  });

  it('says how many checks a candidate would stop that were never asked about, judged at the first screen', async () => {
    const { call, analyst } = await knownHistory();
    const report = (await call('POST', '/v1/rules/backtest', { key: analyst, body: { candidate: candidate(), from: day(10), to: day(0) } })).json;
    // c4 (£100 Steam, 30s) was allowed, so never asked; the candidate holds it at the first screen.
    expect(report.candidateWithoutAnswers).toBeGreaterThanOrEqual(1);
    expect(report.firstScreen.candidate.scamsStopped).toBe(2);
    expect(report.firstScreen.baseline.scamsStopped).toBe(1);
  });

  it('counts only holds and refusals as stopping a sale when asked to', async () => {
    const { call, analyst } = await knownHistory();
    const report = (await call('POST', '/v1/rules/backtest', { key: analyst, body: { candidate: candidate(), from: day(10), interveneAt: 'hold' } })).json;
    expect(report.baseline).toMatchObject({ scamsStopped: 1, scamsMissed: 1, ordinaryInterrupted: 0, precision: 1, recall: 0.5 });
  });

  it('back-tests a stored version, and refuses a candidate that fails its own tests', async () => {
    const { call, analyst, adminKey, services } = await knownHistory();
    const current = services.rules.current.version;
    const same = await call('POST', '/v1/rules/backtest', { key: analyst, body: { candidate: { version: current }, from: day(10) } });
    expect(same.json.changes.total).toBe(0);
    expect(same.json.candidate.scamsStopped).toBe(same.json.baseline.scamsStopped);

    const broken = editedRules({ file: 'value-and-age.yaml', replace: ['score: 30', 'score: 5'] });
    const refused = await call('POST', '/v1/rules/backtest', { key: analyst, body: { candidate: broken } });
    expect(refused.status).toBe(422);
    expect((await call('POST', '/v1/rules/backtest', { key: analyst, body: { candidate: { version: 'nope' } } })).status).toBe(404);
    expect((await call('POST', '/v1/rules/backtest', { key: adminKey, body: { candidate: { version: current }, from: day(500) } })).status).toBe(400);
  });

  it('keeps a store-limited analyst to their stores', async () => {
    const { call, makeKey } = await knownHistory();
    const regional = await makeKey('analyst', ['herts-hitchin-004']);
    const report = (await call('POST', '/v1/rules/backtest', { key: regional, body: { candidate: candidate(), from: day(10) } })).json;
    expect(report.checks).toBe(0);
    const asked = await call('POST', '/v1/rules/backtest', { key: regional, body: { candidate: candidate(), storeIds: [STORE] } });
    expect(asked.status).toBe(403);
  });
});

describe('GET /v1/rules/shadow', () => {
  it('shows how often each shadow rule would have fired, and on which outcomes', async () => {
    const { call, makeKey } = await testApp();
    const till = await makeKey('till', [STORE]);
    const analyst = await makeKey('analyst');
    const topUps = [{ kind: 'top_up' as const, brand: 'ee', unitAmount: 2000, quantity: 5 }];
    for (const outcome of ['proceeded', 'scam_confirmed', null]) {
      const decided = await call('POST', '/v1/checks', { key: till, body: aCheck({ lines: topUps }) });
      expect(decided.json.action).toBe('allow');
      if (outcome) await call('POST', `/v1/checks/${decided.json.checkId}/outcome`, { key: till, body: { outcome } });
    }
    const report = (await call('GET', '/v1/rules/shadow', { key: analyst })).json;
    expect(report.rules).toEqual([
      {
        ruleId: 'bulk-top-ups',
        inActiveSet: true,
        hits: 3,
        firstScreenHits: 3,
        storedValue: 30000,
        byOutcome: { proceeded: 1, scam_confirmed: 1, none: 1 },
        byAction: { allow: 3 },
      },
    ]);
    const bad = await call('GET', '/v1/rules/shadow?from=yesterday', { key: analyst });
    expect(bad.status).toBe(400);
    expect(bad.json.field).toBe('query.from');
  });

  it('counts each shadow rule at the first screen and after answers, so a rule the answers take away still shows', async () => {
    const { call, makeKey, adminKey } = await testApp();
    const watched = `rules:
  - id: apple-before-answers
    mode: shadow
    when: '"apple" in giftCards.brands && answers.purpose == ""'
    score: 20
    reason: Apple cards nobody has said the purpose of
`;
    expect((await call('PUT', '/v1/rules', { key: adminKey, body: editedRules({ file: 'watched.yaml', append: watched }) })).status).toBe(200);
    const till = await makeKey('till', [STORE]);
    const analyst = await makeKey('analyst');
    // Two prompted customers who answered (the rule matched their first screen only), one never asked.
    for (const ageBand of ['40_49', '50_59'] as const) {
      const first = await call('POST', '/v1/checks', { key: till, body: aCheck({ lines: card('apple', 10000, 3), customer: { ageBand } }) });
      expect(first.json.action).toBe('prompt');
      await call('POST', `/v1/checks/${first.json.checkId}/answers`, { key: till, body: { answers: { someoneAskedYouToBuy: 'no', purpose: 'gift', codesRequested: 'no' } } });
    }
    await call('POST', '/v1/checks', { key: till, body: aCheck({ lines: card('apple', 2000) }) });
    const report = (await call('GET', '/v1/rules/shadow', { key: analyst })).json;
    expect(report.rules.find((rule: { ruleId: string }) => rule.ruleId === 'apple-before-answers')).toMatchObject({ firstScreenHits: 3, hits: 1, inActiveSet: true });
  });
});
