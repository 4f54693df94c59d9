import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { onTestFinished } from 'vitest';
import { createExchange } from '../../src/exchange/exchange.js';
import { createExchangeMember, type MemberOptions } from '../../src/exchange/member.js';
import { generateOprfKey, parseOprfKey } from '../../src/exchange/oprf.js';
import { generateMemberKeys, parsePrivateKey, parsePublicKey } from '../../src/exchange/signing.js';
import { createExchangeApp } from '../../src/http/exchange/app.js';
import { createLogger } from '../../src/log.js';
import { openExchangeStore } from '../../src/store/exchange.js';

const listening = (server: Server) =>
  new Promise<number>((resolve) => {
    if (server.listening) resolve((server.address() as AddressInfo).port);
    else server.once('listening', () => resolve((server.address() as AddressInfo).port));
  });

/**
 * An exchange listening on a loopback port, on a SQLite file (or the PostgreSQL URL given), with the
 * members named, each with a fresh Ed25519 key pair. Stopped when the test ends.
 */
export async function startExchange(options: { members?: string[]; databasePath?: string; evaluationsPerMinute?: number; clock?: () => number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-exchange-'));
  const databasePath = options.databasePath ?? join(dir, 'exchange.db');
  const store = await openExchangeStore(databasePath);
  const logLines: string[] = [];
  const logger = createLogger('debug', (line) => logLines.push(line));
  const oprfKey = parseOprfKey(generateOprfKey());
  const keys = new Map((options.members ?? ['north-retail', 'south-retail']).map((id) => [id, generateMemberKeys()]));
  const exchange = createExchange({
    store,
    oprfKey,
    members: new Map([...keys].map(([id, pair]) => [id, parsePublicKey(pair.publicKey)])),
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.evaluationsPerMinute ? { evaluationsPerMinute: options.evaluationsPerMinute } : {}),
  });
  const server = serve({ fetch: createExchangeApp(exchange, logger).fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  const port = await listening(server);
  const url = `http://127.0.0.1:${port}`;
  onTestFinished(async () => {
    await new Promise((resolve) => server.close(resolve));
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const privateKey = (memberId: string) => parsePrivateKey(keys.get(memberId)!.privateKey);
  return {
    url,
    exchange,
    store,
    oprfKey,
    databasePath,
    logLines,
    privateKey,
    /** A member client for `memberId`, pointed at this exchange. */
    member: (memberId: string, more: Partial<MemberOptions> = {}) => createExchangeMember({ url, memberId, privateKey: privateKey(memberId), ...more }),
  };
}

/** A loopback port where nothing listens: a dead exchange. */
export async function deadPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  const port = await listening(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A loopback server that accepts requests and never answers: a hung exchange. */
export async function hungServer(): Promise<number> {
  const held: Array<{ destroy(): void }> = [];
  const server = createServer((request) => {
    held.push(request.socket);
  });
  server.listen(0, '127.0.0.1');
  const port = await listening(server);
  onTestFinished(async () => {
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return port;
}
