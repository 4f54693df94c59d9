import { spawnSync } from 'node:child_process';
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

  it('caps connections at 4000 in all and 256 per address, or the total per address behind a trusted proxy', () => {
    expect(loadConfig({}).limits).toMatchObject({ maxConnections: 4000, maxConnectionsPerClient: 256 });
    expect(loadConfig({ VOUCHSAFE_TRUST_PROXY: 'true', VOUCHSAFE_MAX_CONNECTIONS: '6000' }).limits).toMatchObject({ maxConnections: 6000, maxConnectionsPerClient: 6000 });
    expect(loadConfig({ VOUCHSAFE_TRUST_PROXY: 'true', VOUCHSAFE_MAX_CONNECTIONS_PER_CLIENT: '900' }).limits.maxConnectionsPerClient).toBe(900);
    expect(() => loadConfig({ VOUCHSAFE_MAX_CONNECTIONS_PER_CLIENT: '0' })).toThrow(/VOUCHSAFE_MAX_CONNECTIONS_PER_CLIENT/);
  });

  it('keeps ten PostgreSQL connections per node unless told otherwise, and never fewer than two', () => {
    expect(loadConfig({}).databasePoolSize).toBe(10);
    expect(loadConfig({ VOUCHSAFE_DB_POOL: '25' }).databasePoolSize).toBe(25);
    // A background job holds one connection for its lock while its work uses another.
    expect(() => loadConfig({ VOUCHSAFE_DB_POOL: '1' })).toThrow(/VOUCHSAFE_DB_POOL/);
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
    expect(loadConfig({ VOUCHSAFE_CORS_ORIGINS: 'https://till.example.com/, http://localhost:5173, HTTPS://*.Tills.Example.com' }).corsOrigins).toEqual([
      'https://till.example.com',
      'http://localhost:5173',
      'https://*.tills.example.com',
    ]);
  });

  // Each of these would match no browser's Origin: taken silently, they would look like an outage.
  it.each([
    ['https://till.example.com/pos', /has a path/],
    ['https://till.example.com?lane=1', /has a path, query/],
    ['till.example.com', /not an origin/],
    ['https://till.*.example.com', /first label/],
    ['https://*', /not an origin|first label|every site/],
    ['https://*.com', /every site under \.com/],
    ['https://user:pw@till.example.com', /user name or password/],
    ['ftp://till.example.com', /not an http or https origin/],
    ['*', /not an origin/],
  ])('refuses %s, saying why', (origins, why) => {
    expect(() => loadConfig({ VOUCHSAFE_CORS_ORIGINS: `https://ok.example.com, ${origins}` })).toThrow(why);
    expect(() => loadConfig({ VOUCHSAFE_CORS_ORIGINS: origins })).toThrow(/^VOUCHSAFE_CORS_ORIGINS: /);
  });

  it('stops the service at start, exit 78, on an origin pattern that cannot work', () => {
    const started = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, VOUCHSAFE_CORS_ORIGINS: 'https://till.example.com/pos', VOUCHSAFE_DB: ':memory:', PORT: '0' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(started.status).toBe(78);
    expect(started.stderr).toMatch(/Vouchsafe cannot start: VOUCHSAFE_CORS_ORIGINS: "https:\/\/till.example.com\/pos" has a path/);
  });
});

describe('browser-based tills (CORS)', () => {
  const origin = 'https://till.example.com';

  it('answers a preflight and a check from an allowed origin', async () => {
    const { app, makeKey } = await testApp({ corsOrigins: [origin] });
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

  it('lets a pattern stand for every subdomain, and nothing else', async () => {
    const { app } = await testApp({ corsOrigins: ['https://*.tills.example.com'] });
    const allowed = async (from: string) => (await app.request('/v1/rules', { headers: { origin: from } })).headers.get('access-control-allow-origin');
    expect(await allowed('https://lane-4.markyate.tills.example.com')).toBe('https://lane-4.markyate.tills.example.com');
    expect(await allowed('https://tills.example.com')).toBeNull();
    expect(await allowed('http://lane-4.tills.example.com')).toBeNull();
    expect(await allowed('https://lane-4.tills.example.com.evil.example')).toBeNull();
  });

  it('answers /healthz to every origin, saying whether that origin may call the API', async () => {
    const { app } = await testApp({ corsOrigins: [origin] });
    const health = async (from: string) => {
      const response = await app.request('/healthz', { headers: { origin: from } });
      return { cors: response.headers.get('access-control-allow-origin'), body: (await response.json()) as Record<string, unknown> };
    };
    expect(await health(origin)).toMatchObject({ cors: '*', body: { status: 'ok', origin, originAllowed: true } });
    expect(await health('https://other.example')).toMatchObject({ cors: '*', body: { status: 'ok', origin: 'https://other.example', originAllowed: false } });
  });

  it('gives other origins, and every origin by default, no CORS headers', async () => {
    const allowed = await testApp({ corsOrigins: [origin] });
    const other = await allowed.app.request('/v1/rules', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const closed = await testApp();
    const response = await closed.app.request('/v1/rules', { headers: { origin } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});
