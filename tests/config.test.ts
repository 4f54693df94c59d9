import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { aCheck, STORE, testApp } from './helpers/app.js';

describe('configuration', () => {
  it('works on a fresh machine with no settings', () => {
    expect(loadConfig({})).toMatchObject({
      port: 8787,
      host: '127.0.0.1',
      databasePath: './data/vouchsafe.db',
      rulesDirectory: './rules',
      ruleApproval: 'single',
      corsOrigins: [],
      timeZone: 'Europe/London',
    });
  });

  it('names the setting at fault', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ VOUCHSAFE_ADMIN_KEY: 'short' })).toThrow(/VOUCHSAFE_ADMIN_KEY/);
    expect(() => loadConfig({ VOUCHSAFE_RULES_APPROVAL: 'three-person' })).toThrow(/VOUCHSAFE_RULES_APPROVAL/);
    expect(() => loadConfig({ VOUCHSAFE_CORS_ORIGINS: 'not a url' })).toThrow(/VOUCHSAFE_CORS_ORIGINS/);
    expect(() => loadConfig({ VOUCHSAFE_TIMEZONE: 'Europe/Londres' })).toThrow(/VOUCHSAFE_TIMEZONE/);
    expect(loadConfig({ VOUCHSAFE_TIMEZONE: 'Europe/Dublin' }).timeZone).toBe('Europe/Dublin');
  });

  it('reads browser till origins as a list', () => {
    expect(loadConfig({ VOUCHSAFE_CORS_ORIGINS: 'https://till.example.com/, http://localhost:5173' }).corsOrigins).toEqual([
      'https://till.example.com',
      'http://localhost:5173',
    ]);
  });
});

describe('browser-based tills (CORS)', () => {
  const origin = 'https://till.example.com';

  it('answers a preflight and a check from an allowed origin', async () => {
    const { app, makeKey } = testApp({ corsOrigins: [origin] });
    const preflight = await app.request('/v1/checks', {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);

    const till = await makeKey('till', [STORE]);
    const response = await app.request('/v1/checks', {
      method: 'POST',
      headers: { origin, authorization: `Bearer ${till}`, 'content-type': 'application/json' },
      body: JSON.stringify(aCheck()),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    expect(response.headers.get('access-control-expose-headers')).toMatch(/Idempotent-Replayed/);
  });

  it('gives other origins, and every origin by default, no CORS headers', async () => {
    const allowed = testApp({ corsOrigins: [origin] });
    const other = await allowed.app.request('/v1/rules', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const closed = testApp();
    const response = await closed.app.request('/v1/rules', { headers: { origin } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});
