import { describe, expect, it } from 'vitest';
import { recordFreezeRequest } from '../../src/cases/index.js';
import { aCheck, OTHER_STORE, STORE, testApp } from '../helpers/app.js';

const MINUTE = 60_000;
const appleCards = (quantity: number) => [{ kind: 'gift_card' as const, brand: 'apple', unitAmount: 10000, quantity }];
const LOYALTY_ID = '634004000123456';
const PAYMENT_TOKEN = 'tok_visa_4242deadbeef';
/** £300 of Apple cards for a customer over 80: held. The loyalty id and card token must never reach a case. */
const heldBasket = () => aCheck({ lines: appleCards(3), customer: { ageBand: '80_plus', loyaltyId: LOYALTY_ID, paymentToken: PAYMENT_TOKEN } });
/** £300 of Apple cards for a customer in their 70s: a prompt. */
const promptedBasket = () => aCheck({ lines: appleCards(3), customer: { ageBand: '70_79' } });
const reassuring = { someoneAskedYouToBuy: 'no', purpose: 'gift', codesRequested: 'no' };
const report = { reporter: { role: 'family', ref: 'son' }, whatHappened: 'She was told by “HMRC” to buy the cards and read the numbers out.', amountLost: 30000, policeReference: 'NFRC261120123456' };

async function setUp(options: { databasePath?: string } = {}) {
  let now = Date.parse('2026-11-20T10:00:00.000Z');
  const app = await testApp({ clock: () => now, webhooksAllowHttp: true, ...options });
  const till = await app.makeKey('till', [STORE]);
  const otherTill = await app.makeKey('till', [OTHER_STORE]);
  const supervisor = await app.makeKey('supervisor', [STORE]);
  const otherSupervisor = await app.makeKey('supervisor', [OTHER_STORE]);
  const analyst = await app.makeKey('analyst');
  const check = async (body = heldBasket(), key = till) => {
    const response = await app.call('POST', '/v1/checks', { key, body });
    expect(response.status).toBe(201);
    return response.json;
  };
  const outcome = (checkId: string, outcome: string, key = till) => app.call('POST', `/v1/checks/${checkId}/outcome`, { key, body: { outcome, staffRef: 'C1234' } });
  /** A prompted basket, answered, sold: a sale that went through. */
  const sold = async () => {
    const decided = await check(promptedBasket());
    await app.call('POST', `/v1/checks/${decided.checkId}/answers`, { key: till, body: { answers: reassuring } });
    expect((await outcome(decided.checkId, 'proceeded_after_warning')).status).toBe(201);
    return decided.checkId as string;
  };
  const cases = async (query = '', key = analyst) => app.call('GET', `/v1/cases${query}`, { key });
  const webhook = async (events: string[]) => {
    const created = await app.call('POST', '/v1/webhooks', { key: app.adminKey, body: { url: 'http://localhost:9/lp', events } });
    expect(created.status).toBe(201);
    return async () => (await app.call('GET', `/v1/webhooks/${created.json.id}/deliveries`, { key: app.adminKey })).json.deliveries.map((d: { event: unknown }) => d.event);
  };
  return { ...app, till, otherTill, supervisor, otherSupervisor, analyst, check, outcome, sold, cases, webhook, advance: (ms: number) => (now += ms), now: () => now };
}

describe('a case opens by itself', () => {
  it('when the till records scam_confirmed, with case.opened in the outbox', async () => {
    const { check, outcome, cases, webhook } = await setUp();
    const events = await webhook(['case.opened']);
    const decided = await check();
    expect((await outcome(decided.checkId, 'scam_confirmed')).status).toBe(201);
    const listed = (await cases()).json.cases;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ checkId: decided.checkId, storeId: STORE, tillId: 'T04', openedReason: 'scam_confirmed', status: 'open', owner: null, storedValue: 30000, valueLost: null, valueFrozen: 0 });
    const [event] = await events();
    expect(event).toMatchObject({ type: 'case.opened', data: { caseId: listed[0].caseId, checkId: decided.checkId, openedReason: 'scam_confirmed', livemode: true } });
    expect(JSON.stringify(event)).not.toContain(LOYALTY_ID);
  });

  it('when a supervisor refuses a hold, and not when one releases it', async () => {
    const { check, call, supervisor, cases } = await setUp();
    const refused = await check();
    const released = await check();
    expect((await call('POST', `/v1/checks/${refused.checkId}/review`, { key: supervisor, body: { decision: 'refuse', supervisorRef: 'S0042' } })).status).toBe(200);
    expect((await call('POST', `/v1/checks/${released.checkId}/review`, { key: supervisor, body: { decision: 'release', supervisorRef: 'S0042' } })).status).toBe(200);
    const listed = (await cases()).json.cases;
    expect(listed.map((c: { checkId: string; openedReason: string }) => [c.checkId, c.openedReason])).toEqual([[refused.checkId, 'hold_refused']]);
  });

  it('never for an outcome that is not a confirmed scam', async () => {
    const { sold, check, outcome, cases } = await setUp();
    await sold();
    expect((await outcome((await check()).checkId, 'abandoned')).status).toBe(201);
    expect((await cases()).json.cases).toEqual([]);
  });
});

describe('POST /v1/checks/{checkId}/reports', () => {
  it('opens a case for a sale reported a day later; later reports join it, and an amount lost replaces the last', async () => {
    const { sold, call, analyst, cases, advance, webhook } = await setUp();
    const events = await webhook(['case.opened']);
    const checkId = await sold();
    advance(24 * 60 * MINUTE);
    const first = await call('POST', `/v1/checks/${checkId}/reports`, { key: analyst, body: report });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ checkId, ...report, caseId: expect.stringMatching(/^cas_/), id: expect.stringMatching(/^rpt_/) });
    const second = await call('POST', `/v1/checks/${checkId}/reports`, { key: analyst, body: { reporter: { role: 'police' }, whatHappened: 'Cards redeemed abroad.', amountLost: 20000 } });
    expect(second.json.caseId).toBe(first.json.caseId);
    const [listed] = (await cases()).json.cases;
    expect(listed).toMatchObject({ caseId: first.json.caseId, openedReason: 'reported', valueLost: 20000 });
    expect((await events()).map((event: { type: string }) => event.type)).toEqual(['case.opened']);
  });

  it('is kept once under an Idempotency-Key', async () => {
    const { sold, call, analyst } = await setUp();
    const checkId = await sold();
    const send = () => call('POST', `/v1/checks/${checkId}/reports`, { key: analyst, body: report, headers: { 'idempotency-key': 'report-1' } });
    const first = await send();
    const again = await send();
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.json).toEqual(first.json);
    const read = await call('GET', `/v1/cases/${first.json.caseId}`, { key: analyst });
    expect(read.json.timeline.filter((entry: { kind: string }) => entry.kind === 'report')).toHaveLength(1);
  });

  it('lets a store key report its own store’s checks only: another store’s check is missing, and nothing changes', async () => {
    const { sold, call, otherTill, otherSupervisor, till, cases } = await setUp();
    const checkId = await sold();
    for (const key of [otherTill, otherSupervisor]) {
      const refused = await call('POST', `/v1/checks/${checkId}/reports`, { key, body: report });
      expect(refused.status).toBe(404);
      expect(refused.json).toMatchObject({ code: 'not_found', detail: expect.stringContaining(checkId) });
    }
    expect((await cases()).json.cases).toEqual([]);
    expect((await call('POST', `/v1/checks/${checkId}/reports`, { key: till, body: report })).status).toBe(201);
  });

  it('refuses bad input with the field at fault, and records nothing', async () => {
    const { sold, call, analyst, cases, now } = await setUp();
    const checkId = await sold();
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ ...report, whatHappened: 'x'.repeat(2001) }, 'whatHappened'],
      [{ ...report, whatHappened: 'nul \u0000 inside' }, 'whatHappened'],
      [{ ...report, amountLost: -1 }, 'amountLost'],
      [{ ...report, amountLost: 12.5 }, 'amountLost'],
      [{ ...report, reporter: { role: 'neighbour' } }, 'reporter.role'],
      [{ ...report, reportedAt: new Date(now() + 60 * MINUTE).toISOString() }, 'reportedAt'],
      [{ ...report, cardNumber: '4242' }, 'cardNumber'],
    ];
    for (const [body, field] of bad) {
      const refused = await call('POST', `/v1/checks/${checkId}/reports`, { key: analyst, body });
      expect(refused.status, field).toBe(400);
      expect(refused.json.field, field).toBe(field);
    }
    expect((await cases()).json.cases).toEqual([]);
  });

  it('keeps test and live apart: a test key cannot report a live check', async () => {
    const { sold, call, adminKey, cases } = await setUp();
    const checkId = await sold();
    const testAnalyst = (await call('POST', '/v1/keys', { key: adminKey, body: { role: 'analyst', name: 'test analyst', mode: 'test' } })).json.key;
    expect((await call('POST', `/v1/checks/${checkId}/reports`, { key: testAnalyst, body: report })).status).toBe(404);
    expect((await cases()).json.cases).toEqual([]);
  });
});

describe('POST /v1/checks/{checkId}/escalations', () => {
  it('records a till’s escalation, opens the case and sends case.escalated at once', async () => {
    const { check, call, till, analyst, webhook, now } = await setUp();
    const events = await webhook(['case.escalated']);
    const decided = await check();
    const body = { step: 'called_bank_159', by: 'C1234', note: 'Customer agreed; her bank is calling her back.' };
    const recorded = await call('POST', `/v1/checks/${decided.checkId}/escalations`, { key: till, body });
    expect(recorded.status).toBe(201);
    expect(recorded.json).toMatchObject({ ...body, checkId: decided.checkId, caseId: expect.stringMatching(/^cas_/), at: new Date(now()).toISOString() });
    const [event] = await events();
    expect(event).toMatchObject({ type: 'case.escalated', data: { caseId: recorded.json.caseId, step: 'called_bank_159', by: 'C1234', escalationId: recorded.json.id } });
    expect(JSON.stringify(event)).not.toContain('her bank');
    const read = await call('GET', `/v1/cases/${recorded.json.caseId}`, { key: analyst });
    expect(read.json).toMatchObject({ openedReason: 'escalated', status: 'open' });
    expect(read.json.timeline.find((entry: { kind: string }) => entry.kind === 'escalation')).toMatchObject({ by: 'C1234', detail: { step: 'called_bank_159' } });
  });

  it('is refused to another store’s supervisor, and for a time ahead of the clock', async () => {
    const { check, call, otherSupervisor, supervisor, cases, now } = await setUp();
    const decided = await check();
    expect((await call('POST', `/v1/checks/${decided.checkId}/escalations`, { key: otherSupervisor, body: { step: 'called_police', by: 'S9' } })).status).toBe(404);
    const ahead = await call('POST', `/v1/checks/${decided.checkId}/escalations`, {
      key: supervisor,
      body: { step: 'called_police', by: 'S9', at: new Date(now() + 10 * MINUTE).toISOString() },
    });
    expect(ahead.json).toMatchObject({ status: 400, field: 'at' });
    const unknownStep = await call('POST', `/v1/checks/${decided.checkId}/escalations`, { key: supervisor, body: { step: 'called_ghostbusters', by: 'S9' } });
    expect(unknownStep.json).toMatchObject({ status: 400, field: 'step' });
    expect((await cases()).json.cases).toEqual([]);
  });
});

describe('managing cases', () => {
  it('lists by status and store, a page at a time, to the keys that may see them', async () => {
    const { check, outcome, call, till, otherTill, supervisor, otherSupervisor, cases, advance } = await setUp();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const decided = await check();
      await outcome(decided.checkId, 'scam_confirmed');
      ids.push(decided.checkId);
      advance(MINUTE);
    }
    const elsewhere = await check(aCheck({ storeId: OTHER_STORE, lines: appleCards(3), customer: { ageBand: '80_plus' } }), otherTill);
    await outcome(elsewhere.checkId, 'scam_confirmed', otherTill);

    const first = (await cases('?limit=2')).json;
    expect(first.cases).toHaveLength(2);
    const second = (await cases(`?limit=2&cursor=${first.nextCursor}`)).json;
    expect(second.nextCursor).toBeNull();
    expect([...first.cases, ...second.cases].map((c: { checkId: string }) => c.checkId)).toEqual([elsewhere.checkId, ...ids.reverse()]);

    expect((await cases(`?store=${OTHER_STORE}`)).json.cases.map((c: { checkId: string }) => c.checkId)).toEqual([elsewhere.checkId]);
    expect((await cases('', supervisor)).json.cases).toHaveLength(3);
    expect((await cases(`?store=${STORE}`, otherSupervisor)).json.code).toBe('store_forbidden');
    expect((await cases('', till)).json.code).toBe('forbidden');
    const caseId = first.cases[0].caseId;
    expect((await call('GET', `/v1/cases/${caseId}`, { key: supervisor })).status).toBe(404);
    expect((await call('GET', `/v1/cases/${caseId}`, { key: otherSupervisor })).status).toBe(200);
    expect((await cases('?status=closed')).json.cases).toEqual([]);
    expect((await cases('?status=shut')).json.field).toBe('query.status');
  });

  it('sets an owner, closes and reopens with a reason, audited and in the timeline; a bad change changes nothing', async () => {
    const { check, outcome, call, analyst, adminKey, supervisor, cases } = await setUp();
    const decided = await check();
    await outcome(decided.checkId, 'scam_confirmed');
    const [{ caseId }] = (await cases()).json.cases;
    const patch = (body: unknown, key = analyst) => call('PATCH', `/v1/cases/${caseId}`, { key, body });

    expect((await patch({ owner: 'lp-anna' })).json).toMatchObject({ owner: 'lp-anna', status: 'open' });
    expect((await patch({ status: 'closed' })).json).toMatchObject({ status: 400, field: 'reason' });
    expect((await patch({ owner: 'lp-ben', status: 'closed', reason: 'Issuer refunded the customer.' })).json).toMatchObject({ owner: 'lp-ben', status: 'closed' });
    const again = await patch({ owner: 'lp-carl', status: 'closed', reason: 'Twice' });
    expect(again.json).toMatchObject({ status: 409, code: 'case_status_conflict' });
    expect((await call('GET', `/v1/cases/${caseId}`, { key: analyst })).json.owner).toBe('lp-ben');
    expect((await patch({ status: 'open', reason: 'Customer called again.' })).json.status).toBe('open');
    expect((await patch({ status: 'open', reason: 'Again' })).json.code).toBe('case_status_conflict');
    expect((await patch({ owner: 'lp-anna' }, supervisor)).json.code).toBe('forbidden');

    const note = await call('POST', `/v1/cases/${caseId}/notes`, { key: analyst, body: { text: 'Issuer will call back.' } });
    expect(note.status).toBe(201);
    expect((await call('POST', `/v1/cases/${caseId}/notes`, { key: analyst, body: { text: 'x'.repeat(2001) } })).json.field).toBe('text');
    expect((await call('POST', '/v1/cases/cas_0000000000000000000000000/notes', { key: analyst, body: { text: 'Lost?' } })).status).toBe(404);

    const timeline = note.json.timeline.map((entry: { kind: string }) => entry.kind);
    expect(timeline).toEqual(['decision', 'prompt_shown', 'review', 'review', 'outcome', 'case_opened', 'owner_changed', 'owner_changed', 'status_changed', 'status_changed', 'note']);
    const audit = (await call('GET', '/v1/audit', { key: adminKey })).json.entries.filter((entry: { action: string }) => entry.action === 'case.updated');
    expect(audit).toHaveLength(3);
  });
});

describe('GET /v1/cases/{caseId}/evidence', () => {
  it('gives store, times, CCTV window, basket, prompt, answers, review, outcome, reports and escalations, and no loyalty id or payment token', async () => {
    const { check, call, till, supervisor, analyst, now, advance } = await setUp();
    const decided = await check();
    const saleAt = now();
    advance(2 * MINUTE);
    await call('POST', `/v1/checks/${decided.checkId}/review`, { key: supervisor, body: { decision: 'refuse', supervisorRef: 'S0042', reason: 'Caller on the phone told her what to say.' } });
    await call('POST', `/v1/checks/${decided.checkId}/outcome`, { key: till, body: { outcome: 'scam_confirmed', staffRef: 'C1234', policeReference: 'NFRC1' } });
    await call('POST', `/v1/checks/${decided.checkId}/escalations`, { key: till, body: { step: 'called_police', by: 'C1234' } });
    const reported = await call('POST', `/v1/checks/${decided.checkId}/reports`, { key: analyst, body: report });
    const { caseId } = reported.json;

    const evidence = await call('GET', `/v1/cases/${caseId}/evidence`, { key: analyst });
    expect(evidence.status).toBe(200);
    expect(evidence.headers.get('content-type')).toMatch(/^application\/json/);
    const pack = evidence.json;
    expect(pack).toMatchObject({
      caseId,
      checkId: decided.checkId,
      openedReason: 'hold_refused',
      store: { storeId: STORE, tillId: 'T04', timeZone: 'Europe/London' },
      times: {
        saleAt: { utc: new Date(saleAt).toISOString(), local: '2026-11-20 10:00:00 GMT' },
        cctv: { from: { utc: new Date(saleAt - 10 * MINUTE).toISOString() }, to: { utc: new Date(now() + 10 * MINUTE).toISOString() } },
      },
      basket: { currency: 'GBP', storedValue: 30000, lines: [{ kind: 'gift_card', brand: 'apple', unitAmount: 10000, quantity: 3 }] },
      decision: { action: 'hold' },
      review: { status: 'refused', closedBy: 'supervisor', supervisorRef: 'S0042' },
      outcome: { outcome: 'scam_confirmed', staffRef: 'C1234', policeReference: 'NFRC1' },
      references: ['NFRC1', report.policeReference],
      escalations: [{ step: 'called_police', by: 'C1234' }],
      reports: [{ whatHappened: report.whatHappened, amountLost: 30000 }],
      cards: [],
    });
    expect(pack.prompts[0].prompt).toMatchObject({ locale: 'en-GB', say: expect.any(String) });
    expect(pack.decision.reasons.length).toBeGreaterThan(0);
    expect(evidence.text).not.toContain(LOYALTY_ID);
    expect(evidence.text).not.toContain(PAYMENT_TOKEN);
    expect(evidence.text).not.toMatch(/loyalty|paymentToken|identit/i);

    for (const asked of [{ headers: { accept: 'text/html' } }, { query: '?format=html' }]) {
      const page = await call('GET', `/v1/cases/${caseId}/evidence${asked.query ?? ''}`, { key: supervisor, headers: asked.headers ?? {} });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.text).toMatch(/^<!doctype html><html lang="en-GB">/);
      expect(page.text).toContain(pack.prompts[0].prompt.say.replaceAll('’', '’'));
      expect(page.text).not.toContain('<script');
      expect(page.text).not.toContain(LOYALTY_ID);
    }
    expect((await call('GET', `/v1/cases/${caseId}/evidence`, { key: till })).json.code).toBe('forbidden');
  });
});

describe('case figures in the summary report', () => {
  it('count cases opened, value lost and frozen, and the median time from sale to freeze request, in total and by store', async () => {
    const { check, outcome, sold, call, analyst, otherTill, services, advance } = await setUp();
    const scam = await check();
    await outcome(scam.checkId, 'scam_confirmed');
    const reported = await sold();
    await call('POST', `/v1/checks/${reported}/reports`, { key: analyst, body: report });
    const elsewhere = await check(aCheck({ storeId: OTHER_STORE, lines: appleCards(3), customer: { ageBand: '80_plus' } }), otherTill);
    await call('POST', `/v1/checks/${elsewhere.checkId}/escalations`, { key: otherTill, body: { step: 'called_police', by: 'C9' } });
    advance(7 * MINUTE);
    await services.store.transaction(async (tx) => recordFreezeRequest(tx, (await tx.cases.findByCheck(scam.checkId))!, { at: services.clock(), actor: null, detail: {} }));
    const [{ caseId }] = (await call('GET', `/v1/cases?store=${OTHER_STORE}`, { key: analyst })).json.cases;
    await call('PATCH', `/v1/cases/${caseId}`, { key: analyst, body: { status: 'closed', reason: 'Customer kept her money.' } });

    const summary = await call('GET', '/v1/reports/summary?groupBy=store', { key: analyst });
    expect(summary.status).toBe(200);
    expect(summary.json.cases.totals).toEqual({
      opened: 3,
      openedBy: { scam_confirmed: 1, hold_refused: 0, reported: 1, escalated: 1 },
      open: 2,
      valueLost: { GBP: 30000 },
      valueFrozen: {},
      freezeRequested: 1,
      saleToFreezeRequestMedianSeconds: 7 * 60,
    });
    expect(summary.json.cases.byStore.map((row: { storeId: string; opened: number }) => [row.storeId, row.opened])).toEqual([[STORE, 2], [OTHER_STORE, 1]]);
    const mine = await call('GET', `/v1/reports/summary?storeId=${OTHER_STORE}`, { key: analyst });
    expect(mine.json.cases.totals).toMatchObject({ opened: 1, open: 0 });
  });
});

describe('cases survive a restart', () => {
  it('with their timeline, on the same database file', async () => {
    const first = await setUp();
    const decided = await first.check();
    await first.outcome(decided.checkId, 'scam_confirmed');
    await first.call('POST', `/v1/checks/${decided.checkId}/escalations`, { key: first.till, body: { step: 'called_family', by: 'C1' } });
    const [{ caseId }] = (await first.cases()).json.cases;
    const before = (await first.call('GET', `/v1/cases/${caseId}`, { key: first.adminKey })).json;
    await first.services.close();

    const second = await testApp({ databasePath: first.databasePath, clock: first.now });
    const after = await second.call('GET', `/v1/cases/${caseId}`, { key: first.adminKey });
    expect(after.json).toEqual(before);
  });
});
