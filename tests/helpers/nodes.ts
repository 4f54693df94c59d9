import { randomBytes } from 'node:crypto';
import { STORE } from './app.js';
import { startService } from './service-process.js';

/** Longer than any wait the service should ever make a till sit through, so a hung request fails the test. */
export const HUNG_MS = 60_000;

export interface Answer {
  status: number;
  headers: Headers;
  json: any;
}

/** What a node answers, as a till or an admin sees it. */
export async function call(base: string, method: string, path: string, key: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(new URL(path, base), {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(HUNG_MS),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}

/**
 * Two service processes on one PostgreSQL database, started as docs/operations.md says (same URL, same
 * identity secret, and any other `settings`), and a till key for STORE made on the first.
 */
export async function startTwoNodes(databaseUrl: string, settings: Record<string, string> = {}) {
  const adminKey = `nodes-admin-${randomBytes(16).toString('hex')}`;
  const env = {
    VOUCHSAFE_DB: databaseUrl,
    VOUCHSAFE_ID_SECRET: `nodes-secret-${randomBytes(16).toString('hex')}`,
    VOUCHSAFE_ADMIN_KEY: adminKey,
    VOUCHSAFE_DB_POOL: '4',
    ...settings,
  };
  const nodeA = startService(env);
  const a = await nodeA.listening;
  const nodeB = startService(env);
  const b = await nodeB.listening;
  const till = (await call(a, 'POST', '/v1/keys', adminKey, { role: 'till', name: 'Both nodes’ tills', storeIds: [STORE] })).json.key as string;
  return { a, b, nodeA, nodeB, adminKey, till };
}
