import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { buildBrowserBundle } from '../../sdk/scripts/bundle.js';
import { chromiumAvailable, launchChromium, problemsOf, tillSite } from './helpers/chromium.js';
import { liveService, STORE } from './helpers/service.js';

// A browser till on its own origin, in real Chromium, with the built browser bundle: the IndexedDB
// outbox (its conformance, a reload while the service is down, delivery when it is back), CORS, and
// an older browser.
type Sdk = typeof import('../../sdk/src/browser.js');
type Conformance = typeof import('../../sdk/src/outbox/conformance.js');
declare global {
  interface Window {
    sdk: Sdk;
    conformance: Conformance;
  }
}

const PAGE = `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Till 4</title></head>
<body><main><h1>Till 4</h1></main><script type="module">
import * as sdk from '/vouchsafe-till.js';
import * as conformance from '/conformance.js';
Object.assign(window, { sdk, conformance });
</script></body></html>`;

const build = mkdtempSync(join(tmpdir(), 'vouchsafe-browser-'));
afterAll(() => rmSync(build, { recursive: true, force: true }));
let files: Record<string, string | Buffer>;

beforeAll(async () => {
  const bundle = await buildBrowserBundle(build);
  const conformance = await buildBrowserBundle(build, 'sdk/src/outbox/conformance.ts', 'conformance.js');
  files = { '/index.html': PAGE, '/vouchsafe-till.js': readFileSync(bundle.path), '/conformance.js': readFileSync(conformance.path) };
}, 120_000);

async function openTill(page: Page, origin: string): Promise<void> {
  await page.goto(origin);
  await page.waitForFunction(() => window.sdk !== undefined && window.conformance !== undefined);
}

const MARKYATE = { currency: 'GBP', lines: [{ kind: 'gift_card', brand: 'iTunes', unitAmount: 10000, quantity: 5 }], tender: 'cash', customer: { ageBand: '80_plus', ageSource: 'staff_estimate' } } as const;

/**
 * Runs in the page: a till on IndexedDB, one basket, what came of it. The budget is generous because these
 * tests are about which cause the till reports: on a loaded CI machine Chromium can take longer than the
 * 300 ms default to be refused a connection, and the till then rightly reports a TimeoutError. With a
 * longer budget it retries refused connections until the budget ends and reports the ConnectionError.
 */
async function checkInPage(page: Page, options: { baseUrl: string; apiKey: string; transactionId: string; outbox?: string }) {
  return page.evaluate(
    async ({ baseUrl, apiKey, transactionId, outbox, basket }) => {
      const { createTillClient, indexedDbOutbox } = window.sdk;
      const till = createTillClient({ baseUrl, apiKey, storeId: 'herts-markyate-003', tillId: 'T04', refreshRulesMs: 0, closeTimeoutMs: 50, timeoutMs: 2_000, ...(outbox ? { outbox: indexedDbOutbox({ name: outbox }) } : {}) });
      const decision = await till.check({ ...basket, transactionId, lines: [...basket.lines] });
      const receipt = await till.outcome(decision.checkId, { outcome: 'scam_confirmed', note: 'Caller said HMRC' });
      const seen = {
        source: decision.source,
        action: decision.action,
        engine: decision.source === 'offline' ? decision.engine : undefined,
        cause: decision.source === 'offline' ? decision.cause.name : undefined,
        causeMessage: decision.source === 'offline' ? decision.cause.message : undefined,
        outcome: receipt.status,
        pending: till.pending(),
      };
      await till.close();
      return seen;
    },
    { ...options, basket: MARKYATE },
  );
}

describe.skipIf(!chromiumAvailable)('the SDK in Chromium', () => {
  it('indexedDbOutbox() passes the outbox conformance checks', { timeout: 120_000 }, async () => {
    const browser = await launchChromium(onTestFinished);
    const page = await browser.newPage();
    const problems = problemsOf(page);
    await openTill(page, await tillSite(files, onTestFinished));
    const results = await page.evaluate(async () => {
      let places = 0;
      return window.conformance.checkOutboxStorage({
        durable: true,
        place: () => {
          const name = `conformance-${(places += 1)}`;
          return { open: () => window.sdk.indexedDbOutbox({ name }) };
        },
      });
    });
    expect(results.filter((result) => !result.passed)).toEqual([]);
    expect(results.map((result) => result.name)).toEqual(expect.arrayContaining(['everything is still there after close() and open() again']));
    expect(problems).toEqual([]);
  });

  it('dead-letters a stored row it cannot read, with its text, and hands back the rest in order', { timeout: 60_000 }, async () => {
    const browser = await launchChromium(onTestFinished);
    const page = await browser.newPage();
    await openTill(page, await tillSite(files, onTestFinished));
    const loaded = await page.evaluate(async () => {
      const [first, second] = window.conformance.sampleEntries(2);
      const storage = window.sdk.indexedDbOutbox({ name: 'damaged' });
      await storage.append(first!);
      await storage.close();
      // Another program, or a newer SDK, wrote this row.
      await new Promise<void>((resolve, reject) => {
        const opening = indexedDB.open('damaged');
        opening.onsuccess = () => {
          const tx = opening.result.transaction('entries', 'readwrite');
          tx.objectStore('entries').add({ id: 'garbage', text: '{"v":1,"kind":"check"' });
          tx.oncomplete = () => (opening.result.close(), resolve());
          tx.onerror = () => reject(tx.error ?? new Error('the transaction failed'));
        };
      });
      const reopened = window.sdk.indexedDbOutbox({ name: 'damaged' });
      await reopened.append(second!);
      const result = await reopened.load();
      const again = await reopened.load();
      await reopened.close();
      return { ids: result.entries.map((entry) => entry.id), expected: [first!.id, second!.id], letters: result.deadLetters, lettersAgain: again.deadLetters.length };
    });
    expect(loaded.ids).toEqual(loaded.expected);
    expect(loaded.letters).toEqual([expect.objectContaining({ unreadable: '{"v":1,"kind":"check"' })]);
    expect(loaded.lettersAgain).toBe(1);
  });

  it('keeps a check and its outcome through a reload while the service is down, and delivers them when it is back', { timeout: 120_000 }, async () => {
    const browser = await launchChromium(onTestFinished);
    const page = await browser.newPage();
    const site = await tillSite(files, onTestFinished);
    const service = await liveService({ corsOrigins: [site] });
    const apiKey = await service.tillKey();
    await openTill(page, site);

    await service.stop();
    const offline = await checkInPage(page, { baseUrl: service.baseUrl, apiKey, transactionId: 'T04-reload-1', outbox: 'till-T04' });
    expect(offline).toMatchObject({ source: 'offline', engine: 'rules', action: 'hold', cause: 'ConnectionError', outcome: 'queued', pending: 2 });

    await page.reload();
    await page.waitForFunction(() => window.sdk !== undefined);
    const afterReload = await page.evaluate(async ({ baseUrl, apiKey }) => {
      const till = window.sdk.createTillClient({ baseUrl, apiKey, storeId: 'herts-markyate-003', tillId: 'T04', refreshRulesMs: 0, closeTimeoutMs: 50, outbox: window.sdk.indexedDbOutbox({ name: 'till-T04' }) });
      const flushed = await till.flush();
      await till.close();
      return { pending: flushed.pending, delivered: flushed.delivered, error: flushed.error?.name };
    }, { baseUrl: service.baseUrl, apiKey });
    expect(afterReload).toEqual({ pending: 2, delivered: 0, error: 'ConnectionError' });
    expect(await service.checkIdOf(STORE, 'T04-reload-1')).toBeUndefined();

    await service.start();
    const delivered = await page.evaluate(async ({ baseUrl, apiKey }) => {
      const till = window.sdk.createTillClient({ baseUrl, apiKey, storeId: 'herts-markyate-003', tillId: 'T04', refreshRulesMs: 0, outbox: window.sdk.indexedDbOutbox({ name: 'till-T04' }) });
      const flushed = await till.flush();
      await till.close();
      return { pending: flushed.pending, delivered: flushed.delivered };
    }, { baseUrl: service.baseUrl, apiKey });
    expect(delivered).toEqual({ pending: 0, delivered: 2 });
    const record = await service.record((await service.checkIdOf(STORE, 'T04-reload-1'))!);
    expect(record.offlineDecision?.action).toBe('hold');
    expect(record.outcome?.outcome).toBe('scam_confirmed');
  });

  it('checks with till tokens its back office mints, so the page never holds a key', { timeout: 120_000 }, async () => {
    const browser = await launchChromium(onTestFinished);
    const page = await browser.newPage();
    const site = await tillSite(files, onTestFinished);
    const service = await liveService({ corsOrigins: [site] });
    const backOfficeKey = await service.tillKey();
    // The store's back office: a server that holds the key and mints a token for till 4 when asked.
    await page.exposeFunction('tokenFromBackOffice', async () => {
      const minted = await fetch(`${service.baseUrl}/v1/till-tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${backOfficeKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ storeId: STORE, tillId: 'T04' }),
      });
      return minted.json();
    });
    const sent: string[] = [];
    page.on('request', (request) => {
      const authorization = request.headers().authorization;
      if (authorization) sent.push(authorization);
    });
    await openTill(page, site);
    const seen = await page.evaluate(
      async ({ baseUrl, basket }) => {
        const getToken = (window as unknown as { tokenFromBackOffice: () => Promise<{ token: string; expiresAt: string }> }).tokenFromBackOffice;
        const till = window.sdk.createTillClient({ baseUrl, getToken, storeId: 'herts-markyate-003', tillId: 'T04', refreshRulesMs: 0, closeTimeoutMs: 50 });
        const decision = await till.check({ ...basket, transactionId: 'T04-token-1', lines: [...basket.lines] });
        const receipt = await till.outcome(decision.checkId, { outcome: 'scam_confirmed' });
        await till.close();
        return { source: decision.source, action: decision.action, outcome: receipt.status };
      },
      { baseUrl: service.baseUrl, basket: MARKYATE },
    );
    expect(seen).toEqual({ source: 'service', action: 'hold', outcome: 'recorded' });
    expect(sent.length).toBeGreaterThanOrEqual(2);
    for (const authorization of sent) expect(authorization).toMatch(/^Bearer vst_(?!test_)/);
  });

  it('tells a service that refuses the till’s origin (CorsError) from one that is down', { timeout: 120_000 }, async () => {
    const browser = await launchChromium(onTestFinished);
    const page = await browser.newPage();
    const site = await tillSite(files, onTestFinished);
    const service = await liveService({ corsOrigins: ['https://another-till.example.com'] });
    const apiKey = await service.tillKey();
    await openTill(page, site);

    const refused = await checkInPage(page, { baseUrl: service.baseUrl, apiKey, transactionId: 'T04-cors-1' });
    expect(refused).toMatchObject({ source: 'offline', engine: 'rules', action: 'hold', cause: 'CorsError' });
    expect(refused.causeMessage).toContain(`add ${site} to its VOUCHSAFE_CORS_ORIGINS`);

    await service.stop();
    const down = await checkInPage(page, { baseUrl: service.baseUrl, apiKey, transactionId: 'T04-cors-2' });
    expect(down).toMatchObject({ source: 'offline', cause: 'ConnectionError' });
  });

  it('decides in a browser without Intl.supportedValuesOf: with the service, and offline when it is down', { timeout: 120_000 }, async () => {
    const browser = await launchChromium(onTestFinished);
    const page = await browser.newPage();
    const problems = problemsOf(page);
    // Chrome before 99, Safari before 15.4, Firefox before 93.
    await page.addInitScript(() => delete (Intl as { supportedValuesOf?: unknown }).supportedValuesOf);
    const site = await tillSite(files, onTestFinished);
    const service = await liveService({ corsOrigins: [site] });
    const apiKey = await service.tillKey();
    await openTill(page, site);
    expect(await page.evaluate(() => typeof (Intl as { supportedValuesOf?: unknown }).supportedValuesOf)).toBe('undefined');

    expect(await checkInPage(page, { baseUrl: service.baseUrl, apiKey, transactionId: 'T04-old-1' })).toMatchObject({ source: 'service', action: 'hold', outcome: 'recorded' });
    await service.stop();
    expect(await checkInPage(page, { baseUrl: service.baseUrl, apiKey, transactionId: 'T04-old-2' })).toMatchObject({ source: 'offline', engine: 'rules', action: 'hold' });
    expect(problems).toEqual([]);
  });

  it('refuses a broken basket with the same readable messages as in Node (English kept, other locales left out)', { timeout: 60_000 }, async () => {
    const browser = await launchChromium(onTestFinished);
    const page = await browser.newPage();
    await openTill(page, await tillSite(files, onTestFinished));
    const broken = { transactionId: 'T04 1', currency: 'gbp', tender: 'cheque', lines: [{ kind: 'gift_card', unitAmount: 10.5 }] };
    const inBrowser = await page.evaluate(async (basket) => {
      const till = window.sdk.createTillClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'vsk_x', storeId: 'herts-markyate-003', tillId: 'T04', refreshRulesMs: 0 });
      try {
        await till.check(basket as Parameters<typeof till.check>[0]);
        return undefined;
      } catch (error) {
        return { name: (error as Error).name, errors: (error as { errors: unknown }).errors };
      }
    }, broken);
    const { CheckRequest } = await import('../../src/contract/check.js');
    const { fieldErrors } = await import('../../src/contract/problem.js');
    const inNode = fieldErrors(CheckRequest.safeParse({ ...broken, storeId: 'herts-markyate-003', tillId: 'T04' }).error!);
    expect(inBrowser).toEqual({ name: 'ValidationError', errors: inNode });
    expect(JSON.stringify(inNode)).toMatch(/Use a three-letter ISO 4217 code/);
    expect(JSON.stringify(inNode)).toMatch(/Invalid option: expected one of/); // zod's own English message
  });
});
