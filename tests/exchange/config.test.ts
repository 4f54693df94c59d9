import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exchangeMemberFromEnv } from '../../src/cli/exchange.js';
import { ConfigError } from '../../src/config.js';
import { generateOprfKey } from '../../src/exchange/oprf.js';
import { generateMemberKeys } from '../../src/exchange/signing.js';
import { createLogger } from '../../src/log.js';

const dir = mkdtempSync(join(tmpdir(), 'vouchsafe-exchange-config-'));
const keyFile = join(dir, 'member.pem');
writeFileSync(keyFile, generateMemberKeys().privateKey);
const notEd25519 = join(dir, 'oprf.key');
writeFileSync(notEd25519, generateOprfKey());
const logger = createLogger('silent');
const member = { VOUCHSAFE_EXCHANGE_URL: 'https://exchange.example/', VOUCHSAFE_EXCHANGE_MEMBER_ID: 'north-retail', VOUCHSAFE_EXCHANGE_KEY_FILE: keyFile };

describe('a member’s exchange settings', () => {
  it('none set: no exchange; all set: a member', () => {
    expect(exchangeMemberFromEnv({}, logger)).toBeUndefined();
    expect(exchangeMemberFromEnv({ ...member, VOUCHSAFE_EXCHANGE_DISTRICTS: 'herts-stevenage-012=SG1, herts-hitchin-004=SG4' }, logger)).toBeDefined();
  });

  it.each([
    [{ VOUCHSAFE_EXCHANGE_URL: member.VOUCHSAFE_EXCHANGE_URL }, /VOUCHSAFE_EXCHANGE_MEMBER_ID, VOUCHSAFE_EXCHANGE_KEY_FILE: set with the other/],
    [{ ...member, VOUCHSAFE_EXCHANGE_URL: 'ftp://exchange.example' }, /VOUCHSAFE_EXCHANGE_URL: an http\(s\) URL/],
    [{ ...member, VOUCHSAFE_EXCHANGE_URL: 'not a url' }, /VOUCHSAFE_EXCHANGE_URL: not a URL/],
    [{ ...member, VOUCHSAFE_EXCHANGE_MEMBER_ID: 'North Retail' }, /VOUCHSAFE_EXCHANGE_MEMBER_ID/],
    [{ ...member, VOUCHSAFE_EXCHANGE_KEY_FILE: join(dir, 'missing.pem') }, /VOUCHSAFE_EXCHANGE_KEY_FILE: cannot read .*ENOENT/],
    [{ ...member, VOUCHSAFE_EXCHANGE_KEY_FILE: notEd25519 }, /VOUCHSAFE_EXCHANGE_KEY_FILE: /],
    [{ ...member, VOUCHSAFE_EXCHANGE_TIMEOUT_MS: '5000' }, /VOUCHSAFE_EXCHANGE_TIMEOUT_MS: a whole number from 10 to 2000/],
    [{ ...member, VOUCHSAFE_EXCHANGE_DISTRICTS: 'herts-stevenage-012=SG1 2AB' }, /a full postcode is never shared/],
    [{ ...member, VOUCHSAFE_EXCHANGE_DISTRICTS: 'herts-stevenage-012' }, /is not storeId=district/],
  ])('%o stops the start naming the setting', (env, message) => {
    expect(() => exchangeMemberFromEnv(env, logger)).toThrow(ConfigError);
    expect(() => exchangeMemberFromEnv(env, logger)).toThrow(message);
  });
});
