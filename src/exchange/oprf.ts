import { ristretto255_oprf } from '@noble/curves/ed25519.js';

/**
 * RFC 9497 OPRF, ristretto255-SHA512, OPRF mode (no proof: members do not need to verify which key
 * the exchange used, and the verifiable mode's DLEQ proof would double the exchange's work per card).
 * The implementation is @noble/curves' (audited, RFC 9380 hash-to-curve); this file only fixes the
 * encodings and the input's domain.
 */
const oprf = ristretto255_oprf.oprf;

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'base64url'));

/**
 * The OPRF input for a payment token. The prefix keeps card linking apart from any other use of the
 * same key, and the version lets a later encoding start afresh.
 */
const cardInput = (paymentToken: string) => new TextEncoder().encode(`vouchsafe:card:v1:${paymentToken.trim()}`);

export interface Blinded {
  /** Sent to the exchange: a random-looking group element, unlinkable to the card. */
  blinded: string;
  /** Kept by the member for the moment of the request; never stored. */
  finish(evaluated: string): string;
}

/** Member side: blinds a payment token; `finish` unblinds the exchange's answer into the card's linking id. */
export function blindCard(paymentToken: string): Blinded {
  const input = cardInput(paymentToken);
  const { blind, blinded } = oprf.blind(input);
  return {
    blinded: b64(blinded),
    finish: (evaluated) => b64(oprf.finalize(input, blind, bytes(evaluated))),
  };
}

/** The exchange's OPRF key: 32 random bytes as a ristretto255 scalar. */
export interface OprfKey {
  readonly secretKey: Uint8Array;
}

/** A new random key (`vouchsafe exchange keys`). */
export function generateOprfKey(): string {
  return b64(oprf.generateKeyPair().secretKey);
}

/** Reads a key written by `generateOprfKey`; throws on anything that is not a valid scalar. */
export function parseOprfKey(text: string): OprfKey {
  const secretKey = bytes(text.trim());
  if (secretKey.length !== 32) throw new Error('the OPRF key must be 32 bytes, base64url');
  // An invalid scalar (zero, or not reduced) is refused here rather than at the first evaluation.
  oprf.blindEvaluate(secretKey, oprf.blind(new Uint8Array([0])).blinded);
  return { secretKey };
}

/** Exchange side: evaluates blinded elements. Throws on an element that is not a valid ristretto255 point. */
export function evaluateBlinded(key: OprfKey, blinded: readonly string[]): string[] {
  return blinded.map((element) => b64(oprf.blindEvaluate(key.secretKey, bytes(element))));
}
