import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { applyLimits, serverOptions } from '../../src/run-server.js';
import { aCheck, OTHER_STORE, STORE, testApp } from '../helpers/app.js';
import { loadRuleDirectory } from '../../src/rule-sets/load-directory.js';

const ORIGIN = 'http://localhost';
const MINUTE = 60_000;

describe('wrong keys', () => {
  it('answers 429 with Retry-After to wrong keys once a client has sent too many this minute, and logs it', async () => {
    const clock = { now: Date.parse('2026-11-20T10:00:00Z') };
    const { call, logLines } = await testApp({ clock: () => clock.now, failedKeysPerMinute: 3 });
    const wrong = (i: number) => `vsk_wrong_${String(i).padStart(40, '0')}`;
    for (let i = 0; i < 3; i++) expect((await call('POST', '/v1/checks', { key: wrong(i), body: aCheck() })).status).toBe(401);
    const blocked = await call('POST', '/v1/checks', { key: wrong(3), body: aCheck() });
    expect(blocked.status).toBe(429);
    expect(blocked.json.code).toBe('rate_limited');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // A wrong key from a throttled client is not remembered either: its guesses fill nothing.
    expect((await call('POST', '/v1/checks', { key: wrong(0), body: aCheck() })).status).toBe(429);
    expect(logLines.filter((line) => line.includes('wrong key'))).toHaveLength(2);
    clock.now += MINUTE;
    expect((await call('POST', '/v1/checks', { key: wrong(4), body: aCheck() })).status).toBe(401);
  });

  it('still serves the valid keys behind a throttled address: one misconfigured till locks no one else out', async () => {
    const { call, makeKey, adminKey } = await testApp({ failedKeysPerMinute: 3 });
    const till = await makeKey('till', [STORE]);
    for (let i = 0; i < 300; i++) await call('POST', '/v1/checks', { key: `vsk_misconfigured_till_key_${i}_${'x'.repeat(20)}`, body: aCheck() });
    const other = await makeKey('till', [STORE]);
    expect((await call('POST', '/v1/checks', { key: till, body: aCheck() })).status).toBe(201);
    // A key never seen before is looked up too, not refused for its address.
    expect((await call('POST', '/v1/checks', { key: other, body: aCheck() })).status).toBe(201);
    expect((await call('GET', '/metrics', { key: adminKey })).status).toBe(200);
    expect((await call('POST', '/v1/checks', { key: 'vsk_misconfigured_till_key_again_xxxxxxxxxxxxxxxxxx', body: aCheck() })).status).toBe(429);
  });

  it('forgets no valid key when a spray of made-up keys fills the memory of unknown keys', async () => {
    const { call, makeKey, services } = await testApp({ failedKeysPerMinute: 1_000_000 });
    const till = await makeKey('till', [STORE]);
    expect((await call('POST', '/v1/checks', { key: till, body: aCheck() })).status).toBe(201);
    const lookups = vi.spyOn(services.store.keys, 'findBySecretHash');
    for (let i = 0; i < 10_001; i++) await services.keys.resolve(`vsk_made_up_${i}_${'x'.repeat(30)}`);
    lookups.mockClear();
    expect((await call('POST', '/v1/checks', { key: till, body: aCheck() })).status).toBe(201);
    expect(lookups).not.toHaveBeenCalled();
  });

  it('throttles dashboard sign-in the same way, and still signs a right key in', async () => {
    const { call, adminKey } = await testApp({ failedKeysPerMinute: 2 });
    const signIn = (key: string) =>
      call('POST', '/dashboard/sign-in', {
        body: new URLSearchParams({ key }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
      });
    expect((await signIn('wrong-1')).status).toBe(401);
    expect((await signIn('wrong-2')).status).toBe(401);
    const throttled = await signIn('wrong-3');
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBeTruthy();
    expect((await signIn(adminKey)).status).toBe(303);
  });
});

describe('behind a TLS proxy', () => {
  const signIn = (app: Awaited<ReturnType<typeof testApp>>, proto: string) =>
    app.call('POST', '/dashboard/sign-in', {
      body: new URLSearchParams({ key: app.adminKey }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN, 'x-forwarded-proto': proto },
    });

  it('marks the session cookie Secure when the trusted proxy says the client used HTTPS', async () => {
    const trusted = await testApp({ trustProxy: true });
    expect((await signIn(trusted, 'https')).headers.get('set-cookie')).toMatch(/; Secure/);
    expect((await signIn(trusted, 'http')).headers.get('set-cookie')).not.toMatch(/; Secure/);
    const untrusted = await testApp();
    expect((await signIn(untrusted, 'https')).headers.get('set-cookie')).not.toMatch(/; Secure/);
  });
});

describe('checks a key may not see', () => {
  it('are 404 to read, answer and close, exactly like checks that do not exist', async () => {
    const { call, makeKey } = await testApp();
    const mine = await makeKey('till', [STORE]);
    const theirs = await makeKey('till', [OTHER_STORE]);
    const created = await call('POST', '/v1/checks', { key: theirs, body: aCheck({ storeId: OTHER_STORE }) });
    const id = created.json.checkId;
    for (const [method, path, body] of [
      ['GET', `/v1/checks/${id}`, undefined],
      ['POST', `/v1/checks/${id}/answers`, { answers: { someoneAskedYouToBuy: 'yes' } }],
      ['POST', `/v1/checks/${id}/outcome`, { outcome: 'proceeded' }],
    ] as const) {
      const response = await call(method, path, { key: mine, ...(body ? { body } : {}) });
      expect([path, response.status, response.json.code]).toEqual([path, 404, 'not_found']);
    }
  });
});

describe('rule files built to exhaust the parser', () => {
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefgh'.split('').map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`)].join('\n');
  const deep = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;

  it.each([
    ['an alias bomb', bomb],
    ['brackets nested 50,000 deep', deep],
  ])('refuses %s with 422 on publish and back-test', async (_name, content) => {
    const { call, adminKey } = await testApp();
    const source = loadRuleDirectory('rules');
    const candidate = { ...source, files: [...source.files, { path: 'bomb.yaml', content }] };
    const published = await call('PUT', '/v1/rules', { key: adminKey, body: candidate });
    expect(published.status).toBe(422);
    expect(published.json.code).toBe('rule_set_invalid');
    expect(published.json.problems[0].file).toBe('bomb.yaml');
    const backtest = await call('POST', '/v1/rules/backtest', { key: adminKey, body: { candidate } });
    expect(backtest.status).toBe(422);
  });
});

describe('a full disk', () => {
  it('answers writes 503 storage_unavailable with Retry-After, loses nothing it acknowledged, and readiness says so', async () => {
    const { call, makeKey, services } = await testApp({ databaseMaxBytes: 2 * 1024 * 1024 });
    const till = await makeKey('till', [STORE]);
    const acknowledged: string[] = [];
    let refused: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 5000 && !refused; i++) {
      const lines = Array.from({ length: 40 }, (_, n) => ({ kind: 'merchandise' as const, description: `item ${i}-${n} ${'x'.repeat(150)}`, unitAmount: 100 }));
      const response = await call('POST', '/v1/checks', { key: till, body: aCheck({ lines: [{ kind: 'gift_card', unitAmount: 2000 }, ...lines] }) });
      if (response.status === 201) acknowledged.push(response.json.checkId);
      else refused = response;
    }
    expect(refused?.status).toBe(503);
    expect(refused?.json.code).toBe('storage_unavailable');
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0);
    const ready = await call('GET', '/healthz');
    expect(ready.status).toBe(503);
    expect(ready.json.status).toBe('storage_unavailable');
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const id of acknowledged) expect(await services.store.checks.findById(id)).toBeDefined();
  });

  it('answers the summary report, whose roll-ups are written before it reads them, 503 storage_unavailable too, never 500', async () => {
    const { call, makeKey } = await testApp({ databaseMaxBytes: 2 * 1024 * 1024 });
    const till = await makeKey('till', [STORE]);
    const analyst = await makeKey('analyst');
    for (let i = 0, full = false; i < 5000 && !full; i++) {
      const lines = Array.from({ length: 40 }, (_, n) => ({ kind: 'merchandise' as const, description: `item ${i}-${n} ${'x'.repeat(150)}`, unitAmount: 100 }));
      full = (await call('POST', '/v1/checks', { key: till, body: aCheck({ lines: [{ kind: 'gift_card', unitAmount: 2000 }, ...lines] }) })).status === 503;
    }
    const summary = await call('GET', '/v1/reports/summary', { key: analyst });
    expect(summary.status).toBe(503);
    expect(summary.headers.get('content-type')).toBe('application/problem+json');
    expect(summary.json.code).toBe('storage_unavailable');
    expect(Number(summary.headers.get('retry-after'))).toBeGreaterThan(0);
    // A report that writes nothing still answers.
    expect((await call('GET', '/v1/reports/holds', { key: analyst })).status).toBe(200);
  });
});

/** The app on loopback with the service's own connection limits, small enough to watch them act. */
async function limited(limits: Parameters<typeof applyLimits>[1], clock: () => number = Date.now) {
  const app = await testApp();
  const server = serve({ fetch: app.app.fetch, port: 0, hostname: '127.0.0.1', serverOptions: serverOptions(limits) }) as Server;
  applyLimits(server, limits, { logger: app.services.logger, metrics: app.services.metrics, clock });
  await new Promise((resolve) => server.once('listening', resolve));
  onTestFinished(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const metric = async (name: string) => (await app.call('GET', '/metrics', { key: app.adminKey })).text.split('\n').filter((line) => line.startsWith(name));
  return { ...app, port: (server.address() as AddressInfo).port, metric };
}

/** A connection from `from`, one of the loopback addresses (127.0.0.0/8): each is a client address of its own. */
function open(port: number, from = '127.0.0.1'): Promise<{ socket: Socket; closed: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress: from });
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    const closed = new Promise<string>((done) => socket.once('close', () => done(received)));
    socket.on('error', () => {});
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

/** A request on an open connection, and the status line it got (or '' if the connection was closed). */
function ask(connection: { socket: Socket; closed: Promise<string> }): Promise<string> {
  connection.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  return connection.closed.then((answer) => answer.split('\r\n')[0] ?? '');
}

describe('connection limits on a real socket', () => {
  const limits = { maxConnections: 50, maxConnectionsPerClient: 3, headersTimeoutMs: 300, requestTimeoutMs: 600, idleTimeoutMs: 300 };

  it('closes a connection that never sends its request, and one that sends its body a byte at a time', async () => {
    const { port, makeKey } = await limited(limits);
    const till = await makeKey('till', [STORE]);
    const silent = await open(port);
    expect(await silent.closed).not.toContain('HTTP/1.1 200');

    const slow = await open(port);
    const body = JSON.stringify(aCheck());
    slow.socket.write(`POST /v1/checks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${till}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
    let sent = 0;
    const drip = setInterval(() => {
      if (sent < body.length && !slow.socket.destroyed) slow.socket.write(body[sent++]!);
    }, 100);
    const answer = await slow.closed;
    clearInterval(drip);
    expect(sent).toBeLessThan(body.length);
    expect(answer).not.toMatch(/^HTTP\/1\.1 201/);
  });

  it('refuses connections past the per-client cap, counts and logs them, and serves again once they close', async () => {
    const clock = { now: 0 };
    const { port, metric, logLines } = await limited({ ...limits, headersTimeoutMs: 60_000, requestTimeoutMs: 60_000 }, () => clock.now);
    const held = await Promise.all([open(port), open(port), open(port)]);
    const extra = await Promise.all([open(port), open(port), open(port)]);
    for (const { closed } of extra) expect(await closed).toBe('');
    // A flood of refusals is one log line per 10 s, with the count of those it did not log.
    const refusals = () => logLines.filter((line) => line.includes('connection refused'));
    expect(refusals()).toHaveLength(1);
    expect(JSON.parse(refusals()[0]!)).toMatchObject({ reason: 'per_client', client: '127.0.0.1', limit: 3 });
    clock.now += 10_000;
    expect(await (await open(port)).closed).toBe('');
    expect(refusals()).toHaveLength(2);
    expect(JSON.parse(refusals()[1]!)).toMatchObject({ unloggedSinceLastLine: 2 });
    expect(await metric('vouchsafe_http_connections_refused_total')).toEqual(['vouchsafe_http_connections_refused_total{reason="per_client"} 4']);
    // Another address is not held to this one's cap.
    expect(await ask(await open(port, '127.0.0.2'))).toBe('HTTP/1.1 200 OK');
    for (const { socket } of held) socket.destroy();
    await Promise.all(held.map(({ closed }) => closed));
    expect(await ask(await open(port))).toBe('HTTP/1.1 200 OK');
  });

  it('at the total cap sheds the heaviest address’s oldest connection to admit one holding fewer, and refuses one that would not be fairer', async () => {
    const { port, metric } = await limited({ ...limits, maxConnections: 6, maxConnectionsPerClient: 6, headersTimeoutMs: 60_000, requestTimeoutMs: 60_000 });
    // A flood from two addresses fills every slot.
    const flood = [];
    for (let i = 0; i < 6; i++) flood.push(await open(port, i < 4 ? '127.0.0.2' : '127.0.0.3'));
    // A till at a store with nothing open gets in: the heaviest address loses its oldest connection.
    const till = await open(port, '127.0.0.4');
    expect(await flood[0]!.closed).toBe('');
    const second = await open(port, '127.0.0.4');
    expect(await flood[1]!.closed).toBe('');
    // Now every address holds two: a newcomer from any of them would gain nothing, and is refused.
    for (const from of ['127.0.0.2', '127.0.0.4']) expect(await (await open(port, from)).closed).toBe('');
    // A third store still gets in.
    const another = await open(port, '127.0.0.5');
    expect(await Promise.race([flood[2]!.closed, flood[4]!.closed])).toBe('');
    for (const admitted of [till, second, another]) expect(await ask(admitted)).toBe('HTTP/1.1 200 OK');
    expect(await metric('vouchsafe_http_connections_shed_total')).toEqual(['vouchsafe_http_connections_shed_total 3']);
    expect(await metric('vouchsafe_http_connections_refused_total')).toEqual(['vouchsafe_http_connections_refused_total{reason="total"} 2']);
  });
});
