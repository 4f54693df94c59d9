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
    });
  });

  it('names the setting at fault', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ VOUCHSAFE_ADMIN_KEY: 'short' })).toThrow(/VOUCHSAFE_ADMIN_KEY/);
    expect(() => loadConfig({ VOUCHSAFE_RULES_APPROVAL: 'three-person' })).toThrow(/VOUCHSAFE_RULES_APPROVAL/);
    expect(() => loadConfig({ VOUCHSAFE_CORS_ORIGINS: 'not a url' })).toThrow(/VOUCHSAFE_CORS_ORIGINS/);
  });

  it('reads the hold deadline as a duration, five minutes by default', () => {
    expect(loadConfig({}).holdDeadlineMs).toBe(300_000);
    expect(loadConfig({ VOUCHSAFE_HOLD_DEADLINE: '90s' }).holdDeadlineMs).toBe(90_000);
    expect(loadConfig({ VOUCHSAFE_HOLD_DEADLINE: '10m' }).holdDeadlineMs).toBe(600_000);
    expect(() => loadConfig({ VOUCHSAFE_HOLD_DEADLINE: '5' })).toThrow(/VOUCHSAFE_HOLD_DEADLINE: "5" is not a duration: use a whole number of seconds, minutes or hours/);
    expect(() => loadConfig({ VOUCHSAFE_HOLD_DEADLINE: '2d' })).toThrow(/VOUCHSAFE_HOLD_DEADLINE/);
    expect(() => loadConfig({ VOUCHSAFE_HOLD_DEADLINE: '2h' })).toThrow(/at most 1h/);
  });

  it('sends webhooks over https only, unless told to allow http to this machine', () => {
    expect(loadConfig({}).webhooksAllowHttp).toBe(false);
    expect(loadConfig({ VOUCHSAFE_WEBHOOKS_ALLOW_HTTP: '1' }).webhooksAllowHttp).toBe(true);
    expect(() => loadConfig({ VOUCHSAFE_WEBHOOKS_ALLOW_HTTP: 'yes' })).toThrow(/VOUCHSAFE_WEBHOOKS_ALLOW_HTTP/);
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
