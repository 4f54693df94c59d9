import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { serve } from '@hono/node-server';
import { buildBrowserBundle } from '../../sdk/scripts/bundle.js';
import { issueApiKey } from '../../src/access/api-keys.js';
import { createApp } from '../../src/http/app.js';
import type { Logger } from '../../src/log.js';
import { buildServices } from '../../src/services.js';
import { ProcessLockHeld } from '../../src/store/index.js';

const PAGE_FILES = ['index.html', 'till.js', 'stories.js'];
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.json': 'application/json' };
export const DEMO_STORES = ['herts-markyate-003', 'herts-hitchin-004'];
/** The till page's port unless VOUCHSAFE_TILL_PORT says otherwise: clear of the service (8787) and of the webhook receiver in docs/operations.md (8788). */
export const DEMO_TILL_PORT = 8790;
/** The ports the refusal suggests for a demo beside a running service (and its demo till). */
export const BESIDE_A_SERVICE = { servicePort: 8791, tillPort: 8792 };

export interface DemoTillOptions {
  host: string;
  /** The service's port; the till's page is served on another origin, as a vendor's would be. */
  servicePort: number;
  tillPort: number;
  databasePath: string;
  rulesDirectory: string;
  logger: Logger;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/** The service, open to the till's origin, and a till key for the demo's stores. */
async function startService(options: DemoTillOptions, tillUrl: string) {
  const services = await buildServices({ databasePath: options.databasePath, rulesDirectory: options.rulesDirectory, logger: options.logger });
  try {
    const { key } = await issueApiKey(services.store, { role: 'till', name: `Demo till (${new Date().toISOString().slice(0, 10)})`, storeIds: DEMO_STORES }, 'demo-till', Date.now());
    const service = serve({ fetch: createApp(services, { corsOrigins: [tillUrl] }).fetch, port: options.servicePort, hostname: options.host }) as Server;
    const servicePort = await new Promise<number>((resolve, reject) => {
      service.once('error', reject);
      service.once('listening', () => resolve((service.address() as AddressInfo).port));
    });
    return { services, service, servicePort, key };
  } catch (error) {
    await services.store.close();
    throw error;
  }
}

/**
 * What to do when a Vouchsafe service already has the demo's database or port (`npm start` in
 * another shell, most likely): the demo till starts a service of its own.
 */
export class DemoTillRefusal extends Error {
  override name = 'DemoTillRefusal';
}

function alreadyRunning(error: unknown, options: DemoTillOptions, port = options.servicePort): DemoTillRefusal | undefined {
  const held = error instanceof ProcessLockHeld;
  const portTaken = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
  if (!held && !portTaken) return undefined;
  const what = held ? `the database ${options.databasePath} is held by another Vouchsafe process` : `port ${port} on ${options.host} is taken`;
  return new DemoTillRefusal(
    `The demo till starts a Vouchsafe service of its own, but ${what} (is \`npm start\` running in another shell?).\n` +
      'Stop that service (Ctrl-C in its shell) and run `npm run demo:till` again, or give the demo a database and ports of its own:\n' +
      `  PORT=${BESIDE_A_SERVICE.servicePort} VOUCHSAFE_TILL_PORT=${BESIDE_A_SERVICE.tillPort} VOUCHSAFE_DB=./data/demo-till.db npm run demo:till`,
  );
}

/**
 * The service, with CORS open to the demo till's origin, and the till's page on its own port: the
 * built browser bundle, `<vouchsafe-prompt>` and the seed's three stories, with a till key made for it.
 */
export async function startDemoTill(options: DemoTillOptions) {
  const build = mkdtempSync(join(tmpdir(), 'vouchsafe-demo-till-'));
  const bundle = await buildBrowserBundle(build);
  const files = new Map<string, Buffer | string>(PAGE_FILES.map((file) => [`/${file}`, readFileSync(join(import.meta.dirname, file))]));
  files.set('/vouchsafe-till.js', readFileSync(bundle.path));
  files.set('/', files.get('/index.html')!);

  const page = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://till').pathname;
    const file = files.get(path);
    if (file === undefined) response.writeHead(404).end();
    else response.writeHead(200, { 'content-type': TYPES[extname(path)] ?? TYPES['.html']!, 'cache-control': 'no-store' }).end(file);
  });
  const tillPort = await listen(page, options.tillPort, options.host).catch((error: unknown) => {
    rmSync(build, { recursive: true, force: true });
    throw alreadyRunning(error, options, options.tillPort) ?? error;
  });
  const tillUrl = `http://${options.host}:${tillPort}`;

  const { services, service, servicePort, key } = await startService(options, tillUrl).catch(async (error: unknown) => {
    // Nothing left behind: the page's port and the build.
    await new Promise((resolve) => page.close(resolve));
    rmSync(build, { recursive: true, force: true });
    throw alreadyRunning(error, options) ?? error;
  });
  const serviceUrl = `http://${options.host}:${servicePort}`;
  // The key is for the demo's two stores only, and shown to whoever opens the page: a demo, not a till.
  files.set('/config.json', JSON.stringify({ serviceUrl, apiKey: key, storeId: DEMO_STORES[0] }));

  return {
    tillUrl,
    serviceUrl,
    async close() {
      service.closeAllConnections();
      await Promise.all([new Promise((resolve) => page.close(resolve)), new Promise((resolve) => service.close(resolve))]);
      await services.store.close();
      rmSync(build, { recursive: true, force: true });
    },
  };
}
