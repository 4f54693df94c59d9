import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { aCheck, STORE, testApp } from '../helpers/app.js';

describe('customer identifiers', () => {
  it('never reach the database: only keyed hashes do', async () => {
    const { call, makeKey, services, dir, databasePath } = await testApp();
    const till = await makeKey('till', [STORE]);
    const loyaltyId = '634004000987654321';
    const paymentToken = 'tok_5f1d7c0e9b2a4c6e8f';
    const created = await call('POST', '/v1/checks', {
      key: till,
      body: aCheck({ customer: { ageBand: '70_79', loyaltyId, paymentToken }, lines: [{ kind: 'gift_card', unitAmount: 10000, quantity: 3 }] }),
    });
    await call('POST', `/v1/checks/${created.json.checkId}/answers`, { key: till, body: { answers: { purpose: 'gift' } } });
    const record = await call('GET', `/v1/checks/${created.json.checkId}`, { key: till });
    expect(record.json.customer.identified).toBe(true);
    expect(record.text).not.toContain(loyaltyId);

    await services.store.close();
    const files = readdirSync(dir).filter((name) => statSync(join(dir, name)).isFile());
    expect(files).toContain('vouchsafe.db.id-secret');
    expect((statSync(join(dir, 'vouchsafe.db.id-secret')).mode & 0o777).toString(8)).toBe('600');
    for (const name of files.filter((file) => file.startsWith('vouchsafe.db') && !file.endsWith('id-secret'))) {
      const bytes = readFileSync(join(dir, name)).toString('latin1');
      expect(bytes, name).not.toContain(loyaltyId);
      expect(bytes, name).not.toContain(paymentToken);
    }
    const db = new Database(databasePath, { readonly: true });
    const identities = db.prepare('SELECT identity FROM check_identities').all() as Array<{ identity: string }>;
    db.close();
    expect(identities).toHaveLength(2);
    for (const { identity } of identities) expect(identity).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('the schema', () => {
  it('refuses a database newer than the code', async () => {
    const { databasePath, services } = await testApp();
    await services.store.close();
    const db = new Database(databasePath);
    db.pragma('user_version = 9990');
    db.close();
    await expect(openStore(databasePath)).rejects.toThrow(/newer than this code/);
  });

  it('keeps the audit log append-only', async () => {
    const { databasePath, services } = await testApp();
    await services.store.close();
    const db = new Database(databasePath);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE audit_log SET actor = 'someone else'").run()).toThrow(/append-only/);
    db.close();
  });

  it('keeps the same rule set and keys across restarts', async () => {
    const first = await testApp();
    const version = first.services.rules.current.version;
    await first.services.store.close();
    const reopened = await openStore(first.databasePath);
    expect((await reopened.ruleSets.active())?.version).toBe(version);
    expect(await reopened.keys.activeAdminCount()).toBe(1);
    await reopened.close();
  });
});
