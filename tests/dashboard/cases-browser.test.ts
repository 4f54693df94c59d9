import { describe, expect, it } from 'vitest';
import { chromiumAvailable, openInChromium } from './helpers/chromium.js';
import { aCheck, STORE, testApp } from '../helpers/app.js';

// The cases panel and the evidence pack in a real headless Chromium, as the dashboard's own browser test.

describe.skipIf(!chromiumAvailable)('cases in Chromium', () => {
  it('lists an open case on the dashboard and renders its evidence pack accessibly, for screen and print', { timeout: 90_000 }, async () => {
    const { app, call, makeKey } = await testApp();
    const till = await makeKey('till', [STORE]);
    const supervisor = await makeKey('supervisor', [STORE]);
    const analyst = await makeKey('analyst');
    const decided = (await call('POST', '/v1/checks', { key: till, body: aCheck({ lines: [{ kind: 'gift_card', brand: 'apple', unitAmount: 10000, quantity: 3 }], customer: { ageBand: '80_plus', loyaltyId: '634004000123456' } }) })).json;
    await call('POST', `/v1/checks/${decided.checkId}/review`, { key: supervisor, body: { decision: 'refuse', supervisorRef: 'S0042' } });
    await call('POST', `/v1/checks/${decided.checkId}/escalations`, { key: till, body: { step: 'called_bank_159', by: 'C1234', note: 'Bank called her back.' } });
    await call('POST', `/v1/checks/${decided.checkId}/reports`, { key: analyst, body: { reporter: { role: 'family' }, whatHappened: 'Told to pay “HMRC” in cards <b>now</b>.', policeReference: 'NFRC1' } });
    const [{ caseId }] = (await call('GET', '/v1/cases', { key: analyst })).json.cases;

    const { base, page } = await openInChromium(app.fetch);
    const problems: string[] = [];
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('request', (request) => !request.url().startsWith(base) && !request.url().startsWith('data:') && problems.push(`left the service: ${request.url()}`));

    await page.goto(`${base}/dashboard/sign-in`);
    await page.getByLabel('API key').fill(analyst);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/dashboard`);
    const row = page.locator(`#cases-open tr[data-case="${caseId}"]`);
    expect(await row.locator('td').allTextContents()).toEqual([expect.any(String), expect.any(String), STORE, 'hold refused', 'open', '£300.00', '–', `Evidence pack for ${caseId}`]);

    await row.getByRole('link').click();
    await page.waitForURL(`${base}/dashboard/cases/${caseId}/evidence`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en-GB');
    expect(await page.evaluate(() => document.compatMode)).toBe('CSS1Compat');
    expect(await page.locator('script').count()).toBe(0);
    const headings = await page.evaluate(() => Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6')).map((h) => Number(h.tagName[1])));
    expect(headings.filter((level) => level === 1)).toHaveLength(1);
    expect(headings[0]).toBe(1);
    // Headings in order: none skips a level on the way down.
    headings.forEach((level, i) => i > 0 && expect(level).toBeLessThanOrEqual(headings[i - 1]! + 1));
    const tables = await page.evaluate(() =>
      Array.from(document.querySelectorAll('table')).map((table) => ({ caption: table.caption?.textContent ?? '', unscoped: table.querySelectorAll('th:not([scope])').length })),
    );
    expect(tables.length).toBeGreaterThan(5);
    for (const table of tables) expect(table).toMatchObject({ caption: expect.stringMatching(/\S/), unscoped: 0 });

    const snapshot = await page.locator('main').ariaSnapshot();
    expect(snapshot).toContain(`heading "Evidence pack: gift-card scam case ${caseId}" [level=1]`);
    expect(snapshot).toContain('heading "What the colleague was told to say" [level=2]');
    expect(snapshot).toContain('table "Escalations for the customer"');
    expect(snapshot).toContain('Told to pay “HMRC” in cards <b>now</b>.');
    expect(snapshot).toContain('supervisor S0042');
    expect(snapshot).toContain('NFRC1');
    expect(await page.content()).not.toContain('634004000123456');

    await page.emulateMedia({ media: 'print' });
    expect(await page.evaluate(() => getComputedStyle(document.body).marginTop)).toBe('0px');
    expect(problems).toEqual([]);
  });
});
