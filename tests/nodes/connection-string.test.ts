import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { buildServices } from '../../src/services.js';
import { redactedUrl } from '../../src/store/postgres/index.js';
import { freshPostgresUrl, postgresAvailable } from '../helpers/postgres.js';
import { startService } from '../helpers/service-process.js';

const PASSWORD = `Pw-${randomBytes(8).toString('hex')}`;

/** The run's server trusts loopback, so any password gets in: the URL carries one as a real deployment's would. */
const withPassword = (url: string) => {
  const parsed = new URL(url);
  parsed.username = 'postgres';
  parsed.password = PASSWORD;
  return parsed.toString();
};

const secret = () => `secret-${randomBytes(16).toString('hex')}`;

async function refusal(env: Record<string, string>) {
  const { code, stderr } = await startService(env).exited;
  return { code, stderr };
}

describe('the PostgreSQL password', () => {
  it('is masked wherever the URL holds it, and a URL that does not parse is not shown', () => {
    const password = fc.string({ minLength: 6, maxLength: 40 }).filter((text) => text.trim().length >= 6);
    fc.assert(
      fc.property(password, fc.boolean(), (plain, inQuery) => {
        const encoded = encodeURIComponent(plain);
        const url = inQuery ? `postgres://vouchsafe@db.internal:5432/vs?sslmode=require&password=${encoded}` : `postgres://vouchsafe:${encoded}@db.internal:5432/vs`;
        const shown = redactedUrl(url);
        expect(shown).not.toContain(encoded);
        expect(shown).not.toContain(plain);
        expect(shown).toContain('***');
      }),
    );
    expect(redactedUrl(`postgres://vouchsafe:${PASSWORD}@db.internal:notaport/vs`)).not.toContain(PASSWORD);
  });

  describe.skipIf(!postgresAvailable)('is never printed when a node refuses to start', { timeout: 60_000 }, () => {
    it('for an identity secret that is not the database’s', async () => {
      const url = withPassword(await freshPostgresUrl());
      const first = await buildServices({ databasePath: url, rulesDirectory: 'rules', idSecret: secret(), logger: createLogger('error', () => {}) });
      await first.close();
      const { code, stderr } = await refusal({ VOUCHSAFE_DB: url, VOUCHSAFE_ID_SECRET: secret() });
      expect(code).toBe(78);
      expect(stderr).toMatch(/^Vouchsafe cannot start: the identity secret \(VOUCHSAFE_ID_SECRET\) is not the one postgres:\/\/postgres:\*\*\*@/);
      expect(stderr).not.toContain(PASSWORD);
    });

    it('for a database that cannot be reached, or a URL that does not parse', async () => {
      const cases = [
        { url: `postgres://vouchsafe:${PASSWORD}@127.0.0.1:1/vs`, code: 1 },
        { url: `postgres://vouchsafe@127.0.0.1:1/vs?password=${PASSWORD}`, code: 1 },
        // postgres.js reads what it can of it, and fails to connect.
        { url: `postgres://vouchsafe:${PASSWORD}@127.0.0.1:notaport/vs`, code: 1 },
      ];
      for (const { url, code: expected } of cases) {
        const { code, stderr } = await refusal({ VOUCHSAFE_DB: url, VOUCHSAFE_ID_SECRET: secret() });
        expect(code).toBe(expected);
        expect(stderr).toMatch(/^Vouchsafe cannot start: .*\n$/);
        expect(stderr).not.toContain(PASSWORD);
      }
    });
  });
});
