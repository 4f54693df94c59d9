import { businessDay } from '../../../src/engine/index.js';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { onTestFinished } from 'vitest';
import { createApp } from '../../../src/http/app.js';
import type { CheckRecord } from '../../../src/contract/check-record.js';
import type { KeyMode, Role } from '../../../src/contract/enums.js';
import type { ServiceOptions, Services } from '../../../src/services.js';
import { createLogger } from '../../../src/log.js';
import { buildServices } from '../../../src/services.js';

export const STORE = 'herts-markyate-003';
export const OTHER_STORE = 'herts-hitchin-004';

/**
 * The real service on a loopback port, on its own SQLite file in a temp directory. `stop()` kills it
 * mid-flow (open connections are cut); `start()` brings it back on the same port and database.
 */
export async function liveService(
  options: {
    rulesDirectory?: string;
    corsOrigins?: string[];
    cleanUp?: (work: () => Promise<void>) => void;
    /** The service's own clock (default the wall clock): a test moves it to let a hold expire at the service. */
    clock?: () => number;
    holdDeadlineMs?: number;
    /** Card capture and its key (off unless given). */
    cards?: ServiceOptions['cards'];
  } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-sdk-'));
  const databasePath = join(dir, 'vouchsafe.db');
  const adminKey = `test-admin-${randomBytes(16).toString('hex')}`;
  let running: { server: Server; services: Services } | undefined;
  let port = 0;
  // Metrics start again with each process; outcomes recorded before a restart are carried over.
  let outcomesBefore = 0;
  const outcomesNow = async (services: Services) =>
    (await services.metrics.outcomes.get()).values.reduce((sum, sample) => sum + sample.value, 0);

  async function start(): Promise<void> {
    if (running) return;
    const services = await buildServices({
      databasePath,
      rulesDirectory: options.rulesDirectory ?? 'rules',
      adminKey,
      logger: createLogger('silent'),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.holdDeadlineMs ? { holdDeadlineMs: options.holdDeadlineMs } : {}),
      ...(options.cards ? { cards: options.cards } : {}),
    });
    const app = createApp(services, { corsOrigins: options.corsOrigins ?? [] });
    const server = await new Promise<Server>((resolve) => {
      const listening = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, (info) => {
        port = info.port;
        resolve(listening as Server);
      });
    });
    running = { server, services };
  }

  async function stop(): Promise<void> {
    if (!running) return;
    const { server, services } = running;
    running = undefined;
    outcomesBefore += await outcomesNow(services);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await services.store.close();
  }

  await start();
  (options.cleanUp ?? onTestFinished)(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const baseUrl = `http://127.0.0.1:${port}`;

  async function request(method: string, path: string, key: string, body?: unknown) {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
  }

  async function makeKey(role: Role, storeIds?: string[], mode: KeyMode = 'live'): Promise<string> {
    const made = await request('POST', '/v1/keys', adminKey, { role, mode, name: `${role} key for an SDK test`, ...(storeIds ? { storeIds } : {}) });
    if (made.status !== 201) throw new Error(`could not make a key: ${JSON.stringify(made.json)}`);
    return made.json.key;
  }

  const analystKey = await makeKey('analyst');
  return {
    baseUrl,
    databasePath,
    start,
    stop,
    makeKey,
    tillKey: () => makeKey('till', [STORE, OTHER_STORE]),
    /** The check as the service holds it. */
    async record(checkId: string): Promise<CheckRecord> {
      const found = await request('GET', `/v1/checks/${checkId}`, analystKey);
      if (found.status !== 200) throw new Error(`no check ${checkId}: ${found.status}`);
      return found.json;
    },
    /** The check the service holds for a transaction of today's business day, if any (straight from its store). */
    async checkIdOf(storeId: string, transactionId: string): Promise<string | undefined> {
      if (!running) return undefined;
      const { store, clock, timeZone } = running.services;
      return (await store.checks.findByTransaction({ storeId, livemode: true, transactionId, businessDay: businessDay(clock(), timeZone) }))?.id;
    },
    /** Outcomes the service has recorded: each counted once, when first recorded (a replay is not counted). */
    async outcomesRecorded(): Promise<number> {
      return outcomesBefore + (running ? await outcomesNow(running.services) : 0);
    },
    get services(): Services {
      if (!running) throw new Error('the service is stopped');
      return running.services;
    },
  };
}
