import { ristretto255_oprf } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { blindCard, evaluateBlinded, generateOprfKey, parseOprfKey } from '../../src/exchange/oprf.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const fromHex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));

/** RFC 9497 Appendix A.1.1: ristretto255-SHA512, OPRF mode (mode 0). */
const SEED = 'a3'.repeat(32);
const KEY_INFO = '74657374206b6579';
const SK_SM = '5ebcea5ee37023ccb9fc2d2019f9d7737be85591ae8652ffa9ef0f4d37063b0e';
const BLIND = '64d37aed22a27f5191de1c1d69fadb899d8862b58eb4220029e036ec4c1f6706';
const VECTORS = [
  {
    input: '00',
    blindedElement: '609a0ae68c15a3cf6903766461307e5c8bb2f95e7e6550e1ffa2dc99e412803c',
    evaluationElement: '7ec6578ae5120958eb2db1745758ff379e77cb64fe77b0b2d8cc917ea0869c7e',
    output: '527759c3d9366f277d8c6020418d96bb393ba2afb20ff90df23fb7708264e2f3ab9135e3bd69955851de4b1f9fe8a0973396719b7912ba9ee8aa7d0b5e24bcf6',
  },
  {
    input: '5a'.repeat(17),
    blindedElement: 'da27ef466870f5f15296299850aa088629945a17d1f5b7f5ff043f76b3c06418',
    evaluationElement: 'b4cbf5a4f1eeda5a63ce7b77c7d23f461db3fcab0dd28e4e17cecb5c90d02c25',
    output: 'f4a74c9c592497375e796aa837e907b1a045d34306a749db9f34221f7e750cb4f2a6413a6bf6fa5e19ba6348eb673934a722a7ede2e7621306d18951e7cf2c73',
  },
];

/** The random bytes the library reduces to the RFC's blind: it maps 48 bytes b to (b mod (n - 1)) + 1, little-endian. */
function rngGiving(blindHex: string) {
  const blind = BigInt(`0x${Buffer.from(fromHex(blindHex)).reverse().toString('hex')}`);
  const bytes = Buffer.alloc(48);
  let value = blind - 1n;
  for (let i = 0; i < 48; i++) {
    bytes[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return () => new Uint8Array(bytes);
}

describe('the OPRF (RFC 9497, ristretto255-SHA512, OPRF mode)', () => {
  const oprf = ristretto255_oprf.oprf;

  it('derives the RFC’s key', () => {
    expect(hex(oprf.deriveKeyPair(fromHex(SEED), fromHex(KEY_INFO)).secretKey)).toBe(SK_SM);
  });

  it.each(VECTORS)('reproduces the RFC’s blinded element, evaluation and output for input $input', (vector) => {
    const { blind, blinded } = oprf.blind(fromHex(vector.input), rngGiving(BLIND));
    expect(hex(blind)).toBe(BLIND);
    expect(hex(blinded)).toBe(vector.blindedElement);
    // The exchange's side, through this project's encoding.
    const [evaluated] = evaluateBlinded(parseOprfKey(Buffer.from(fromHex(SK_SM)).toString('base64url')), [Buffer.from(blinded).toString('base64url')]);
    expect(hex(new Uint8Array(Buffer.from(evaluated!, 'base64url')))).toBe(vector.evaluationElement);
    expect(hex(oprf.finalize(fromHex(vector.input), blind, fromHex(vector.evaluationElement)))).toBe(vector.output);
  });

  it('gives a card the same linking id every time, a different one per card and per key, and blinds it afresh each time', () => {
    const key = parseOprfKey(generateOprfKey());
    const other = parseOprfKey(generateOprfKey());
    const link = (token: string, k = key) => {
      const card = blindCard(token);
      return { blinded: card.blinded, id: card.finish(evaluateBlinded(k, [card.blinded])[0]!) };
    };
    const first = link('tok_4929_card');
    const again = link('tok_4929_card');
    expect(again.id).toBe(first.id);
    expect(again.blinded).not.toBe(first.blinded);
    expect(link('tok_5100_card').id).not.toBe(first.id);
    expect(link('tok_4929_card', other).id).not.toBe(first.id);
    expect(first.id).toMatch(/^[A-Za-z0-9_-]{86}$/);
  });

  it('refuses a key that is not 32 bytes, and an element that is not a point', () => {
    expect(() => parseOprfKey('c2hvcnQ')).toThrow(/32 bytes/);
    expect(() => evaluateBlinded(parseOprfKey(generateOprfKey()), ['A'.repeat(43)])).toThrow();
  });
});
