import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { KeyMode, Role } from '../../src/contract/enums.js';
import { aCheck, STORE, testApp } from '../helpers/app.js';

/**
 * Test and live are two worlds. This walks every /v1 route (from the OpenAPI document, so a new route
 * without a row here fails) with a key of every role of one world against the other world's data, and
 * asserts that the key can neither see, nor change, nor block it: a live-only route refuses a test key
 * (403 live_key_required), an id of the other world is 404 (so existence does not leak), a list leaves
 * the other world out, and a new check, key or webhook lands in the key's own world.
 */

const ROLES: readonly Role[] = ['till', 'supervisor', 'analyst', 'admin', 'processor'];
/** Every role but the processor integration's, which only reads checks and answers freeze requests. */
const STORE_ROLES: readonly Role[] = ['till', 'supervisor', 'analyst', 'admin'];
const appleCards = [{ kind: 'gift_card' as const, brand: 'apple', unitAmount: 10000, quantity: 3 }];
/** Held on score alone (see tests/http/holds.test.ts). */
const heldBasket = { lines: appleCards, customer: { ageBand: '80_plus' as const } };
/** A prompt that reassuring answers clear. */
const promptedBasket = { lines: appleCards, customer: { ageBand: '70_79' as const } };
const reassuring = { someoneAskedYouToBuy: 'no', purpose: 'gift', codesRequested: 'no' };

type World = Awaited<ReturnType<typeof makeWorld>>;

async function setUp() {
  let now = Date.parse('2026-11-20T10:00:00.000Z');
  // Webhook hosts resolve to a public address; nothing is sent (no delivery runs here).
  const app = await testApp({ clock: () => now, webhookResolve: async () => ['93.184.215.14'] });
  const makeKey = async (role: Role, mode: KeyMode) => {
    const response = await app.call('POST', '/v1/keys', {
      key: app.adminKey,
      body: { role, mode, name: `${mode} ${role}`, ...(role === 'till' || role === 'supervisor' ? { storeIds: [STORE] } : {}) },
    });
    expect(response.status).toBe(201);
    return response.json as { id: string; key: string };
  };
  const live = await makeWorld(app, makeKey, 'live');
  const test = await makeWorld(app, makeKey, 'test');
  // Both worlds' holds happen after both worlds' webhooks exist, so each webhook could have heard both.
  for (const world of [live, test]) await world.makeChecks();
  return { ...app, live, test, advance: (ms: number) => (now += ms) };
}

/** One world's keys of every role, a held and a prompted check, a webhook, a delivery and a spare key. */
async function makeWorld(app: Awaited<ReturnType<typeof testApp>>, makeKey: (role: Role, mode: KeyMode) => Promise<{ id: string; key: string }>, mode: KeyMode) {
  const keys = Object.fromEntries(await Promise.all(ROLES.map(async (role) => [role, (await makeKey(role, mode)).key] as const))) as Record<Role, string>;
  const spareKey = await makeKey('analyst', mode);
  const webhook = await app.call('POST', '/v1/webhooks', { key: keys.admin, body: { url: `https://lp.example.test/${mode}`, events: ['check.held'] } });
  expect(webhook.status).toBe(201);
  const world = {
    mode,
    keys,
    spareKeyId: spareKey.id,
    webhookId: webhook.json.id as string,
    transactionId: `T04-${mode}-0001`,
    heldCheckId: '',
    promptedCheckId: '',
    deliveryId: '',
    caseId: '',
    async makeChecks() {
      const held = await app.call('POST', '/v1/checks', { key: keys.till, body: aCheck({ ...heldBasket, transactionId: world.transactionId }) });
      expect(held.json.action).toBe('hold');
      world.heldCheckId = held.json.checkId;
      const escalated = await app.call('POST', `/v1/checks/${world.heldCheckId}/escalations`, { key: keys.till, body: { step: 'called_police', by: 'C1' } });
      expect(escalated.status).toBe(201);
      world.caseId = escalated.json.caseId;
      const prompted = await app.call('POST', '/v1/checks', { key: keys.till, body: aCheck(promptedBasket) });
      expect(prompted.json.action).toBe('prompt');
      world.promptedCheckId = prompted.json.checkId;
      const deliveries = await app.call('GET', `/v1/webhooks/${world.webhookId}/deliveries`, { key: keys.admin });
      world.deliveryId = deliveries.json.deliveries[0].id;
    },
  };
  return world;
}

type Expectation =
  /** 403 live_key_required for a test key; a live key is let through. */
  | { kind: 'live-only' }
  /** The one rule set, read alike by both worlds. */
  | { kind: 'shared' }
  /** An id of the other world: 404. */
  | { kind: 'missing' }
  /** A list: 200, without the other world's ids. */
  | { kind: 'unlisted'; ids: (other: World) => string[] }
  /** A write that lands in the key's own world; `check` asserts it did. */
  | { kind: 'own'; status: number; check?: (response: Answer, own: World, other: World) => void };

interface Answer {
  status: number;
  json: any;
  text: string;
}

interface Row {
  roles: readonly Role[];
  request: (other: World, own: World) => { path: string; body?: unknown };
  /** What a key of the test world meets, and what a key of the live world meets (when it differs). */
  test: Expectation;
  live?: Expectation;
}

const liveOnly = (roles: readonly Role[], request: Row['request']): Row => ({ roles, request, test: { kind: 'live-only' } });
const missing = (roles: readonly Role[], request: Row['request']): Row => ({ roles, request, test: { kind: 'missing' } });
const shared = (roles: readonly Role[], path: string): Row => ({ roles, request: () => ({ path }), test: { kind: 'shared' } });

/** Every /v1 operation, and what each world's keys meet on it. */
const TABLE: Record<string, Row> = {
  'POST /v1/checks': {
    roles: ['till'],
    // The other world's transaction id: a check of the key's own world, the other's untouched.
    request: (other) => ({ path: '/v1/checks', body: aCheck({ transactionId: other.transactionId }) }),
    test: {
      kind: 'own',
      status: 201,
      check: (response, _own, other) => expect(response.json.checkId).not.toBe(other.heldCheckId),
    },
  },
  'GET /v1/checks/{checkId}': missing(ROLES, (other) => ({ path: `/v1/checks/${other.heldCheckId}` })),
  'POST /v1/checks/{checkId}/answers': missing(['till'], (other) => ({ path: `/v1/checks/${other.promptedCheckId}/answers`, body: { answers: reassuring } })),
  'POST /v1/checks/{checkId}/outcome': missing(['till'], (other) => ({ path: `/v1/checks/${other.promptedCheckId}/outcome`, body: { outcome: 'proceeded' } })),
  'POST /v1/checks/{checkId}/review': missing(['till', 'supervisor'], (other) => ({
    path: `/v1/checks/${other.heldCheckId}/review`,
    body: { decision: 'release', supervisorRef: 'SUP-1' },
  })),
  'GET /v1/reviews': { roles: ['supervisor', 'analyst', 'admin'], request: () => ({ path: '/v1/reviews' }), test: { kind: 'unlisted', ids: (other) => [other.heldCheckId] } },
  'POST /v1/checks/{checkId}/reports': missing(STORE_ROLES, (other) => ({
    path: `/v1/checks/${other.promptedCheckId}/reports`,
    body: { reporter: { role: 'store' }, whatHappened: 'Reported by the other world.' },
  })),
  'POST /v1/checks/{checkId}/escalations': missing(STORE_ROLES, (other) => ({ path: `/v1/checks/${other.promptedCheckId}/escalations`, body: { step: 'called_family', by: 'C2' } })),
  'GET /v1/cases': { roles: ['supervisor', 'analyst', 'admin'], request: () => ({ path: '/v1/cases' }), test: { kind: 'unlisted', ids: (other) => [other.caseId] } },
  'GET /v1/cases/{caseId}': missing(['supervisor', 'analyst', 'admin'], (other) => ({ path: `/v1/cases/${other.caseId}` })),
  'PATCH /v1/cases/{caseId}': missing(['analyst', 'admin'], (other) => ({ path: `/v1/cases/${other.caseId}`, body: { owner: 'other world' } })),
  'POST /v1/cases/{caseId}/notes': missing(['analyst', 'admin'], (other) => ({ path: `/v1/cases/${other.caseId}/notes`, body: { text: 'From the other world.' } })),
  'POST /v1/cases/{caseId}/freeze-results': missing(['processor', 'admin'], (other) => ({
    path: `/v1/cases/${other.caseId}/freeze-results`,
    body: { results: [{ cardId: 'card_01m888psdy7yqz3cp2mv2b0bjm', result: 'frozen' }] },
  })),
  'GET /v1/stores': liveOnly(['analyst', 'admin'], () => ({ path: '/v1/stores' })),
  'GET /v1/stores/{storeId}': liveOnly(['analyst', 'admin'], () => ({ path: `/v1/stores/${STORE}` })),
  'PUT /v1/stores/{storeId}': liveOnly(['admin'], () => ({ path: `/v1/stores/${STORE}`, body: {} })),
  'DELETE /v1/stores/{storeId}': liveOnly(['admin'], () => ({ path: '/v1/stores/S-NOWHERE' })),
  'GET /v1/area-alerts': liveOnly(['analyst', 'admin'], () => ({ path: '/v1/area-alerts' })),
  'GET /v1/cases/{caseId}/evidence': missing(['supervisor', 'analyst', 'admin'], (other) => ({ path: `/v1/cases/${other.caseId}/evidence` })),
  'GET /v1/keys': {
    roles: ['admin'],
    request: () => ({ path: '/v1/keys' }),
    test: { kind: 'unlisted', ids: (other) => [other.spareKeyId] },
    // A live admin sees every key: it hands out the test keys, and must be able to revoke a leaked one.
    live: { kind: 'own', status: 200, check: (response, _own, other) => expect(response.text).toContain(other.spareKeyId) },
  },
  'POST /v1/keys': {
    roles: ['admin'],
    request: (other) => ({ path: '/v1/keys', body: { role: 'till', mode: other.mode, name: 'other world till', storeIds: [STORE] } }),
    test: { kind: 'own', status: 403, check: (response) => expect(response.json.code).toBe('live_key_required') },
    live: { kind: 'own', status: 201, check: (response) => expect(response.json.mode).toBe('test') },
  },
  'DELETE /v1/keys/{keyId}': {
    roles: ['admin'],
    request: (other) => ({ path: `/v1/keys/${other.spareKeyId}` }),
    test: { kind: 'missing' },
    live: { kind: 'own', status: 200, check: (response) => expect(response.json.revokedAt).not.toBeNull() },
  },
  'GET /v1/webhooks': { roles: ['admin'], request: () => ({ path: '/v1/webhooks' }), test: { kind: 'unlisted', ids: (other) => [other.webhookId] } },
  'POST /v1/till-tokens': {
    roles: ['till', 'admin'],
    request: () => ({ path: '/v1/till-tokens', body: { storeId: STORE, tillId: 'T04' } }),
    // A token carries its minting key's world: a test key's token makes test checks only.
    test: { kind: 'own', status: 201, check: (response, own) => expect(response.json.mode).toBe(own.mode) },
  },
  'POST /v1/webhooks': {
    roles: ['admin'],
    request: (_other, own) => ({ path: '/v1/webhooks', body: { url: `https://lp.example.test/${own.mode}/more`, events: ['check.held'] } }),
    test: { kind: 'own', status: 201, check: (response, own) => expect(response.json.livemode).toBe(own.mode === 'live') },
  },
  'DELETE /v1/webhooks/{webhookId}': missing(['admin'], (other) => ({ path: `/v1/webhooks/${other.webhookId}` })),
  'GET /v1/webhooks/{webhookId}/deliveries': missing(['admin'], (other) => ({ path: `/v1/webhooks/${other.webhookId}/deliveries` })),
  'POST /v1/webhooks/{webhookId}/deliveries/{deliveryId}/retry': missing(['admin'], (other) => ({
    path: `/v1/webhooks/${other.webhookId}/deliveries/${other.deliveryId}/retry`,
  })),
  'GET /v1/rules': shared(['till', 'analyst', 'admin'], '/v1/rules'),
  'GET /v1/rules/offline-policy': shared(['till', 'analyst', 'admin'], '/v1/rules/offline-policy'),
  'GET /v1/rules/offline-policy/vectors': shared(['till', 'analyst', 'admin'], '/v1/rules/offline-policy/vectors'),
  'PUT /v1/rules': liveOnly(['admin'], () => ({ path: '/v1/rules', body: {} })),
  'GET /v1/rules/versions': liveOnly(['analyst', 'admin'], () => ({ path: '/v1/rules/versions' })),
  'GET /v1/rules/versions/{version}': liveOnly(['analyst', 'admin'], () => ({ path: '/v1/rules/versions/2026-11-01' })),
  'POST /v1/rules/versions/{version}/approve': liveOnly(['admin'], () => ({ path: '/v1/rules/versions/2026-11-01/approve', body: {} })),
  'POST /v1/rules/versions/{version}/reject': liveOnly(['admin'], () => ({ path: '/v1/rules/versions/2026-11-01/reject', body: {} })),
  'POST /v1/rules/rollback': liveOnly(['admin'], () => ({ path: '/v1/rules/rollback', body: {} })),
  'GET /v1/rules/shadow': liveOnly(['analyst', 'admin'], () => ({ path: '/v1/rules/shadow' })),
  'POST /v1/rules/backtest': liveOnly(['analyst', 'admin'], () => ({ path: '/v1/rules/backtest', body: { rules: {} } })),
  'GET /v1/reports/summary': liveOnly(['analyst', 'admin'], () => ({ path: '/v1/reports/summary' })),
  'GET /v1/reports/holds': liveOnly(['analyst', 'admin'], () => ({ path: '/v1/reports/holds' })),
  'GET /v1/reports/checks.csv': liveOnly(['analyst', 'admin'], () => ({ path: '/v1/reports/checks.csv' })),
  'GET /v1/audit': liveOnly(['admin'], () => ({ path: '/v1/audit' })),
};

function meet(expectation: Expectation, response: Answer, own: World, other: World, route: string): void {
  const where = `${route} with a ${own.mode} key`;
  switch (expectation.kind) {
    case 'live-only':
      if (own.mode === 'test') {
        expect(response.status, where).toBe(403);
        expect(response.json.code, where).toBe('live_key_required');
      } else {
        expect(response.status, where).not.toBe(403);
      }
      return;
    case 'shared':
      expect(response.status, where).toBe(200);
      return;
    case 'missing':
      expect(response.status, where).toBe(404);
      expect(response.json.code, where).toBe('not_found');
      return;
    case 'unlisted':
      expect(response.status, where).toBe(200);
      for (const id of expectation.ids(other)) expect(response.text, where).not.toContain(id);
      return;
    case 'own':
      expect(response.status, where).toBe(expectation.status);
      expectation.check?.(response, own, other);
  }
}

describe('test and live are two worlds', () => {
  it('has a row in the table for every /v1 route', async () => {
    const { app } = await setUp();
    const document = await (await app.request('/openapi.json')).json();
    const operations = Object.entries(document.paths as Record<string, Record<string, unknown>>)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual(Object.keys(TABLE).sort());
  });

  it('lets no /v1 route through without naming the roles and worlds it serves', async () => {
    const { app } = await setUp();
    const routes = app.routes.filter((route) => route.path.startsWith('/v1/') && route.path !== '/v1/*');
    const gated = new Set(routes.filter((route) => route.handler.name === 'requireKey').map((route) => `${route.method} ${route.path}`));
    const ungated = routes.map((route) => `${route.method} ${route.path}`).filter((route) => !gated.has(route));
    expect(routes.length).toBeGreaterThan(Object.keys(TABLE).length);
    expect([...new Set(ungated)]).toEqual([]);
  });

  it.each([
    ['test', 'live'],
    ['live', 'test'],
  ] as const)('a %s key of every role neither sees, nor changes, nor blocks %s data, on every route', async (ownMode, otherMode) => {
    const app = await setUp();
    const [own, other] = [app[ownMode], app[otherMode]];
    const before = await Promise.all([other.heldCheckId, other.promptedCheckId].map(async (id) => (await app.call('GET', `/v1/checks/${id}`, { key: other.keys.admin })).json));

    for (const [route, row] of Object.entries(TABLE)) {
      const [method] = route.split(' ') as [string];
      for (const role of ROLES) {
        const { path, body } = row.request(other, own);
        const response = await app.call(method, path, { key: own.keys[role], ...(body !== undefined ? { body } : {}) });
        if (!row.roles.includes(role)) {
          expect(response.status, `${route} with a ${ownMode} ${role} key`).toBe(403);
          continue;
        }
        meet((ownMode === 'live' && row.live) || row.test, response, own, other, `${route} (${role})`);
      }
    }

    // The other world's checks are as they were: not answered, not closed, not released, not revised.
    const after = await Promise.all([other.heldCheckId, other.promptedCheckId].map(async (id) => (await app.call('GET', `/v1/checks/${id}`, { key: other.keys.admin })).json));
    expect(after).toEqual(before);
    expect(after[0].review.status).toBe('open');
    // And the other world's till carries on with its transaction: its retry finds its own check.
    const retry = await app.call('POST', '/v1/checks', { key: other.keys.till, body: aCheck({ ...heldBasket, transactionId: other.transactionId }) });
    expect(retry.status).toBe(200);
    expect(retry.json.checkId).toBe(other.heldCheckId);
    const webhooks = await app.call('GET', '/v1/webhooks', { key: other.keys.admin });
    expect(webhooks.json.webhooks.map((webhook: { id: string }) => webhook.id)).toContain(other.webhookId);
  });

  it('lists each world its own holds, and counts only live holds in the holds report', async () => {
    const { call, live, test } = await setUp();
    const listed = async (key: string) => (await call('GET', '/v1/reviews', { key })).json.reviews.map((review: { checkId: string }) => review.checkId);
    expect(await listed(live.keys.supervisor)).toEqual([live.heldCheckId]);
    expect(await listed(test.keys.supervisor)).toEqual([test.heldCheckId]);
    const report = await call('GET', '/v1/reports/holds?from=2026-11-20&to=2026-11-20', { key: live.keys.analyst });
    expect(report.json.openNow.count).toBe(1);
    expect(report.json.totals.opened).toBe(1);
  });

  it('sends test events only to test webhooks, and live events only to live webhooks', async () => {
    const { call, live, test } = await setUp();
    for (const world of [live, test]) {
      const deliveries = (await call('GET', `/v1/webhooks/${world.webhookId}/deliveries`, { key: world.keys.admin })).json.deliveries;
      expect(deliveries.map((delivery: { event: { data: { checkId: string; livemode: boolean } } }) => delivery.event.data)).toEqual([
        expect.objectContaining({ checkId: world.heldCheckId, livemode: world.mode === 'live' }),
      ]);
    }
  });

  it('shows the metrics to a live admin key only', async () => {
    const { app, live, test } = await setUp();
    const metrics = (key: string) => app.request('/metrics', { headers: { authorization: `Bearer ${key}` } });
    expect((await metrics(live.keys.admin)).status).toBe(200);
    expect((await metrics(test.keys.admin)).status).toBe(401);
  });

  it('keeps the dashboard for live keys: a test key cannot sign in, and a test key’s old session is ended', async () => {
    const { app, call, services, test, live } = await setUp();
    const signIn = (key: string) =>
      app.request('/dashboard/sign-in', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
        body: new URLSearchParams({ key }).toString(),
      });
    const refused = await signIn(test.keys.analyst);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('test key');
    expect((await signIn(live.keys.analyst)).status).toBe(303);

    // A session a test key started before test keys were kept off the dashboard.
    const testKeyId = (await call('GET', '/v1/keys', { key: test.keys.admin })).json.keys.find((key: { role: Role }) => key.role === 'analyst').id;
    const token = 'a-session-token-from-before-the-upgrade';
    const now = services.clock();
    await services.store.sessions.insert(createHash('sha256').update(token).digest('hex'), { keyId: testKeyId, createdAt: now, expiresAt: now + 60_000 });
    const page = await app.request('/dashboard', { headers: { cookie: `vouchsafe_session=${token}` } });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/dashboard/sign-in');
  });
});
