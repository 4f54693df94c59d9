import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aCheck, OTHER_STORE, STORE, testApp } from '../helpers/app.js';

describe('API keys', () => {
  it('makes a key that works at once, shown once and stored only as a hash', async () => {
    const { call, adminKey, databasePath, services } = await testApp();
    const created = await call('POST', '/v1/keys', { key: adminKey, body: { role: 'till', name: 'Stevenage tills', storeIds: [STORE] } });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    expect(created.json).toMatchObject({ role: 'till', name: 'Stevenage tills', storeIds: [STORE], revokedAt: null });
    expect(created.json.key).toMatch(/^vsk_/);
    expect((await call('POST', '/v1/checks', { key: created.json.key, body: aCheck() })).status).toBe(201);

    const listed = await call('GET', '/v1/keys', { key: adminKey });
    expect(JSON.stringify(listed.json)).not.toContain(created.json.key);
    await services.store.close();
    const bytes = readFileSync(databasePath).toString('latin1') + readWal(databasePath);
    expect(bytes).not.toContain(created.json.key);
    expect(bytes).not.toContain(adminKey);
  });

  it('requires storeIds for a till and refuses them for an admin', async () => {
    const { call, adminKey } = await testApp();
    const till = await call('POST', '/v1/keys', { key: adminKey, body: { role: 'till', name: 'no stores' } });
    expect(till.status).toBe(400);
    expect(till.json.field).toBe('storeIds');
    const admin = await call('POST', '/v1/keys', { key: adminKey, body: { role: 'admin', name: 'x', storeIds: [STORE] } });
    expect(admin.json.field).toBe('storeIds');
  });

  it('lets only admins manage keys', async () => {
    const { call, makeKey } = await testApp();
    const analyst = await makeKey('analyst');
    const till = await makeKey('till', [STORE]);
    for (const key of [analyst, till]) {
      const response = await call('POST', '/v1/keys', { key, body: { role: 'admin', name: 'escalate' } });
      expect(response.status).toBe(403);
      expect(response.json.code).toBe('forbidden');
    }
  });

  it('revokes a key at once, and never the last admin key', async () => {
    const { call, adminKey } = await testApp();
    const created = await call('POST', '/v1/keys', { key: adminKey, body: { role: 'till', name: 't', storeIds: [STORE] } });
    expect((await call('POST', '/v1/checks', { key: created.json.key, body: aCheck() })).status).toBe(201);
    const revoked = await call('DELETE', `/v1/keys/${created.json.id}`, { key: adminKey });
    expect(revoked.status).toBe(200);
    expect(revoked.json.revokedAt).not.toBeNull();
    const after = await call('POST', '/v1/checks', { key: created.json.key, body: aCheck() });
    expect(after.status).toBe(401);
    expect(after.json.code).toBe('unauthorized');

    const keys = await call('GET', '/v1/keys', { key: adminKey });
    const bootstrap = keys.json.keys.find((k: { role: string }) => k.role === 'admin');
    const last = await call('DELETE', `/v1/keys/${bootstrap.id}`, { key: adminKey });
    expect(last.status).toBe(409);
    expect((await call('DELETE', '/v1/keys/key_00000000000000000000000000', { key: adminKey })).status).toBe(404);
  });

  it('binds a till key to its stores and scopes an analyst key to its stores', async () => {
    const { call, makeKey } = await testApp();
    const both = await makeKey('till', [STORE, OTHER_STORE]);
    expect((await call('POST', '/v1/checks', { key: both, body: aCheck({ storeId: OTHER_STORE }) })).status).toBe(201);
    expect((await call('POST', '/v1/checks', { key: both, body: aCheck({ storeId: 'herts-watford-001' }) })).status).toBe(403);
  });

  it('refuses requests with no key or an unknown key, saying how to authenticate', async () => {
    const { call } = await testApp();
    const none = await call('GET', '/v1/rules');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    const unknown = await call('GET', '/v1/rules', { key: `vsk_${'x'.repeat(43)}` });
    expect(unknown.status).toBe(401);
    const basic = await call('GET', '/v1/rules', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic.status).toBe(401);
  });

  it('audits every key made and revoked', async () => {
    const { call, adminKey, services } = await testApp();
    const created = await call('POST', '/v1/keys', { key: adminKey, body: { role: 'analyst', name: 'LP team' } });
    await call('DELETE', `/v1/keys/${created.json.id}`, { key: adminKey });
    const entries = (await services.store.audit.recent(10)).map((e) => `${e.action} ${e.subject}`);
    expect(entries).toEqual(expect.arrayContaining([`key.created ${created.json.id}`, `key.revoked ${created.json.id}`]));
  });
});

function readWal(databasePath: string): string {
  try {
    return readFileSync(`${databasePath}-wal`).toString('latin1');
  } catch {
    return '';
  }
}
