import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, randomBytes, sign, verify } from 'node:crypto';

/**
 * Requests between a member and the exchange are signed with Ed25519, one key pair per member. Why
 * not a shared HMAC secret: the exchange then holds only public keys, so a leak of its configuration
 * or database lets no one speak for a member, and no member (or the operator) can forge another.
 *
 * The signature covers the method, the path with its query, the time, a nonce and the body's
 * SHA-256: a message cannot be replayed to another route, changed, or sent again (the exchange
 * remembers nonces for the whole window the time allows).
 */
export const HEADERS = {
  member: 'vouchsafe-member',
  timestamp: 'vouchsafe-timestamp',
  nonce: 'vouchsafe-nonce',
  signature: 'vouchsafe-signature',
} as const;

/** How far a request's time may be from the exchange's clock, either way. Nonces are kept this long (and as long again). */
export const SIGNATURE_WINDOW_MS = 5 * 60_000;

export const MEMBER_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

function signedText(method: string, pathAndQuery: string, timestamp: string, nonce: string, body: string): Buffer {
  const digest = createHash('sha256').update(body).digest('base64url');
  return Buffer.from(`vouchsafe-exchange-v1\n${method.toUpperCase()}\n${pathAndQuery}\n${timestamp}\n${nonce}\n${digest}`);
}

/** The headers a member sends with a request. */
export function signRequest(
  key: KeyObject,
  memberId: string,
  request: { method: string; pathAndQuery: string; body: string },
  now: number,
): Record<string, string> {
  const timestamp = String(Math.floor(now / 1000));
  const nonce = randomBytes(16).toString('base64url');
  const signature = sign(null, signedText(request.method, request.pathAndQuery, timestamp, nonce, request.body), key).toString('base64url');
  return { [HEADERS.member]: memberId, [HEADERS.timestamp]: timestamp, [HEADERS.nonce]: nonce, [HEADERS.signature]: signature };
}

export type SignatureFault = 'unsigned' | 'unknown_member' | 'bad_signature' | 'stale_timestamp' | 'replayed';

export type Verified = { ok: true; memberId: string; nonce: string; at: number } | { ok: false; fault: SignatureFault };

/** Checks a request's signature and time (not its nonce, which the caller records atomically). */
export function verifyRequest(
  members: ReadonlyMap<string, KeyObject>,
  request: { method: string; pathAndQuery: string; body: string; header(name: string): string | undefined },
  now: number,
): Verified {
  const memberId = request.header(HEADERS.member);
  const timestamp = request.header(HEADERS.timestamp);
  const nonce = request.header(HEADERS.nonce);
  const signature = request.header(HEADERS.signature);
  if (!memberId || !timestamp || !nonce || !signature) return { ok: false, fault: 'unsigned' };
  const key = members.get(memberId);
  if (!key) return { ok: false, fault: 'unknown_member' };
  if (!/^[0-9]{1,12}$/.test(timestamp) || !/^[A-Za-z0-9_-]{16,64}$/.test(nonce)) return { ok: false, fault: 'bad_signature' };
  const valid = verify(null, signedText(request.method, request.pathAndQuery, timestamp, nonce, request.body), key, Buffer.from(signature, 'base64url'));
  if (!valid) return { ok: false, fault: 'bad_signature' };
  const at = Number(timestamp) * 1000;
  if (Math.abs(now - at) > SIGNATURE_WINDOW_MS) return { ok: false, fault: 'stale_timestamp' };
  return { ok: true, memberId, nonce, at };
}

/** A new member key pair, PEM: the private key for the member, the public key for the exchange's member list. */
export function generateMemberKeys(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** An Ed25519 private key from PEM; throws with a plain reason otherwise. */
export function parsePrivateKey(pem: string): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`an Ed25519 key is needed, this is ${key.asymmetricKeyType ?? 'not an asymmetric key'}`);
  return key;
}

/** An Ed25519 public key from PEM. */
export function parsePublicKey(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`an Ed25519 key is needed, this is ${key.asymmetricKeyType ?? 'not an asymmetric key'}`);
  return key;
}
