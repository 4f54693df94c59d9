import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLogger, withLogContext } from '../../src/log.js';
import { aCheck, STORE, testApp } from '../helpers/app.js';

const MADE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const entries = (lines: string[]) => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

describe('request ids', () => {
  it('are made by the service, whatever the client says, unless it trusts a proxy in front', async () => {
    const direct = await testApp();
    const made = await direct.call('GET', '/v1/nothing-here', { headers: { 'x-request-id': 'chosen-by-the-client' } });
    expect(made.headers.get('x-request-id')).toMatch(MADE_ID);
    expect(made.json.requestId).toBe(made.headers.get('x-request-id'));

    const proxied = await testApp({ trustProxy: true });
    const kept = await proxied.call('GET', '/v1/nothing-here', { headers: { 'x-request-id': 'lb-7f3a.42' } });
    expect(kept.headers.get('x-request-id')).toBe('lb-7f3a.42');
    expect(kept.json.requestId).toBe('lb-7f3a.42');
    expect((await proxied.call('GET', '/livez')).headers.get('x-request-id')).toMatch(MADE_ID);
  });

  it('from a trusted proxy are kept only when short and plain; anything else is replaced, never a 500', async () => {
    const { app } = await testApp({ trustProxy: true });
    const idOf = async (offered: string) => {
      const response = await app.request('/livez', { headers: { 'x-request-id': offered } });
      expect(response.status).toBe(200);
      return response.headers.get('x-request-id')!;
    };
    const plain = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:/+=@-]{0,127}$/);
    await fc.assert(
      fc.asyncProperty(plain, async (offered) => {
        expect(await idOf(offered)).toBe(offered);
      }),
      { numRuns: 100 },
    );
    // Any value a header can carry: too long, spaces, quotes, braces, non-ASCII Latin-1.
    const anything = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((code) => code !== 0x7f).map((code) => String.fromCharCode(code)), maxLength: 300 });
    await fc.assert(
      fc.asyncProperty(anything, async (offered) => {
        const id = await idOf(offered);
        if (id !== offered.trim()) expect(id).toMatch(MADE_ID);
        expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9._:/+=@-]{0,127}$/);
      }),
      { numRuns: 200 },
    );
    expect(await idOf('x'.repeat(129))).toMatch(MADE_ID);
    expect(await idOf('{"level":"error"}')).toMatch(MADE_ID);
  });
});

describe('the log', () => {
  it('puts the request id on every line its work writes, across awaits and timers', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', (line) => lines.push(line));
    await Promise.all([
      withLogContext({ requestId: 'first' }, async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        logger.info('after a timer');
      }),
      withLogContext({ requestId: 'second' }, async () => {
        await Promise.resolve();
        logger.warn('after an await', { requestId: 'a field given wins' });
      }),
    ]);
    logger.info('outside any request');
    expect(entries(lines).map(({ message, requestId }) => ({ message, requestId }))).toEqual([
      { message: 'after an await', requestId: 'a field given wins' },
      { message: 'after a timer', requestId: 'first' },
      { message: 'outside any request', requestId: undefined },
    ]);
  });

  it('has one access line per request: method, route, status, duration, key, store and request id', async () => {
    const { call, makeKey, logLines } = await testApp({ trustProxy: true });
    const till = await makeKey('till', [STORE]);
    logLines.length = 0;
    const made = await call('POST', '/v1/checks', { key: till, body: aCheck(), headers: { 'x-request-id': 'till-T04-sale-1' } });
    await call('GET', `/v1/checks/${made.json.checkId}`, { key: till, headers: { 'x-request-id': 'till-T04-sale-1-read' } });
    // Refused before routing: its route is the pattern that refused it.
    await call('GET', '/v1/checks/chk_01m888psdy7yqz3cp2mv2b0bjm', { key: 'vsk_not-a-key' });
    const access = entries(logLines).filter((entry) => entry.message === 'request');
    const keyId = expect.stringMatching(/^key_/);
    expect(access).toEqual([
      { time: expect.any(String), level: 'info', message: 'request', requestId: 'till-T04-sale-1', storeId: STORE, method: 'POST', route: '/v1/checks', status: 201, durationMs: expect.any(Number), keyId },
      { time: expect.any(String), level: 'info', message: 'request', requestId: 'till-T04-sale-1-read', storeId: STORE, method: 'GET', route: '/v1/checks/:checkId', status: 200, durationMs: expect.any(Number), keyId },
      { time: expect.any(String), level: 'info', message: 'request', requestId: expect.stringMatching(MADE_ID), method: 'GET', route: '/v1/*', status: 401, durationMs: expect.any(Number), keyId: null },
    ]);
  });

  it('carries the request id and store on what the domain logs while answering', async () => {
    const { call, makeKey, logLines } = await testApp({ trustProxy: true });
    const till = await makeKey('till', [STORE]);
    const small = aCheck({ lines: [{ kind: 'gift_card', brand: 'itunes', unitAmount: 10000 }] });
    await call('POST', '/v1/checks', { key: till, body: small });
    await call('POST', '/v1/checks', { key: till, body: { ...small, lines: [{ kind: 'gift_card', brand: 'itunes', unitAmount: 10000, quantity: 5 }] } });
    const late = await call('POST', '/v1/checks', { key: till, body: small, headers: { 'x-request-id': 'late-retry-1' } });
    expect(late.status).toBe(200);
    expect(entries(logLines).find((entry) => entry.message === 'older basket resent; answered with the current decision')).toMatchObject({
      requestId: 'late-retry-1',
      storeId: STORE,
    });
  });

  it('has no access lines when they are turned off', async () => {
    const { call, logLines } = await testApp({ accessLog: false });
    expect((await call('GET', '/livez')).status).toBe(200);
    expect(entries(logLines).filter((entry) => entry.message === 'request')).toEqual([]);
  });
});

describe('liveness', () => {
  it('answers while the process runs, even with the database gone or the node draining, where readiness does not', async () => {
    const { call, services } = await testApp();
    expect(await call('GET', '/livez')).toMatchObject({ status: 200, json: { status: 'ok' } });
    services.lifecycle.draining = true;
    expect((await call('GET', '/healthz')).status).toBe(503);
    expect(await call('GET', '/livez')).toMatchObject({ status: 200, json: { status: 'ok' } });
    await services.close();
    expect(await call('GET', '/livez')).toMatchObject({ status: 200, json: { status: 'ok' } });
  });
});
