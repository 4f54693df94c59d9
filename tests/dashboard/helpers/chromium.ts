import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { onTestFinished } from 'vitest';

// The dashboard's pages in a real headless Chromium (Debian's, installed by .ci/run). Without one, the
// tests that need it say so and skip; every other test still runs.
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM);
if (!chromiumAvailable) console.warn(`Skipping the dashboard's browser tests: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH).`);

/**
 * Serves `fetch` on a loopback port and opens a fresh Chromium profile on it, both closed when the
 * test finishes: `base` is the service's address, `page` the browser's first tab.
 */
export async function openInChromium(
  fetch: (request: Request) => Response | Promise<Response>,
  viewport?: { width: number; height: number },
): Promise<{ base: string; browser: BrowserContext; page: Page }> {
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const profile = mkdtempSync(join(tmpdir(), 'vouchsafe-chromium-'));
  onTestFinished(() => {
    server.close();
    rmSync(profile, { recursive: true, force: true });
  });
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    ...(viewport ? { viewport } : {}),
  });
  onTestFinished(() => browser.close());
  const page = browser.pages()[0] ?? (await browser.newPage());
  return { base, browser, page };
}
