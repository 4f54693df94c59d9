import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { DomainError } from '../errors.js';
import type { KeyResolver, Principal } from './api-keys.js';
import { assertStore, canActFor } from './store-scope.js';

const PREFIX = 'vst_';
/** Test tokens say so at a glance, like test keys. */
const TEST_PREFIX = 'vst_test_';
/** Far beyond any token this service makes: longer input is refused before any work. */
const LONGEST_TOKEN = 1024;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** What a token says, signed: the key that minted it, its store and till, when it expires (ms) and its mode. */
const Claims = z.strictObject({
  k: z.string().min(1).max(64),
  s: z.string().min(1).max(64),
  t: z.string().min(1).max(64),
  e: z.number().int().nonnegative(),
  m: z.enum(['live', 'test']),
});
type Claims = z.infer<typeof Claims>;

export type TokenVerdict =
  | { readonly principal: Principal; readonly refused?: undefined }
  | { readonly principal?: undefined; readonly refused: 'invalid' | 'expired' | 'revoked' };

export interface TillTokens {
  /** A token for one till of one store, from a till key of that store or an admin key; never from a token. */
  mint(issuer: Principal, request: { storeId: string; tillId: string; expiresInSeconds: number }): { token: string; expiresAt: number; livemode: boolean };
  /** The till principal a token stands for, or why it is refused. Never throws on any input. */
  verify(presented: string): Promise<TokenVerdict>;
}

/** Whether a bearer credential is a till token (else it is taken for an API key). */
export const isTillToken = (presented: string): boolean => presented.startsWith(PREFIX);

/**
 * Short-lived till tokens for browser tills, stateless: the claims and an HMAC-SHA256 of them under a
 * key derived from the identity secret, which every node of a deployment already shares (and a node
 * with another secret refuses to start). Minting writes nothing, so a browser till may renew as often
 * as it likes, and any node verifies a token any other node minted. A token lives only while the key
 * that minted it does: each use looks that key up (cached 30 s, dropped at once on revocation, and on
 * every node within a second).
 */
export function tillTokens({ secret, keys, clock }: { secret: string; keys: Pick<KeyResolver, 'resolveId'>; clock: () => number }): TillTokens {
  // Derived, not the identity secret itself: a token's signature must tell nothing about customer hashes.
  const key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'vouchsafe till tokens v1', 32));
  const sign = (payload: string) => createHmac('sha256', key).update(payload).digest();

  function claimsOf(presented: string): Claims | undefined {
    if (presented.length > LONGEST_TOKEN || !isTillToken(presented)) return undefined;
    const body = presented.slice(presented.startsWith(TEST_PREFIX) ? TEST_PREFIX.length : PREFIX.length);
    const [payload, signature, ...rest] = body.split('.');
    if (payload === undefined || signature === undefined || rest.length > 0 || !BASE64URL.test(payload) || !BASE64URL.test(signature)) return undefined;
    const given = Buffer.from(signature, 'base64url');
    const expected = sign(payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const claims = Claims.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
      return claims.success ? claims.data : undefined;
    } catch {
      return undefined;
    }
  }

  return {
    mint(issuer, { storeId, tillId, expiresInSeconds }) {
      if (issuer.token) throw new DomainError('forbidden', 'A till token cannot mint till tokens; ask the back office, which holds the key');
      if (issuer.role !== 'till' && issuer.role !== 'admin') throw new DomainError('forbidden', `Till tokens are minted with a till or admin key; this is a ${issuer.role} key`);
      assertStore(issuer, storeId);
      const claims: Claims = { k: issuer.keyId, s: storeId, t: tillId, e: clock() + expiresInSeconds * 1000, m: issuer.livemode ? 'live' : 'test' };
      const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
      const token = `${issuer.livemode ? PREFIX : TEST_PREFIX}${payload}.${sign(payload).toString('base64url')}`;
      return { token, expiresAt: claims.e, livemode: issuer.livemode };
    },
    async verify(presented) {
      const claims = claimsOf(presented);
      if (!claims) return { refused: 'invalid' };
      if (claims.e <= clock()) return { refused: 'expired' };
      const parent = await keys.resolveId(claims.k);
      if (!parent || !canActFor(parent, claims.s)) return { refused: 'revoked' };
      return {
        principal: {
          keyId: parent.keyId,
          name: parent.name,
          role: 'till',
          livemode: parent.livemode,
          storeIds: [claims.s],
          token: { tillId: claims.t, expiresAt: claims.e },
        },
      };
    },
  };
}
