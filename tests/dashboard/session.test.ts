import { describe, expect, it } from 'vitest';
import { knownData, PERIOD, STORE_A, STORE_B } from '../reports/known-data.js';

const ORIGIN = 'http://localhost';

async function signIn(call: Awaited<ReturnType<typeof knownData>>['call'], key: string) {
  const response = await call('POST', '/dashboard/sign-in', {
    body: new URLSearchParams({ key }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
  });
  const cookie = response.headers.get('set-cookie') ?? '';
  return { response, cookie, session: cookie.split(';')[0]! };
}

describe('signing in to the dashboard', () => {
  it('sends a visitor without a session to sign in', async () => {
    const { call } = await knownData();
    const response = await call('GET', '/dashboard');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/dashboard/sign-in');
    const page = await call('GET', '/dashboard/sign-in');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<label for="key">API key</label>');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('gives an analyst an HttpOnly, SameSite=Strict session cookie that is not the key', async () => {
    const { call, analyst } = await knownData();
    const { response, cookie, session } = await signIn(call, analyst);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/dashboard');
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/dashboard/);
    expect(cookie).not.toContain(analyst);
    const page = await call('GET', '/dashboard', { headers: { cookie: session } });
    expect(page.status).toBe(200);
    expect(page.text).toContain('Headline figures');
  });

  it('refuses unknown keys and till keys, and sign-ins posted from another site', async () => {
    const { call, till, analyst } = await knownData();
    const unknown = await signIn(call, `vsk_${'x'.repeat(43)}`);
    expect(unknown.response.status).toBe(401);
    expect(unknown.response.text).toContain('not recognised');
    expect(unknown.cookie).toBe('');
    const asTill = await signIn(call, till);
    expect(asTill.response.status).toBe(403);
    expect(asTill.response.text).toContain('till key');
    const forged = await call('POST', '/dashboard/sign-in', {
      body: new URLSearchParams({ key: analyst }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example' },
    });
    expect(forged.status).toBe(403);
    expect(forged.headers.get('set-cookie')).toBeNull();
  });

  it('ends the session on sign-out, and when the key is revoked', async () => {
    const { call, analyst, makeKey, adminKey } = await knownData();
    const first = await signIn(call, analyst);
    const out = await call('POST', '/dashboard/sign-out', { headers: { cookie: first.session, origin: ORIGIN } });
    expect(out.status).toBe(303);
    expect((await call('GET', '/dashboard', { headers: { cookie: first.session } })).status).toBe(303);

    const key = await makeKey('analyst');
    const second = await signIn(call, key);
    expect((await call('GET', '/dashboard', { headers: { cookie: second.session } })).status).toBe(200);
    const keys = (await call('GET', '/v1/keys', { key: adminKey })).json.keys;
    const id = keys.find((k: { prefix: string }) => key.startsWith(k.prefix)).id;
    expect((await call('DELETE', `/v1/keys/${id}`, { key: adminKey })).status).toBeLessThan(300);
    expect((await call('GET', '/dashboard', { headers: { cookie: second.session } })).status).toBe(303);
  });
});

describe('the dashboard page', () => {
  it('shows the same figures as the summary endpoint', async () => {
    const { call, analyst } = await knownData();
    const { session } = await signIn(call, analyst);
    const page = await call('GET', `/dashboard?${PERIOD}`, { headers: { cookie: session } });
    expect(page.status).toBe(200);
    const html = page.text;
    const figure = (id: string) => new RegExp(`data-figure="${id}">([^<]*)<`).exec(html)?.[1];
    expect(figure('valueProtected')).toBe('£6,020.00'); // 50000 + 500000 + 2000 + 50000 pence
    expect(figure('stops')).toBe('3');
    expect(figure('checks')).toBe('7');
    expect(figure('promptRate')).toBe('71.4%'); // 5 of 7
    expect(figure('warnedThenSold')).toBe('1');
    expect(html).toContain('<th scope="row">herts-stevenage-012</th>');
    expect(html).toContain('<code>older-customer-80-plus</code>');
    expect(html).toContain('scam confirmed');
    const data = JSON.parse(/<script type="application\/json" id="chart-data">([^<]*)<\/script>/.exec(html)![1]!);
    expect(data).toMatchObject({ currency: 'GBP', checks: [2, 2, 3], stops: [1, 1, 1], valueProtected: [500, 5000, 520] });
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });

  it('shows a limited analyst only their stores, and says why a bad filter was ignored', async () => {
    const { call, makeKey } = await knownData();
    const limited = await makeKey('analyst', [STORE_B]);
    const { session } = await signIn(call, limited);
    const page = (await call('GET', `/dashboard?${PERIOD}`, { headers: { cookie: session } })).text;
    expect(page).toContain('data-figure="checks">3<');
    expect(page).not.toContain(STORE_A);
    const forbidden = (await call('GET', `/dashboard?${PERIOD}&storeId=${STORE_A}`, { headers: { cookie: session } })).text;
    expect(forbidden).toContain('role="alert"');
    expect(forbidden).toContain('may not see store');
    expect(forbidden).not.toContain(`<th scope="row">${STORE_A}`);
  });

  it('downloads the CSV with the session', async () => {
    const { call, analyst } = await knownData();
    const { session } = await signIn(call, analyst);
    const csv = await call('GET', `/dashboard/checks.csv?${PERIOD}&storeId=${STORE_A}`, { headers: { cookie: session } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toContain('attachment');
    expect(csv.text.trim().split('\r\n')).toHaveLength(5);
  });

  it('serves its scripts and styles itself', async () => {
    const { call } = await knownData();
    for (const asset of ['uPlot.iife.min.js', 'uPlot.min.css', 'dashboard.js', 'dashboard.css']) {
      const response = await call('GET', `/dashboard/assets/${asset}`);
      expect(response.status, asset).toBe(200);
    }
    expect((await call('GET', '/dashboard/assets/../../package.json')).status).toBe(404);
  });
});
