import { describe, expect, it } from 'vitest';
import { chromiumAvailable, openInChromium } from './helpers/chromium.js';
import { aCheck, STORE, testApp } from '../helpers/app.js';


const NEAR_STORE = 'herts-stevenage-020';
const FAR_STORE = 'beds-luton-001';
const store = (name: string, lat: number, lon: number) => ({ name, timeZone: 'Europe/London', locale: 'en-GB', currency: 'GBP', location: { lat, lon } });

describe.skipIf(!chromiumAvailable)('the area alerts on the dashboard, in Chromium', () => {
  it('draws the stores by their coordinates, the alert’s reach and the stores inside it, with a table alternative', { timeout: 90_000 }, async () => {
    const app = await testApp();
    for (const [id, body] of [
      [STORE, store('Stevenage Town Centre', 51.9017, -0.2019)],
      [NEAR_STORE, store('Stevenage Old Town', 51.9194, -0.2028)],
      [FAR_STORE, store('Luton Arndale', 51.8787, -0.42)],
    ] as const) {
      expect((await app.call('PUT', `/v1/stores/${id}`, { key: app.adminKey, body })).status).toBe(201);
    }
    const till = await app.makeKey('till', [STORE, 'unregistered-009']);
    const first = await app.call('POST', '/v1/checks', { key: till, body: aCheck({ lines: [{ kind: 'gift_card', brand: 'apple', unitAmount: 10000, quantity: 3 }], customer: { ageBand: '70_79' } }) });
    expect((await app.call('POST', `/v1/checks/${first.json.checkId}/answers`, { key: till, body: { answers: { codesRequested: 'yes' } } })).json.action).toBe('refuse');
    await app.call('POST', '/v1/checks', { key: till, body: aCheck({ storeId: 'unregistered-009' }) });

    const { base, page } = await openInChromium(app.app.fetch, { width: 1280, height: 900 });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('request', (request) => !request.url().startsWith(base) && problems.push(`left the service: ${request.url()}`));

    await page.goto(`${base}/dashboard/sign-in`);
    await page.getByLabel('API key').fill(app.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/dashboard`);

    const map = page.getByRole('img', { name: 'Stores and area alerts' });
    await map.waitFor();
    expect(await page.locator('#area-map desc').textContent()).toContain('3 stores');
    expect(await page.locator('#area-map [data-store]').count()).toBe(3);
    expect(await page.locator('#area-map .area-radius').count()).toBe(1);
    expect(await page.locator(`#area-map [data-store="${NEAR_STORE}"]`).getAttribute('class')).toBe('area-store reached');
    expect(await page.locator(`#area-map [data-store="${FAR_STORE}"]`).getAttribute('class')).toBe('area-store');
    // East is right and north is up: Luton lies west of Stevenage, the Old Town north of the centre.
    const centre = async (id: string) => (await page.locator(`#area-map [data-store="${id}"] circle`).boundingBox())!;
    expect((await centre(FAR_STORE)).x).toBeLessThan((await centre(STORE)).x);
    expect((await centre(NEAR_STORE)).y).toBeLessThan((await centre(STORE)).y);
    // The ring reaches the store 2 km away and falls short of Luton, 15 km off.
    const ring = (await page.locator('#area-map .area-radius').boundingBox())!;
    const near = await centre(NEAR_STORE);
    expect(near.y).toBeGreaterThan(ring.y);
    expect((await centre(FAR_STORE)).x).toBeLessThan(ring.x);

    const row = page.locator('#area-alerts tbody tr');
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain(`${NEAR_STORE} (2 km)`);
    expect(await page.locator('#unknown-stores').textContent()).toContain('unregistered-009');
    expect(problems).toEqual([]);
  });
});
