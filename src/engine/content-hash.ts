import type { RuleSetSource } from '../contract/rule-file.js';

/**
 * A short fingerprint of a rule set's files (two 32-bit multiply-xorshift lanes, as in cyrb53), to
 * tell one content from another. Not a security hash: nothing trusts it. It runs offline in the till
 * SDK too, where node:crypto is absent and WebCrypto is asynchronous.
 */
export function contentHash(source: RuleSetSource): string {
  const text = [...source.files, ...source.prompts]
    .map((file) => `${file.path}\u0000${file.content}`)
    .sort()
    .join('\u0001');
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}
