import { randomBytes } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { aCheck, testApp } from '../helpers/app.js';
import { startService } from '../helpers/service-process.js';
import { knownData, NOW, PERIOD, STORE_A, STORE_B } from './known-data.js';

type Row = Record<string, string>;
const rowsOf = (text: string): Row[] => parse(text, { columns: true, record_delimiter: '\r\n', strict: true } as never) as Row[];

describe('GET /v1/reports/checks.csv', () => {
  it('has one row per check in the period, oldest first, that adds up to the summary', async () => {
    const { call, analyst, ids } = await knownData();
    const response = await call('GET', `/v1/reports/checks.csv?${PERIOD}`, { key: analyst });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="vouchsafe-checks-2017-10-29-to-2017-10-31.csv"');
    expect(response.text.split('\r\n')[0]).toMatch(/^check_id,occurred_at,day,store_id,/);
    expect(response.text.endsWith('\r\n')).toBe(true);

    const rows = rowsOf(response.text);
    expect(rows.map((r) => r.check_id)).toEqual([ids.one, ids.two, ids.three, ids.four, ids.five, ids.six, ids.seven].map((c) => c.checkId));
    expect(rows[0]).toMatchObject({
      occurred_at: '2017-10-29T00:00:00.000Z',
      day: '2017-10-29',
      store_id: STORE_A,
      till_id: 'T04',
      lane: 'staffed',
      age_band: '80_plus',
      currency: 'GBP',
      stored_value: '50000',
      stored_value_major: '500.00',
      stored_value_units: '5',
      action: 'hold',
      warned: 'true',
      revision: '1',
      prompt_id: 'paying-someone',
      rules: 'gift-cards-over-500 older-customer-80-plus scam-favoured-brand',
      outcome: 'scam_confirmed',
      stop: 'true',
      value_protected: '50000',
      police_reference: 'NFRC171029000001',
    });
    expect(rows[2]).toMatchObject({ action: 'allow', warned: 'true', revision: '2', outcome: 'proceeded_after_warning', stop: 'false', value_protected: '0' });
    expect(rows[4]).toMatchObject({ store_id: STORE_B, lane: 'self_checkout', warned: 'false', outcome: 'refused', stop: 'false', value_protected: '2000' });
    expect(rows[5]).toMatchObject({ outcome: '', outcome_at: '', stop: 'false' });
    expect(rows[6]).toMatchObject({ action: 'hold', revision: '2', stored_value: '50000', outcome: 'abandoned', stop: 'true' });

    const summary = (await call('GET', `/v1/reports/summary?${PERIOD}&groupBy=store`, { key: analyst })).json;
    const sum = (list: Row[], column: string) => list.reduce((total, row) => total + Number(row[column]), 0);
    expect(rows.length).toBe(summary.totals.checks);
    expect(sum(rows, 'value_protected')).toBe(summary.totals.valueProtected.GBP);
    expect(rows.filter((r) => r.stop === 'true').length).toBe(summary.totals.stops);
    expect(rows.filter((r) => r.warned === 'true').length).toBe(summary.totals.warned);
    for (const store of summary.byStore) {
      expect(rows.filter((r) => r.store_id === store.storeId).length).toBe(store.checks);
    }
  });

  it('never carries customer identifiers or the outcome note', async () => {
    const { call, analyst, till } = await knownData();
    const created = await call('POST', '/v1/checks', {
      key: till,
      body: {
        storeId: STORE_A, tillId: 'T01', transactionId: 'T01-private', currency: 'GBP', occurredAt: '2017-10-31T17:00:00Z',
        lines: [{ kind: 'gift_card', unitAmount: 5000, quantity: 1 }],
        customer: { ageBand: '40_49', loyaltyId: '634004000555555', paymentToken: 'tok_secret_payment_token' },
      },
    });
    await call('POST', `/v1/checks/${created.json.checkId}/outcome`, { key: till, body: { outcome: 'proceeded', note: 'Mrs Example, 12 High St', staffRef: 'C9999' } });
    const text = (await call('GET', `/v1/reports/checks.csv?${PERIOD}`, { key: analyst })).text;
    expect(text).toContain('T01-private');
    for (const secret of ['634004000555555', 'tok_secret_payment_token', 'Mrs Example', 'C9999']) expect(text).not.toContain(secret);
  });

  it('quotes per RFC 4180 and keeps spreadsheet formulas inert', async () => {
    const { call, analyst, till } = await knownData();
    const references = ['=HYPERLINK("http://x","y")', '+441234', '-2+3', '@SUM(A1)', 'A, "quoted" one', '＝1+1'];
    for (const [index, policeReference] of references.entries()) {
      const created = await call('POST', '/v1/checks', {
        key: till,
        body: { storeId: STORE_B, tillId: 'T02', transactionId: `T02-ref-${index}`, currency: 'GBP', occurredAt: `2017-10-31T17:0${index}:00Z`, lines: [{ kind: 'gift_card', unitAmount: 1000 }] },
      });
      await call('POST', `/v1/checks/${created.json.checkId}/outcome`, { key: till, body: { outcome: 'refused', policeReference } });
    }
    const rows = rowsOf((await call('GET', `/v1/reports/checks.csv?${PERIOD}&storeId=${STORE_B}`, { key: analyst })).text);
    expect(rows.slice(-references.length).map((r) => r.police_reference)).toEqual([
      `'=HYPERLINK("http://x","y")`,
      `'+441234`,
      `'-2+3`,
      `'@SUM(A1)`,
      'A, "quoted" one',
      `'＝1+1`,
    ]);
    expect(rows.every((r) => r.store_id === STORE_B)).toBe(true);
  });

  // The service hands @hono/node-server the export as text, and app.request() as bytes (see
  // http/text-stream.ts): both must be the same download, byte for byte, across chunks and scripts.
  it('is the same bytes from a running service as from the app, over many chunks and in any script', async () => {
    const idSecret = `csv-secret-${randomBytes(16).toString('hex')}`;
    const { call, makeKey, databasePath, services } = await testApp({ clock: () => NOW, timeZone: 'UTC', idSecret });
    const till = await makeKey('till', [STORE_A]);
    const analyst = await makeKey('analyst');
    const references = ['Réf. 2017/ÉTÉ', 'Ω-42 “quoted”', '警察 1234', 'emoji 🚓 in it', '＝1+1'];
    // 250 checks: three chunks of 100 rows and a part one.
    for (let index = 0; index < 250; index++) {
      const created = await call('POST', '/v1/checks', { key: till, body: aCheck({ storeId: STORE_A, transactionId: `T04-many-${index}`, occurredAt: new Date(NOW - index * 60_000).toISOString() }) });
      await call('POST', `/v1/checks/${created.json.checkId}/outcome`, { key: till, body: { outcome: 'refused', policeReference: references[index % references.length] } });
    }
    const fromApp = await call('GET', `/v1/reports/checks.csv?${PERIOD}`, { key: analyst });
    expect(fromApp.status).toBe(200);
    expect(rowsOf(fromApp.text)).toHaveLength(250);
    expect(fromApp.text).toContain('emoji 🚓 in it');
    // One process at a time has the file.
    await services.close();

    const service = startService({ VOUCHSAFE_DB: databasePath, VOUCHSAFE_ID_SECRET: idSecret, VOUCHSAFE_TIMEZONE: 'UTC', VOUCHSAFE_ADMIN_KEY: `csv-admin-${randomBytes(16).toString('hex')}` });
    const fromService = await fetch(new URL(`/v1/reports/checks.csv?${PERIOD}`, await service.listening), { headers: { authorization: `Bearer ${analyst}` } });
    expect(fromService.status).toBe(200);
    expect(fromService.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(Buffer.from(await fromService.arrayBuffer()).equals(Buffer.from(fromApp.text, 'utf8'))).toBe(true);
  });

  it('answers an empty period with the header alone', async () => {
    const { call, analyst } = await knownData();
    const response = await call('GET', '/v1/reports/checks.csv?from=2018-01-01&to=2018-01-02', { key: analyst });
    expect(response.status).toBe(200);
    expect(rowsOf(response.text)).toEqual([]);
    expect(response.text.split('\r\n')).toHaveLength(2);
  });

  it('validates its parameters like the summary', async () => {
    const { call, analyst } = await knownData();
    const response = await call('GET', '/v1/reports/checks.csv?from=2017-10-31&to=2017-10-01', { key: analyst });
    expect(response.status).toBe(400);
    expect(response.json.field).toBe('query.to');
    expect((await call('GET', '/v1/reports/checks.csv?groupBy=day', { key: analyst })).json.field).toBe('query.groupBy');
  });
});
