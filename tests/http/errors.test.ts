import { describe, expect, it } from 'vitest';
import { didYouMean, ErrorCode } from '../../src/contract/problem.js';
import { STATUS_BY_CODE } from '../../src/http/problem.js';
import { aCheck, STORE, testApp } from '../helpers/app.js';

async function withTill() {
  const app = await testApp();
  return { ...app, till: await app.makeKey('till', [STORE]) };
}

function expectProblem(response: { status: number; headers: Headers; json: any }, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(response.json).toMatchObject({ status, code, type: `http://localhost/problems/${code}` });
  expect(response.json.requestId).toBe(response.headers.get('x-request-id'));
}

describe('bad input', () => {
  it('answers malformed JSON with 400 malformed_json', async () => {
    const { call, till } = await withTill();
    expectProblem(await call('POST', '/v1/checks', { key: till, body: '{"storeId": ' }), 400, 'malformed_json');
  });

  it('answers a wrong or missing content type with 415', async () => {
    const { call, till } = await withTill();
    const body = JSON.stringify(aCheck());
    expectProblem(await call('POST', '/v1/checks', { key: till, body, headers: { 'content-type': 'text/plain' } }), 415, 'unsupported_media_type');
    const response = await call('POST', '/v1/checks', { key: till, body, headers: { 'content-type': '' } });
    expectProblem(response, 415, 'unsupported_media_type');
  });

  it('answers an oversized body with 413', async () => {
    const { call, till } = await withTill();
    const huge = { ...aCheck(), padding: 'x'.repeat(300 * 1024) };
    expectProblem(await call('POST', '/v1/checks', { key: till, body: huge }), 413, 'payload_too_large');
  });

  it('names every field at fault, including misspelt ones', async () => {
    const { call, till } = await withTill();
    const response = await call('POST', '/v1/checks', {
      key: till,
      body: {
        ...aCheck(),
        currency: 'XXY',
        lines: [{ kind: 'gift_card', unitAmount: -1, quantity: 1 }],
        signals: { phoneInuse: true },
        customer: { ageBand: '85' },
      },
    });
    expectProblem(response, 400, 'validation_failed');
    const fields = response.json.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['currency', 'lines[0].unitAmount', 'signals.phoneInuse', 'customer.ageBand']));
    expect(response.json.field).toBe(response.json.errors[0].field);
    expect(response.json.errors).toContainEqual({ field: 'signals.phoneInuse', code: 'unrecognized_keys', message: 'Unrecognized key: "phoneInuse"; did you mean "phoneInUse"?' });
  });

  it('says a time needs an offset or Z, naming the field', async () => {
    const { call, till } = await withTill();
    const response = await call('POST', '/v1/checks', { key: till, body: { ...aCheck(), occurredAt: '2026-12-05T23:00:00' } });
    expectProblem(response, 400, 'validation_failed');
    expect(response.json.field).toBe('occurredAt');
    expect(response.json.errors[0].message).toMatch(/^Needs an offset or Z: 2026-12-05T23:00:00Z for UTC/);
    const garbled = await call('POST', '/v1/checks', { key: till, body: { ...aCheck(), occurredAt: 'last Tuesday' } });
    expect(garbled.json.errors[0]).toMatchObject({ field: 'occurredAt', message: expect.stringMatching(/^Not an RFC 3339 date-time/) });
  });

  it('bounds amounts, quantities, lines and strings', async () => {
    const { call, till } = await withTill();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ lines: [{ kind: 'gift_card', unitAmount: 1e15 }] }, 'lines[0].unitAmount'],
      [{ lines: [{ kind: 'gift_card', unitAmount: 100, quantity: 1_000_000 }] }, 'lines[0].quantity'],
      [{ lines: [] }, 'lines'],
      [{ lines: Array.from({ length: 501 }, () => ({ kind: 'merchandise', unitAmount: 1 })) }, 'lines'],
      [{ storeId: 'x'.repeat(65) }, 'storeId'],
      [{ transactionId: 'has spaces' }, 'transactionId'],
      [{ lines: [{ kind: 'gift_card', unitAmount: 1000, brand: '!!!' }] }, 'lines[0].brand'],
      [{ occurredAt: 'yesterday' }, 'occurredAt'],
    ];
    for (const [overrides, field] of cases) {
      const response = await call('POST', '/v1/checks', { key: till, body: { ...aCheck(), ...overrides } });
      expect(response.status, field).toBe(400);
      expect(response.json.field, field).toBe(field);
    }
  });

  it('answers unknown routes and malformed ids with 404 problem+json', async () => {
    const { call, till } = await withTill();
    expectProblem(await call('GET', '/v1/nothing-here', { key: till }), 404, 'not_found');
    expectProblem(await call('GET', '/v1/checks/not-an-id', { key: till }), 404, 'not_found');
  });

  it('never shows the cause of a failure to the client, and logs it with the request id', async () => {
    const { call, till, services, logLines } = await withTill();
    await services.store.close();
    const response = await call('POST', '/v1/checks', { key: till, body: aCheck() });
    expectProblem(response, 500, 'internal_error');
    expect(response.text).not.toMatch(/database|sqlite|stack|at /i);
    const logged = logLines.map((line) => JSON.parse(line)).find((entry) => entry.level === 'error');
    expect(logged).toMatchObject({ requestId: response.json.requestId });
    expect(logged.error).toMatch(/database/i);
  });
});

describe('problem pages', () => {
  it('serves a page for every code the service can answer with, where each problem’s type points', async () => {
    const { call } = await testApp();
    for (const code of ErrorCode.options) {
      const response = await call('GET', `/problems/${code}`);
      expect(response.status, code).toBe(200);
      expect(response.headers.get('content-type'), code).toMatch(/^text\/html/);
      const text = response.text;
      expect(text, code).toContain(`<code>${code}</code>`);
      expect(text, code).toContain(`HTTP status ${STATUS_BY_CODE[code]}`);
    }
    const index = await call('GET', '/problems');
    for (const code of ErrorCode.options) expect(index.text).toContain(`href="/problems/${code}"`);
    expectProblem(await call('GET', '/problems/no_such_problem'), 404, 'not_found');
  });
});

describe('did you mean', () => {
  it.each([
    ['phoneInuse', ['phoneInUse', 'remoteAccess'], 'phoneInUse'],
    ['ageband', ['ageBand', 'ageSource'], 'ageBand'],
    ['tendr', ['tender', 'lines'], 'tender'],
    ['locael', ['locale', 'lines'], 'locale'],
    ['colour', ['tender', 'lines'], undefined],
    ['id', ['ab', 'xyz'], undefined],
  ])('%s among %j is %s', (key, known, meant) => {
    expect(didYouMean(key, known)).toBe(meant);
  });
});
