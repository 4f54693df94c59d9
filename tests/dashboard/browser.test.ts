import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, openInChromium } from './helpers/chromium.js';
import { formatMoney } from '../../src/engine/index.js';
import { knownData } from '../reports/known-data.js';

// Opens the dashboard in a real headless Chromium (see ./helpers/chromium.ts).

const ARTIFACTS = join(import.meta.dirname, '..', '.artifacts');

describe.skipIf(!chromiumAvailable)('the dashboard in Chromium', () => {
  it('signs in, shows the summary’s and the holds’ figures and draws the charts', { timeout: 90_000 }, async () => {
    const { app, call, analyst } = await knownData();
    const { base, page } = await openInChromium(app.fetch, { width: 1280, height: 900 });
    const problems: string[] = [];
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('request', (request) => !request.url().startsWith(base) && problems.push(`left the service: ${request.url()}`));

    await page.goto(`${base}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/sign-in');
    await page.getByLabel('API key').fill(analyst);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/dashboard`);
    await page.locator('#trend-chart canvas').waitFor();
    await page.locator('#value-chart canvas').waitFor();
    await page.locator('#holds-chart canvas').waitFor();

    const { totals } = (await call('GET', '/v1/reports/summary', { key: analyst })).json;
    const figure = (id: string) => page.locator(`[data-figure="${id}"]`).textContent();
    expect(await figure('checks')).toBe(String(totals.checks));
    expect(await figure('stops')).toBe(String(totals.stops));
    expect(await figure('valueProtected')).toBe(formatMoney(totals.valueProtected.GBP, 'GBP'));
    expect(await figure('promptRate')).toBe(`${(totals.promptRate * 100).toFixed(1)}%`);
    const holds = (await call('GET', '/v1/reports/holds', { key: analyst })).json;
    // Four holds, all opened on the service's clock today (the one the day before the period too), and
    // each closed by its outcome: the customer did not buy.
    expect(holds.totals).toMatchObject({ opened: 4, refused: 4, released: 0, expired: 0 });
    expect(await figure('holds')).toBe('4');
    expect(await figure('holdsOpenNow')).toBe('0');
    expect(await figure('releasedThenScam')).toBe('0');
    expect(await page.locator('#holds-by-store tbody tr').count()).toBe(2);
    expect(await page.locator('#holds-waiting tbody').textContent()).toBe('Nobody is waiting.');

    const painted = await page.evaluate(() =>
      ['#trend-chart canvas', '#value-chart canvas', '#holds-chart canvas'].map((selector) => {
        const canvas = document.querySelector<HTMLCanvasElement>(selector)!;
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let inked = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) inked += 1;
        return { width: canvas.width, inked };
      }),
    );
    for (const chart of painted) {
      expect(chart.width).toBeGreaterThan(300);
      expect(chart.inked).toBeGreaterThan(1000);
    }
    expect(await page.locator('#trend-chart .u-legend').textContent()).toContain('Stops');
    expect(await page.locator('#by-store tbody tr').count()).toBe(2);
    expect(await page.locator('#interventions tbody tr').count()).toBe(6);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    expect(problems).toEqual([]);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base}/dashboard/sign-in`);
  });
});
