import { describe, expect, it, onTestFinished } from 'vitest';
import { createTillClient, type Fetch, TokenSourceError, ValidationError, type TokenGrant } from '../../sdk/src/index.js';
import { STORE } from './helpers/service.js';
import { markyate as basket, onClock, TILL_DEFAULTS, tillWorld } from './helpers/till.js';

const SECOND = 1_000;

/**
 * A browser till on the world's clock and network, with the test as its store's back office: each
 * token is minted by the real service with the back office's till key. The service's clock runs
 * `shift` ms ahead of the wall clock, so a test can let a token expire at the service.
 */
async function browserTill({ lifeSeconds = 60 } = {}) {
  const service = { shift: 0 };
  const world = await tillWorld({ serviceClock: () => Date.now() + service.shift });
  const { clock, network, apiKey } = world;
  const minted: string[] = [];
  let backOffice: 'up' | 'down' = 'up';
  const getToken = async (): Promise<TokenGrant> => {
    if (backOffice === 'down') throw new TypeError('fetch failed: connect ECONNREFUSED');
    const response = await clock.real(
      fetch(`${world.service.baseUrl}/v1/till-tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ storeId: STORE, tillId: 'T04', expiresInSeconds: lifeSeconds }),
      }),
    );
    const grant = (await clock.real(response.json())) as TokenGrant;
    minted.push(grant.token);
    return grant;
  };
  const sent: string[] = [];
  const recording: Fetch = (input, init) => {
    sent.push((init.headers as Record<string, string>).authorization!.replace(/^Bearer /, ''));
    return network.fetch(input, init);
  };
  const till = onClock(createTillClient({ baseUrl: world.service.baseUrl, getToken, ...TILL_DEFAULTS, tillId: 'T04', fetch: recording, clock }), clock);
  onTestFinished(() => till.close());
  return { ...world, till, minted, sent, service, setBackOffice: (state: 'up' | 'down') => (backOffice = state) };
}

describe('a browser till with till tokens', () => {
  it('checks with a token from its back office, and never sends a key', async () => {
    const { till, minted, sent, apiKey } = await browserTill();
    const decided = await till.check(basket());
    expect(decided).toMatchObject({ source: 'service', action: 'hold' });
    expect(await till.outcome(decided.checkId, { outcome: 'scam_confirmed' })).toMatchObject({ status: 'recorded' });
    expect(minted).toHaveLength(1);
    expect(sent.every((bearer) => bearer === minted[0])).toBe(true);
    expect(sent).not.toContain(apiKey);
  });

  it('renews a token once 80% of its life has passed, before it expires, and sends the new one', async () => {
    const { till, minted, sent, clock } = await browserTill({ lifeSeconds: 60 });
    expect((await till.check(basket())).source).toBe('service');
    await clock.advance(47 * SECOND);
    expect(minted).toHaveLength(1);
    await clock.advance(2 * SECOND);
    expect(minted).toHaveLength(2);
    expect((await till.check(basket())).source).toBe('service');
    expect(sent.at(-1)).toBe(minted[1]);
  });

  it('on 401 token_expired gets a new token and sends the call again, within the budget', async () => {
    const { till, minted, sent, service } = await browserTill({ lifeSeconds: 60 });
    expect((await till.check(basket())).source).toBe('service');
    // The service's clock is past the token's expiry; the till's says it has most of its life left.
    service.shift = 61 * SECOND;
    const decided = await till.check(basket());
    expect(decided).toMatchObject({ source: 'service', action: 'hold' });
    expect(minted).toHaveLength(2);
    expect(sent.slice(-2)).toEqual([minted[0], minted[1]]);
  });

  it('decides offline when the back office cannot be reached, and delivers once it can', async () => {
    const { till, setBackOffice, clock } = await browserTill({ lifeSeconds: 60 });
    setBackOffice('down');
    await clock.advance(61 * SECOND); // The first token has expired on the till too.
    const decided = await till.check(basket());
    expect(decided).toMatchObject({ source: 'offline', action: 'hold' });
    expect(decided.source === 'offline' && decided.cause).toBeInstanceOf(TokenSourceError);
    expect(till.pending()).toBe(1);
    setBackOffice('up');
    expect(await till.flush()).toMatchObject({ delivered: 1, pending: 0 });
  });

  it('takes a key or a token source, not both and not neither', async () => {
    const { service } = await tillWorld();
    const base = { baseUrl: service.baseUrl, storeId: STORE, tillId: 'T04', refreshRulesMs: 0 };
    const getToken = async () => ({ token: 'vst_x', expiresAt: new Date().toISOString() });
    expect(() => createTillClient({ ...base, apiKey: 'vsk_x', getToken })).toThrow(ValidationError);
    expect(() => createTillClient(base)).toThrow(ValidationError);
  });
});
