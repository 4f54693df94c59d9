import { Agent, type ClientRequest, request } from 'node:http';
import { existsSync, mkdtempSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { secretPathFor } from '../../src/customer-identifiers.js';
import { createLogger } from '../../src/log.js';
import { buildServices } from '../../src/services.js';
import { StartupRefusal } from '../../src/store/index.js';
import { aCheck, STORE, testApp } from '../helpers/app.js';
import { startService } from '../helpers/service-process.js';

/** A database with one check in it, closed cleanly: what an operator restarts. */
async function usedDatabase() {
  const app = await testApp();
  const till = await app.makeKey('till', [STORE]);
  const check = await app.call('POST', '/v1/checks', { key: till, body: aCheck({ customer: { loyaltyId: '634004000123456' } }) });
  expect(check.status).toBe(201);
  await app.services.close();
  return { ...app, checkId: check.json.checkId as string };
}

const reopen = (databasePath: string, idSecret?: string) =>
  buildServices({ databasePath, rulesDirectory: 'rules', logger: createLogger('silent'), ...(idSecret ? { idSecret } : {}) });

async function refusal(open: () => Promise<{ close(): Promise<void> }>): Promise<string> {
  try {
    const services = await open();
    await services.close();
  } catch (error) {
    expect(error).toBeInstanceOf(StartupRefusal);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error('it started');
}

describe('start-up refuses to guess', () => {
  it('reopens a used database as it was', async () => {
    const { databasePath, checkId } = await usedDatabase();
    const services = await reopen(databasePath);
    expect(await services.store.checks.findById(checkId)).toBeDefined();
    await services.close();
    // A clean stop leaves no WAL behind.
    expect(!existsSync(`${databasePath}-wal`) || statSync(`${databasePath}-wal`).size === 0).toBe(true);
  });

  it('refuses a deleted database beside its identity secret, rather than starting afresh', async () => {
    const { databasePath } = await usedDatabase();
    unlinkSync(databasePath);
    expect(await refusal(() => reopen(databasePath))).toMatch(/is missing but .*id-secret.* beside it/);
    expect(existsSync(databasePath)).toBe(false);
  });

  it('refuses a database truncated to nothing', async () => {
    const { databasePath } = await usedDatabase();
    truncateSync(databasePath, 0);
    expect(await refusal(() => reopen(databasePath))).toMatch(/is empty but/);
  });

  it('refuses a deleted identity secret, and one that is not the secret the database was written with', async () => {
    const { databasePath } = await usedDatabase();
    unlinkSync(secretPathFor(databasePath));
    expect(await refusal(() => reopen(databasePath))).toMatch(/identity secret .* is missing but the database already holds checks/);
    expect(existsSync(secretPathFor(databasePath))).toBe(false);
    expect(await refusal(() => reopen(databasePath, 'another-secret-of-at-least-32-characters'))).toMatch(/VOUCHSAFE_ID_SECRET\) is not the one/);
  });

  it('refuses a second opening of the same database while the first is open', async () => {
    const { databasePath } = await usedDatabase();
    const first = await reopen(databasePath);
    onTestFinished(() => first.close());
    expect(await refusal(() => reopen(databasePath))).toMatch(/another Vouchsafe process has .* open/);
  });

  it('refuses a corrupt database', async () => {
    const { databasePath } = await usedDatabase();
    const size = statSync(databasePath).size;
    // Overwrite everything after the header: the pages are garbage.
    const garbage = Buffer.alloc(size - 100, 0x5a);
    writeFileSync(databasePath, Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(84), garbage]));
    expect(await refusal(() => reopen(databasePath))).toMatch(/is corrupt/);
  });
});

describe('npm start refusing', () => {
  it('exits 78 with one line when a second service opens the same database, and when the database is corrupt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-start-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const databasePath = join(dir, 'vouchsafe.db');
    const first = startService({ VOUCHSAFE_DB: databasePath });
    await first.listening;

    const second = await startService({ VOUCHSAFE_DB: databasePath }).exited;
    expect(second.code).toBe(78);
    expect(second.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Vouchsafe cannot start: another Vouchsafe process has .* open/)]);

    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);

    writeFileSync(databasePath, 'this is not a database, just some text long enough to look like a file');
    const corrupt = await startService({ VOUCHSAFE_DB: databasePath }).exited;
    expect(corrupt.code).toBe(78);
    expect(corrupt.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Vouchsafe cannot start: the database .* is corrupt/)]);
  });
});

describe('npm start stopping', () => {
  it('on SIGTERM takes no new connection, answers the request in flight, and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-drain-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const adminKey = `drain-admin-${'k'.repeat(32)}`;
    const service = startService({ VOUCHSAFE_DB: join(dir, 'vouchsafe.db'), VOUCHSAFE_ADMIN_KEY: adminKey });
    const url = new URL(await service.listening);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    onTestFinished(() => agent.destroy());
    const send = (path: string, body?: string) =>
      request({ host: url.hostname, port: url.port, path, agent, method: body === undefined ? 'GET' : 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' } });
    const answer = (req: ClientRequest) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        req.once('error', reject);
        req.once('response', (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.once('end', () => resolve({ status: res.statusCode!, body }));
        });
      });
    const inFlight = async () => {
      const metrics = new Agent();
      const req = request({ host: url.hostname, port: url.port, path: '/metrics', agent: metrics, headers: { authorization: `Bearer ${adminKey}` } });
      const response = answer(req);
      req.end();
      const { body } = await response;
      metrics.destroy();
      return Number(/^vouchsafe_http_requests_in_flight (\d+)/m.exec(body)?.[1] ?? 0);
    };

    // A key made, on the keep-alive connection the slow request will use.
    const made = send('/v1/keys', '');
    const madeAnswer = answer(made);
    made.end(JSON.stringify({ role: 'till', name: 'Drain test till', storeIds: [STORE] }));
    const till = JSON.parse((await madeAnswer).body).key as string;

    // A check whose body is still arriving when the signal comes: the service has it in hand.
    const body = JSON.stringify(aCheck());
    const slow = request({ host: url.hostname, port: url.port, path: '/v1/checks', agent, method: 'POST', headers: { authorization: `Bearer ${till}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
    const slowAnswer = answer(slow);
    slow.write(body.slice(0, 20));
    // The metrics request counts itself too.
    await expect.poll(inFlight, { timeout: 30_000, interval: 100 }).toBeGreaterThanOrEqual(2);

    service.child.kill('SIGTERM');
    // Only once the service has begun stopping does the rest of the body arrive.
    await expect.poll(service.output, { timeout: 30_000, interval: 50 }).toMatch(/stopping: answering the requests in flight/);
    const late = request({ host: url.hostname, port: url.port, path: '/healthz', agent: new Agent() });
    const refused = answer(late);
    late.end();
    await expect(refused).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    slow.end(body.slice(20));
    const answered = await slowAnswer;
    expect(answered.status).toBe(201);
    expect(JSON.parse(answered.body).action).toBeDefined();
    const exited = await service.exited;
    expect(exited.code).toBe(0);
    expect(exited.stderr).toMatch(/"message":"stopping: answering the requests in flight","signal":"SIGTERM","inFlight":1/);
    expect(exited.stderr).toMatch(/stopped cleanly/);
  });
});
