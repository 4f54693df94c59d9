import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { createApp } from '../../src/http/app.js';
import type { CheckInput } from '../../src/contract/check.js';
import type { Role } from '../../src/contract/enums.js';
import { createLogger } from '../../src/log.js';
import { buildServices, type ServiceOptions } from '../../src/services.js';
import { parseAllowList } from '../../src/webhooks/index.js';

export const STORE = 'herts-stevenage-012';
export const OTHER_STORE = 'herts-hitchin-004';

export interface TestAppOptions {
  clock?: () => number;
  /** The store's IANA time zone (the service's default, Europe/London, unless given). */
  timeZone?: string;
  rulesDirectory?: string;
  ruleApproval?: 'single' | 'two-person';
  /** An existing database file (another test app's), to see what a restart would see; or a PostgreSQL URL. */
  databasePath?: string;
  /** The identity secret, which a PostgreSQL database needs (see VOUCHSAFE_ID_SECRET). */
  idSecret?: string;
  corsOrigins?: string[];
  holdDeadlineMs?: number;
  /** Start the background work (webhook delivery, the deadline sweeper) as the running service does. */
  background?: boolean;
  webhooksAllowHttp?: boolean;
  webhooksAllowHosts?: string[];
  /** How webhook hosts resolve; by default only `localhost` does (to 127.0.0.1): no test asks real DNS. */
  webhookResolve?: ServiceOptions['webhookResolve'];
  webhookDelivery?: ServiceOptions['webhookDelivery'];
  trustProxy?: boolean;
  metricsKey?: string;
  failedKeysPerMinute?: number;
  databaseMaxBytes?: number;
  /** The access log line per request (on, as in the running service, unless false). */
  accessLog?: boolean;
  /** Card capture and the keys that seal serials (capture off unless given). */
  cards?: ServiceOptions['cards'];
  /** A stores file put into the registry at start (VOUCHSAFE_STORES_FILE). */
  storesFile?: string;
  areaAlerts?: ServiceOptions['areaAlerts'];
  /** A member of a retailers' exchange (see tests/helpers/exchange.ts). */
  exchange?: ServiceOptions['exchange'];
  /** With `background`: how often area alerts go to and come from the exchange (5 s unless given). */
  exchangeSyncEveryMs?: number;
}

const onlyLocalhost = async (hostname: string) => {
  if (hostname === 'localhost') return ['127.0.0.1'];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
};

function allowList(entries: string[]) {
  const parsed = parseAllowList(entries);
  if ('problem' in parsed) throw new Error(parsed.problem);
  return parsed.list;
}

/** A fresh app on its own SQLite file in a temp directory, removed when the test ends. */
export async function testApp(options: TestAppOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-test-'));
  const databasePath = options.databasePath ?? join(dir, 'vouchsafe.db');
  const adminKey = `test-admin-${randomBytes(16).toString('hex')}`;
  const logLines: string[] = [];
  const services = await buildServices({
    databasePath,
    rulesDirectory: options.rulesDirectory ?? 'rules',
    adminKey,
    ...(options.idSecret ? { idSecret: options.idSecret } : {}),
    logger: createLogger('info', (line) => logLines.push(line)),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
    ...(options.ruleApproval ? { ruleApproval: options.ruleApproval } : {}),
    ...(options.holdDeadlineMs ? { holdDeadlineMs: options.holdDeadlineMs } : {}),
    ...(options.background ? { background: true } : {}),
    ...(options.webhooksAllowHttp ? { webhooksAllowHttp: true } : {}),
    ...(options.webhooksAllowHosts ? { webhooksAllowHosts: allowList(options.webhooksAllowHosts) } : {}),
    webhookResolve: options.webhookResolve ?? onlyLocalhost,
    ...(options.webhookDelivery ? { webhookDelivery: options.webhookDelivery } : {}),
    ...(options.databaseMaxBytes ? { databaseMaxBytes: options.databaseMaxBytes } : {}),
    ...(options.cards ? { cards: options.cards } : {}),
    ...(options.storesFile ? { storesFile: options.storesFile } : {}),
    ...(options.areaAlerts ? { areaAlerts: options.areaAlerts } : {}),
    ...(options.exchange ? { exchange: options.exchange } : {}),
    ...(options.exchangeSyncEveryMs ? { exchangeSyncEveryMs: options.exchangeSyncEveryMs } : {}),
  });
  onTestFinished(async () => {
    try {
      await services.stopBackground();
      await services.close();
    } catch {
      // Some tests close the store themselves.
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const app = createApp(services, {
    corsOrigins: options.corsOrigins ?? [],
    ...(options.trustProxy !== undefined ? { trustProxy: options.trustProxy } : {}),
    ...(options.failedKeysPerMinute !== undefined ? { failedKeysPerMinute: options.failedKeysPerMinute } : {}),
    metrics: { on: 'keyed', key: options.metricsKey },
    ...(options.accessLog !== undefined ? { accessLog: options.accessLog } : {}),
  });

  async function call(method: string, path: string, init: { key?: string; body?: unknown; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...init.headers };
    if (init.key) headers.authorization = `Bearer ${init.key}`;
    let body: string | undefined;
    if (init.body !== undefined) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, json, text };
  }

  async function makeKey(role: Role, storeIds?: string[]): Promise<string> {
    const response = await call('POST', '/v1/keys', {
      key: adminKey,
      body: { role, name: `${role} key for a test`, ...(storeIds ? { storeIds } : {}) },
    });
    if (response.status !== 201) throw new Error(`could not make a ${role} key: ${response.text}`);
    return response.json.key;
  }

  return { app, services, dir, databasePath, adminKey, call, makeKey, logLines };
}

let sequence = 0;

/** A valid check for STORE; override any part. Each call gets a fresh transaction id. */
export function aCheck(overrides: Partial<CheckInput> = {}): CheckInput {
  sequence += 1;
  return {
    storeId: STORE,
    tillId: 'T04',
    transactionId: `T04-${Date.now()}-${sequence}`,
    currency: 'GBP',
    lines: [{ kind: 'gift_card', brand: 'amazon', unitAmount: 2000, quantity: 1 }],
    ...overrides,
  };
}
