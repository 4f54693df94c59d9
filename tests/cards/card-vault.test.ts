import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cardVault } from '../../src/checks/card-vault.js';
import { loadConfig } from '../../src/config.js';

describe('the card vault', () => {
  it('opens what it sealed only for the same check, and after a rotation with the old key retired', () => {
    const old = randomBytes(32);
    const before = cardVault({ capture: true, keys: { current: old, retired: [] } });
    const sealed = before.seal('chk_a', { serial: '6039531234567890' });
    expect(sealed).not.toContain('6039531234567890');
    expect(before.open('chk_a', sealed)).toEqual({ serial: '6039531234567890' });
    // The check id is associated data: a sealed value moved to another check does not open.
    expect(() => before.open('chk_b', sealed)).toThrow();

    const rotated = cardVault({ capture: true, keys: { current: randomBytes(32), retired: [old] } });
    expect(rotated.open('chk_a', sealed)).toEqual({ serial: '6039531234567890' });
    expect(rotated.seal('chk_a', { serial: '1' }).split('.')[1]).not.toBe(sealed.split('.')[1]);
    // With the old key dropped altogether, the card reads as masked, never as an error.
    expect(cardVault({ capture: true, keys: { current: randomBytes(32), retired: [] } }).open('chk_a', sealed)).toBeUndefined();
  });

  it('will not start with capture on and no key, naming the variable', () => {
    expect(() => loadConfig({ VOUCHSAFE_CARD_CAPTURE: 'on' })).toThrow(/VOUCHSAFE_CARD_KEY/);
    expect(() => loadConfig({ VOUCHSAFE_CARD_CAPTURE: 'on', VOUCHSAFE_CARD_KEY: randomBytes(16).toString('base64') })).toThrow(/VOUCHSAFE_CARD_KEY: must be 32 bytes/);
    const key = randomBytes(32);
    const config = loadConfig({ VOUCHSAFE_CARD_CAPTURE: 'on', VOUCHSAFE_CARD_KEY: key.toString('base64'), VOUCHSAFE_CARD_RETENTION: '30d' });
    expect(config.cards).toEqual({ capture: true, keys: { current: key, retired: [] }, retentionMs: 30 * 24 * 60 * 60_000 });
    expect(loadConfig({}).cards).toEqual({ capture: false, keys: undefined, retentionMs: 90 * 24 * 60 * 60_000 });
  });
});
