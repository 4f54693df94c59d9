import { expect, it } from 'vitest';
import { describeStores } from './adapters.js';

const response = (body: string, createdAt: number) => ({
  requestFingerprint: 'fp-1',
  status: 201,
  headers: { 'content-type': 'application/json', location: '/v1/checks/chk_1' },
  body,
  createdAt,
});

describeStores('idempotency keys', (adapter) => {
  it('replays the first response remembered under a key, byte for byte', async () => {
    const { store } = await adapter.fresh();
    // Spacing and key order a JSON column would not keep: the body is replayed as it was sent.
    const body = '{ "z": 1,  "a": [2, 1] }';
    await store.transaction((tx) => tx.idempotencyKeys.remember('key_1', 'idem-1', response(body, 1_000)));
    await store.transaction((tx) => tx.idempotencyKeys.remember('key_1', 'idem-1', response('{"second":true}', 2_000)));
    expect(await store.idempotencyKeys.find('key_1', 'idem-1')).toEqual(response(body, 1_000));
    expect(await store.idempotencyKeys.find('key_2', 'idem-1')).toBeUndefined();
  });

  it('forgets responses older than the cutoff and says how many', async () => {
    const { store } = await adapter.fresh();
    await store.transaction(async (tx) => {
      await tx.idempotencyKeys.remember('key_1', 'old', response('{}', 1_000));
      await tx.idempotencyKeys.remember('key_1', 'new', response('{}', 3_000));
    });
    expect(await store.idempotencyKeys.forgetBefore(2_000)).toBe(1);
    expect(await store.idempotencyKeys.find('key_1', 'old')).toBeUndefined();
    expect(await store.idempotencyKeys.find('key_1', 'new')).toBeDefined();
  });
});
