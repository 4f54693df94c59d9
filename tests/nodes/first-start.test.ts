import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { buildServices, type Services } from '../../src/services.js';
import { freshPostgresUrl, postgresAvailable } from '../helpers/postgres.js';

describe.skipIf(!postgresAvailable)('nodes started at once on a new PostgreSQL database', () => {
  it('all start, and the bootstrap admin key is made once', { timeout: 120_000 }, async () => {
    // The collision needs both nodes between "no admin key yet" and the insert: several rounds make it all but certain.
    for (let round = 0; round < 6; round++) {
      const databasePath = await freshPostgresUrl();
      const adminKey = `first-admin-${randomBytes(16).toString('hex')}`;
      const idSecret = `first-secret-${randomBytes(16).toString('hex')}`;
      const logs: string[] = [];
      const node = () => buildServices({ databasePath, rulesDirectory: 'rules', adminKey, idSecret, logger: createLogger('info', (line) => logs.push(line)) });
      const started = await Promise.allSettled([node(), node(), node()]);
      const services = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      try {
        expect(started.filter((result) => result.status === 'rejected')).toEqual([]);
        expect(await services[0]!.store.keys.activeAdminCount()).toBe(1);
        expect(logs.filter((line) => line.includes('first admin key made'))).toHaveLength(1);
        for (const { keys } of services) expect(await keys.resolve(adminKey)).toMatchObject({ role: 'admin' });
      } finally {
        await Promise.all(services.map((service: Services) => service.close()));
      }
    }
  });
});
