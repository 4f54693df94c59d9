import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startService } from '../helpers/service-process.js';

const ADMIN_KEY = 'production-build-admin-key-0123456789abcdef';

/** Every stylesheet and script a page links to on this service. */
function linkedAssets(html: string): string[] {
  return [...html.matchAll(/<(?:link[^>]*\bhref|script[^>]*\bsrc)="(\/[^"]+)"/g)].map((match) => match[1]!);
}

describe('the production build', () => {
  it('serves every asset the dashboard and the API reference link to from `node dist/server.js`', { timeout: 120_000 }, async () => {
    execFileSync('npm', ['run', 'build'], { stdio: 'ignore' });
    const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-build-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const service = startService({ VOUCHSAFE_DB: join(dir, 'vouchsafe.db'), VOUCHSAFE_ADMIN_KEY: ADMIN_KEY }, { built: true });
    const url = await service.listening;

    const signedIn = await fetch(`${url}/dashboard/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url },
      body: new URLSearchParams({ key: ADMIN_KEY }).toString(),
    });
    expect(signedIn.status).toBe(303);
    const cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
    const pages = await Promise.all(
      ['/dashboard/sign-in', '/dashboard', '/docs'].map(async (path) => {
        const response = await fetch(`${url}${path}`, { headers: { cookie } });
        expect([path, response.status]).toEqual([path, 200]);
        return response.text();
      }),
    );
    const assets = [...new Set(pages.flatMap(linkedAssets))];
    expect(assets).toEqual(expect.arrayContaining(['/dashboard/assets/dashboard.css', '/dashboard/assets/dashboard.js', '/docs/swagger-ui.css', '/docs/swagger-ui-bundle.js']));
    for (const asset of assets) {
      const response = await fetch(`${url}${asset}`);
      const body = await response.text();
      expect([asset, response.status, response.headers.get('content-type')?.split(';')[0]]).toEqual([asset, 200, asset.endsWith('.css') ? 'text/css' : 'text/javascript']);
      expect(body.length).toBeGreaterThan(100);
    }
  });
});
