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

const PAGE_FILES = ['index.html', 'till.js', 'stories.js'];
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.json': 'application/json' };
export const DEMO_STORES = ['herts-markyate-003', 'herts-hitchin-004'];

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
  const tillPort = await listen(page, options.tillPort, options.host);
  const tillUrl = `http://${options.host}:${tillPort}`;

  const services = await buildServices({ databasePath: options.databasePath, rulesDirectory: options.rulesDirectory, logger: options.logger });
  const { key } = await issueApiKey(services.store, { role: 'till', name: `Demo till (${new Date().toISOString().slice(0, 10)})`, storeIds: DEMO_STORES }, 'demo-till', Date.now());
  const service = serve({ fetch: createApp(services, { corsOrigins: [tillUrl] }).fetch, port: options.servicePort, hostname: options.host }) as Server;
  const servicePort = await new Promise<number>((resolve, reject) => {
    service.once('error', reject);
    service.once('listening', () => resolve((service.address() as AddressInfo).port));
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
