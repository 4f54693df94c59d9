import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { OfflinePolicyVectors } from '../../src/contract/offline-policy.js';
import { STORE, testApp } from '../helpers/app.js';
import { liveService, STORE as TILL_STORE } from '../sdk/helpers/service.js';

/** examples/python/ as a vendor's CI runs it: python3, standard library only. */

const PYTHON_DIR = resolve('examples/python');

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-python-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function python(script: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile('python3', [join(PYTHON_DIR, script), ...args], { env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env } }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/**
 * `till.py` against `service` with its cache in `dir`, each command expected to succeed, its JSON answer
 * returned. Timing is not the subject (a busy machine must not send an online check offline), so the budget is long.
 */
async function pythonTill(service: { baseUrl: string; tillKey(): Promise<string> }, dir: string) {
  const env = {
    VOUCHSAFE_URL: service.baseUrl,
    VOUCHSAFE_TILL_KEY: await service.tillKey(),
    VOUCHSAFE_STORE: TILL_STORE,
    VOUCHSAFE_CACHE: join(dir, 'cache'),
    VOUCHSAFE_BUDGET_MS: '10000',
  };
  return async (...args: string[]) => {
    const run = await python('till.py', args, env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    return JSON.parse(run.stdout);
  };
}

describe('the Python reference evaluator', () => {
  it('passes the service’s conformance vectors, and fails a vector it does not meet', async () => {
    const { call, makeKey } = await testApp();
    const till = await makeKey('till', [STORE]);
    const dir = scratch();
    const policy = (await call('GET', '/v1/rules/offline-policy', { key: till })).text;
    const vectors = (await call('GET', '/v1/rules/offline-policy/vectors', { key: till })).json as OfflinePolicyVectors;
    writeFileSync(join(dir, 'policy.json'), policy);
    writeFileSync(join(dir, 'vectors.json'), JSON.stringify(vectors));

    const passed = await python('conformance.py', [join(dir, 'policy.json'), join(dir, 'vectors.json')]);
    expect(passed.stderr).toBe('');
    expect(passed.stdout).toBe(`${vectors.vectors.length} of ${vectors.vectors.length} vectors passed\n`);
    expect(passed.code).toBe(0);

    const held = vectors.vectors.findIndex((vector) => vector.expect.action === 'hold');
    const tampered = structuredClone(vectors);
    tampered.vectors[held]!.expect.action = 'prompt';
    tampered.vectors[held + 1]!.facts['giftCards.total'] = -1;
    writeFileSync(join(dir, 'tampered.json'), JSON.stringify(tampered));
    const failed = await python('conformance.py', [join(dir, 'policy.json'), join(dir, 'tampered.json')]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain(`${vectors.vectors[held]!.name}: decided`);
    expect(failed.stdout).toContain(`${vectors.vectors[held + 1]!.name}: fact giftCards.total is`);
    expect(failed.stdout).toContain(`${vectors.vectors.length - 2} of ${vectors.vectors.length} vectors passed`);
  });
});

const MARKYATE = {
  currency: 'GBP',
  lines: [{ kind: 'gift_card', description: 'iTunes £100', brand: 'iTunes', unitAmount: 10000, quantity: 5 }],
  tender: 'cash',
  customer: { ageBand: '80_plus', ageSource: 'staff_estimate' },
};

describe('the Python till example', () => {
  it('decides through the service, then from the cached policy when the service is away, and delivers what it queued', async () => {
    const service = await liveService();
    const dir = scratch();
    const basket = join(dir, 'basket.json');
    writeFileSync(basket, JSON.stringify(MARKYATE));
    // Timing is not the subject here; the next test is.
    const till = await pythonTill(service, dir);

    expect(await till('refresh')).toEqual({ policy: 'updated' });
    expect(await till('refresh')).toEqual({ policy: 'unchanged' });
    const online = await till('check', basket, 'T01-20171030-00001');
    expect(online).toMatchObject({ source: 'service', action: 'hold' });

    await service.stop();
    const offline = await till('check', basket, 'T01-20171030-00002');
    expect(offline).toMatchObject({ source: 'offline', action: online.action, score: online.score, ruleSetVersion: online.ruleSetVersion });
    expect(offline.cause).toMatch(/^unreachable/);
    expect(offline.rules).toEqual(online.reasons.map((reason: { ruleId: string }) => reason.ruleId));
    expect(offline.prompt).toEqual(online.prompt);
    expect(await till('refresh')).toEqual({ policy: 'unavailable' });
    expect(await till('flush')).toEqual({ delivered: [], refused: [], pending: 1 });

    await service.start();
    const flushed = await till('flush');
    expect(flushed).toMatchObject({ delivered: [{ transactionId: 'T01-20171030-00002', status: 201 }], refused: [], pending: 0 });
    const record = await service.record(flushed.delivered[0].answer.checkId);
    expect(record.offlineDecision).toMatchObject({ action: 'hold', ruleSetVersion: online.ruleSetVersion });
    expect(readFileSync(join(dir, 'cache', 'outbox.jsonl'), 'utf8')).toBe('');
  });

  it('takes a hold offline to its end: queues the answers, the supervisor’s release with decidedAt and the outcome, and replays them in order after the deadline', async () => {
    // A short deadline (each till command starts a Python process, well inside it), so the replay
    // below arrives after it, as a hold delivered late does.
    const deadlineMs = 8000;
    const service = await liveService({ holdDeadlineMs: deadlineMs });
    const dir = scratch();
    const write = (name: string, body: unknown) => {
      writeFileSync(join(dir, name), JSON.stringify(body));
      return join(dir, name);
    };
    const till = await pythonTill(service, dir);
    await till('refresh');
    const policy = JSON.parse(readFileSync(join(dir, 'cache', 'policy.json'), 'utf8'));
    expect(policy.holds).toEqual({ deadlineSeconds: deadlineMs / 1000, releaseReasonAbove: 50000 });

    await service.stop();
    const heldAt = Date.now();
    const held = await till('check', write('basket.json', MARKYATE), 'T01-20171030-00010');
    expect(held).toMatchObject({ source: 'offline', action: 'hold' });
    const answered = await till('answer', 'T01-20171030-00010', write('answers.json', { purpose: 'gift', codesRequested: 'no', someoneAskedYouToBuy: 'no' }));
    expect(answered).toMatchObject({ source: 'offline', action: 'hold' });
    const released = await till('review', 'T01-20171030-00010', 'release', 'S-0042');
    expect(released).toEqual({ queued: true, decidedAt: expect.any(String) });
    expect(await till('outcome', 'T01-20171030-00010', 'proceeded')).toEqual({ queued: true });
    expect(Date.parse(released.decidedAt) - heldAt).toBeLessThan(deadlineMs);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, heldAt + deadlineMs + 500 - Date.now())));

    await service.start();
    const flushed = await till('flush');
    expect(flushed.refused).toEqual([]);
    expect(flushed.pending).toBe(0);
    const checkId = flushed.delivered[0].answer.checkId;
    expect(flushed.delivered.map((entry: { path: string; status: number }) => `${entry.path} ${entry.status}`)).toEqual([
      '/v1/checks 201',
      `/v1/checks/${checkId}/answers 200`,
      `/v1/checks/${checkId}/review 200`,
      `/v1/checks/${checkId}/outcome 201`,
    ]);
    const record = await service.record(checkId);
    expect(record.review).toMatchObject({ status: 'released', closedBy: { supervisorRef: 'S-0042' }, closedAt: released.decidedAt });
    expect(record.outcome).toMatchObject({ outcome: 'proceeded' });
  });

  it('stops waiting for a service that never answers when its budget is spent', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((listening) => silent.listen(0, '127.0.0.1', listening));
    onTestFinished(() => {
      for (const socket of sockets) socket.destroy();
      silent.close();
    });
    const port = (silent.address() as { port: number }).port;
    const dir = scratch();
    writeFileSync(join(dir, 'basket.json'), JSON.stringify(MARKYATE));
    const run = await python('till.py', ['check', join(dir, 'basket.json'), 'T01-20171030-00003'], {
      VOUCHSAFE_URL: `http://127.0.0.1:${port}`,
      VOUCHSAFE_TILL_KEY: 'vsk_anything',
      VOUCHSAFE_STORE: TILL_STORE,
      VOUCHSAFE_CACHE: join(dir, 'cache'),
    });
    expect(run.code).toBe(0);
    // No policy cached yet: the built-in prompt, never "allow".
    expect(JSON.parse(run.stdout)).toMatchObject({ source: 'offline', cause: 'timeout', action: 'prompt', ruleSetVersion: 'offline-fallback' });
    expect(sockets.length).toBeGreaterThan(0);
  });
});
