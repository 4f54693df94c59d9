import { describe, expect, it } from 'vitest';
import { OfflinePolicy, OfflinePolicyVectors } from '../../src/contract/offline-policy.js';
import { evaluateOfflinePolicy } from '../../src/engine/index.js';
import { aCheck, STORE, testApp } from '../helpers/app.js';
import { editedRules, RAZER_RULE } from '../helpers/rules.js';

describe('GET /v1/rules/offline-policy', () => {
  it('gives a till the active rule set as a decision table, with an ETag', async () => {
    const { call, makeKey } = await testApp();
    const till = await makeKey('till', [STORE]);
    const response = await call('GET', '/v1/rules/offline-policy', { key: till });
    expect(response.status).toBe(200);
    const policy = OfflinePolicy.parse(response.json);
    const rules = (await call('GET', '/v1/rules', { key: till })).json;
    expect(policy).toMatchObject({ format: 'vouchsafe.offline-policy/1', ruleSetVersion: rules.version, contentHash: rules.contentHash });
    expect(policy.prompts['paying-someone']!.questions).toEqual(['codesRequested', 'purpose', 'someoneAskedYouToBuy']);

    const etag = response.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const unchanged = await call('GET', '/v1/rules/offline-policy', { key: till, headers: { 'if-none-match': etag } });
    expect(unchanged.status).toBe(304);
    expect(unchanged.text).toBe('');
    expect((await call('GET', '/v1/rules/offline-policy')).status).toBe(401);
  });

  it('words its scripts in the language the till asks for, the table the same', async () => {
    const { call, makeKey } = await testApp();
    const till = await makeKey('till', [STORE]);
    const english = await call('GET', '/v1/rules/offline-policy', { key: till });
    const welsh = await call('GET', '/v1/rules/offline-policy', { key: till, headers: { 'accept-language': 'cy' } });
    expect(english.headers.get('content-language')).toBe('en-GB');
    expect(welsh.headers.get('content-language')).toBe('cy-GB');
    expect(welsh.headers.get('vary')).toContain('Accept-Language');
    const policy = OfflinePolicy.parse(welsh.json);
    expect(policy.locale).toBe('cy-GB');
    expect(policy.prompts['paying-someone']!.headline).toBe('Gwiriad cyflym ar gardiau rhodd');
    expect(policy.next.finish_sale).toBe('Gallwch orffen y gwerthiant.');
    expect(policy.rules).toEqual(english.json.rules);
    expect(welsh.headers.get('etag')).not.toBe(english.headers.get('etag'));
    const unchanged = await call('GET', '/v1/rules/offline-policy', { key: till, headers: { 'accept-language': 'cy', 'if-none-match': welsh.headers.get('etag')! } });
    expect(unchanged.status).toBe(304);
  });

  it('follows a publish: the new rule is in the table and the ETag changes', async () => {
    const { call, makeKey, adminKey } = await testApp();
    const till = await makeKey('till', [STORE]);
    const before = await call('GET', '/v1/rules/offline-policy', { key: till });
    const published = await call('PUT', '/v1/rules', { key: adminKey, body: editedRules({ file: 'razer.yaml', append: RAZER_RULE }) });
    expect(published.status).toBe(200);

    const after = await call('GET', '/v1/rules/offline-policy', { key: till, headers: { 'if-none-match': before.headers.get('etag')! } });
    expect(after.status).toBe(200);
    expect(after.json.ruleSetVersion).toBe(published.json.version);
    expect(after.json.rules.find((rule: { id: string }) => rule.id === 'razer-gold-over-50')).toMatchObject({
      score: 50,
      exact: true,
      when: [[{ fact: 'giftCards.brands', op: 'any_in', value: ['razer_gold'] }, { fact: 'giftCards.total', op: '>=', value: 5000 }]],
    });
    // What the table says for a Razer Gold card is what the service said at the till.
    const decision = (await call('POST', '/v1/checks', { key: till, body: aCheck({ lines: [{ kind: 'gift_card', brand: 'Razer Gold', unitAmount: 5000 }] }) })).json;
    const vectors = OfflinePolicyVectors.parse((await call('GET', '/v1/rules/offline-policy/vectors', { key: till })).json);
    const razer = vectors.vectors.find((vector) => vector.name === 'Razer Gold over £50 is held')!;
    expect(razer.expect).toMatchObject({ action: decision.action, score: decision.score, prompt: { id: decision.prompt.id } });
    expect(evaluateOfflinePolicy(OfflinePolicy.parse(after.json), razer.facts, razer.answers).action).toBe('hold');
  });

  it('serves conformance vectors to tills and analysts, with an ETag', async () => {
    const { call, makeKey } = await testApp();
    const analyst = await makeKey('analyst');
    const response = await call('GET', '/v1/rules/offline-policy/vectors', { key: analyst });
    expect(response.status).toBe(200);
    const { vectors } = OfflinePolicyVectors.parse(response.json);
    expect(vectors.find((vector) => vector.name.startsWith('Markyate — 87-year-old'))).toMatchObject({
      expect: { action: 'hold', rules: ['gift-cards-over-500', 'older-customer-80-plus', 'large-cash-purchase', 'scam-favoured-brand'] },
      service: 'hold',
    });
    const again = await call('GET', '/v1/rules/offline-policy/vectors', { key: analyst, headers: { 'if-none-match': response.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });
});
