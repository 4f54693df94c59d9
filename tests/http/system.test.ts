import { describe, expect, it } from 'vitest';
import { aCheck, STORE, testApp } from '../helpers/app.js';

describe('the OpenAPI document', () => {
  it('is generated from the contract and covers every route', async () => {
    const { call } = await testApp();
    const response = await call('GET', '/openapi.json');
    expect(response.status).toBe(200);
    const doc = response.json;
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations).toEqual(
      expect.arrayContaining([
        'POST /v1/checks',
        'POST /v1/checks/{checkId}/answers',
        'POST /v1/checks/{checkId}/outcome',
        'GET /v1/checks/{checkId}',
        'POST /v1/keys',
        'GET /v1/keys',
        'DELETE /v1/keys/{keyId}',
        'GET /v1/rules',
        'POST /v1/checks/{checkId}/review',
        'GET /v1/reviews',
        'POST /v1/webhooks',
        'GET /v1/webhooks',
        'DELETE /v1/webhooks/{webhookId}',
        'GET /v1/webhooks/{webhookId}/deliveries',
        'POST /v1/webhooks/{webhookId}/deliveries/{deliveryId}/retry',
      ]),
    );
    expect(Object.keys(doc.webhooks)).toEqual(['check.held', 'check.refused', 'review.closed', 'outcome.recorded', 'rule_set.published', 'key.revoked', 'case.opened', 'case.escalated', 'cards.freeze_requested']);
    expect(JSON.stringify(doc.webhooks['check.held'].post.requestBody)).toContain('#/components/schemas/CheckEventData');
    expect(doc.webhooks['review.closed'].post.parameters.map((p: { name: string }) => p.name)).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
    for (const name of ['Decision', 'Prompt', 'Problem', 'ErrorCode', 'AgeBand', 'OutcomeRequest', 'CheckRecord', 'KeyCreated', 'ReviewRequest', 'ReviewRecord', 'WebhookCreated', 'Delivery']) {
      expect(doc.components.schemas, name).toHaveProperty(name);
    }
    expect(doc.paths['/v1/checks'].post.requestBody).toEqual({ $ref: '#/components/requestBodies/CheckRequest' });
    const check = doc.components.requestBodies.CheckRequest.content['application/json'].schema;
    expect(check.properties.lines.maxItems).toBe(500);
    expect(check.example.storeId).toBe('herts-stevenage-012');
    expect(doc.paths['/v1/checks'].post.responses['400'].content).toHaveProperty(['application/problem+json']);
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('has a reference page that loads without a network', async () => {
    const { call } = await testApp();
    const page = await call('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('/openapi.json');
    expect(page.text).not.toMatch(/https?:\/\//);
    const script = await call('GET', '/docs/swagger-ui-bundle.js');
    expect(script.status).toBe(200);
    expect(script.text.length).toBeGreaterThan(100_000);
  });
});

describe('operations', () => {
  it('reports health with the active rule set', async () => {
    const { call, services } = await testApp();
    const response = await call('GET', '/healthz');
    expect(response.json).toEqual({ status: 'ok', database: { kind: 'sqlite', ok: true }, ruleSetVersion: services.rules.current.version });
  });

  it('exports decisions by action and a latency histogram for Prometheus, to the metrics key or an admin key only', async () => {
    const metricsKey = 'metrics-scraper-token-0123456789abcdef';
    const { call, makeKey, adminKey } = await testApp({ metricsKey });
    const till = await makeKey('till', [STORE]);
    await call('POST', '/v1/checks', { key: till, body: aCheck() });
    await call('POST', '/v1/checks', {
      key: till,
      body: aCheck({ lines: [{ kind: 'gift_card', unitAmount: 50000, quantity: 10 }] }),
    });
    expect((await call('GET', '/metrics')).status).toBe(401);
    expect((await call('GET', '/metrics', { key: till })).status).toBe(401);
    expect((await call('GET', '/metrics', { key: adminKey })).status).toBe(200);
    const metrics = await call('GET', '/metrics', { key: metricsKey });
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(metrics.text).toContain('vouchsafe_decisions_total{action="allow",trigger="check"} 1');
    expect(metrics.text).toContain('vouchsafe_decisions_total{action="hold",trigger="check"} 1');
    expect(metrics.text).toContain('vouchsafe_decision_seconds_count{trigger="check"} 2');
    expect(metrics.text).toContain('vouchsafe_http_requests_total{method="POST",route="/v1/checks",status="201"} 2');
  });

  it('serves the active rule set, with an ETag, to tills and analysts', async () => {
    const { call, makeKey } = await testApp();
    const till = await makeKey('till', [STORE]);
    const response = await call('GET', '/v1/rules', { key: till });
    expect(response.status).toBe(200);
    expect(response.json.rules.find((r: { id: string }) => r.id === 'bulk-top-ups').mode).toBe('shadow');
    expect(response.json.facts.map((f: { path: string }) => f.path)).toEqual(
      expect.arrayContaining(['giftCards.total', 'history.h24.stores', 'answers.someoneAskedYouToBuy', 'lists.scamFavouredBrands']),
    );
    expect(response.json.source.files.length).toBeGreaterThan(1);
    const unchanged = await call('GET', '/v1/rules', { key: till, headers: { 'if-none-match': response.headers.get('etag')! } });
    expect(unchanged.status).toBe(304);
  });
});
