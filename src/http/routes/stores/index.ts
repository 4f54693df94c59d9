import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { StoreId } from '../../../contract/common.js';
import { AreaAlert, Store, StoreInput, StoreList } from '../../../contract/stores.js';
import type { AreaAlertRow, StoreRow } from '../../../store/index.js';
import { DomainError } from '../../../errors.js';
import { deleteStore, putStore, storesReached } from '../../../stores/index.js';
import type { AppEnv } from '../../env.js';
import { requireKey } from '../../middleware/auth.js';
import { bodyErrors, commonErrors, json, notFound, queryErrors } from '../responses.js';

const iso = (ms: number) => new Date(ms).toISOString();

export const toStore = (row: StoreRow): Store => ({
  id: row.id,
  name: row.name,
  timeZone: row.timeZone,
  locale: row.locale,
  currency: row.currency,
  location: row.location && { lat: row.location.lat, lon: row.location.lon, ...(row.location.district !== null ? { district: row.location.district } : {}) },
  source: row.source,
  createdAt: iso(row.createdAt),
  updatedAt: iso(row.updatedAt),
});

export const toAreaAlert = (row: AreaAlertRow, stores: readonly StoreRow[]): AreaAlert => ({
  id: row.id,
  storeId: row.storeId,
  checkId: row.checkId,
  reason: row.reason as AreaAlert['reason'],
  livemode: row.livemode,
  raisedAt: iso(row.raisedAt),
  expiresAt: iso(row.expiresAt),
  radiusKm: row.radiusKm,
  location: row.location && { lat: row.location.lat, lon: row.location.lon, ...(row.location.district !== null ? { district: row.location.district } : {}) },
  brands: row.brands,
  currency: row.currency,
  valueBand: row.valueBand as AreaAlert['valueBand'],
  reached: storesReached(row, stores),
});

const StoreParams = z.object({ storeId: StoreId.meta({ param: { name: 'storeId', in: 'path' } }) });

const STORE_NOTE =
  'The registry is one for both worlds: a test till’s checks at a store get its time zone and language too. Changes are recorded in the audit log (`store.created`, `store.updated`, `store.deleted`) and reach every node at once (within 30 seconds if a notification is lost).';

const list = createRoute({
  method: 'get',
  path: '/v1/stores',
  operationId: 'listStores',
  tags: ['Stores'],
  summary: 'List stores',
  description: `Every store in the registry, and the store ids tills have sent that it lacks (\`unknownStores\`). ${STORE_NOTE}`,
  middleware: [requireKey({ roles: ['admin', 'analyst'], worlds: 'live' })] as const,
  responses: { 200: json(StoreList, 'The stores.'), ...commonErrors },
});

const get = createRoute({
  method: 'get',
  path: '/v1/stores/{storeId}',
  operationId: 'getStore',
  tags: ['Stores'],
  summary: 'Get a store',
  middleware: [requireKey({ roles: ['admin', 'analyst'], worlds: 'live' })] as const,
  request: { params: StoreParams },
  responses: { 200: json(Store, 'The store.'), ...commonErrors, ...notFound },
});

const put = createRoute({
  method: 'put',
  path: '/v1/stores/{storeId}',
  operationId: 'putStore',
  tags: ['Stores'],
  summary: 'Make or replace a store',
  description: `Makes the store under the id its tills send, or replaces it. \`locale\` must be a language the active rule set has prompts in (\`validation_failed\` with code \`unknown_locale\` otherwise); \`timeZone\` an IANA zone. A store in the stores file is put back as the file says at the next start. ${STORE_NOTE}`,
  middleware: [requireKey({ roles: ['admin'], worlds: 'live' })] as const,
  request: { params: StoreParams, body: { content: { 'application/json': { schema: StoreInput } }, required: true } },
  responses: { 200: json(Store, 'The store, replaced.'), 201: json(Store, 'The store, made.'), ...bodyErrors, ...commonErrors },
});

const remove = createRoute({
  method: 'delete',
  path: '/v1/stores/{storeId}',
  operationId: 'deleteStore',
  tags: ['Stores'],
  summary: 'Delete a store',
  description: `Takes the store out of the registry. Its checks stay; its tills still get decisions, with the service’s defaults and no area alerts. ${STORE_NOTE}`,
  middleware: [requireKey({ roles: ['admin'], worlds: 'live' })] as const,
  request: { params: StoreParams },
  responses: { 200: json(Store, 'The store, as it was.'), ...commonErrors, ...notFound },
});

const AlertsQuery = z.object({
  hours: z.coerce.number().int().min(1).max(24 * 30).default(24).meta({ param: { name: 'hours', in: 'query' }, description: 'How far back: alerts raised in the last this many hours.' }),
});

const alerts = createRoute({
  method: 'get',
  path: '/v1/area-alerts',
  operationId: 'listAreaAlerts',
  tags: ['Stores'],
  summary: 'Recent area alerts',
  description: 'Live-mode area alerts, newest first (at most 500): a refused sale, a refused hold or a confirmed scam at one store, and the stores in the registry it reaches. Checks at those stores see it as `area.*` facts until it expires.',
  middleware: [requireKey({ roles: ['admin', 'analyst'], worlds: 'live' })] as const,
  request: { query: AlertsQuery },
  responses: { 200: json(z.object({ alerts: z.array(AreaAlert) }).meta({ id: 'AreaAlertList' }), 'The alerts.'), ...queryErrors, ...commonErrors },
});

export function registerStores(api: OpenAPIHono<AppEnv>) {
  api.openapi(list, async (c) => {
    const { store } = c.get('services');
    const [stores, unknown] = await Promise.all([store.stores.list(), store.stores.unknown()]);
    return c.json({ stores: stores.map(toStore), unknownStores: unknown.map((row) => ({ storeId: row.storeId, firstSeenAt: iso(row.firstSeenAt) })) }, 200);
  });
  api.openapi(get, async (c) => {
    const { storeId } = c.req.valid('param');
    const row = await c.get('services').store.stores.find(storeId);
    if (!row) throw new DomainError('not_found', `No store ${storeId}`);
    return c.json(toStore(row), 200);
  });
  api.openapi(put, async (c) => {
    const { storeId } = c.req.valid('param');
    const services = c.get('services');
    const { row, created } = await putStore(services, c.get('principal').keyId, storeId, c.req.valid('json'));
    return c.json(toStore(row), created ? 201 : 200);
  });
  api.openapi(remove, async (c) => {
    const { storeId } = c.req.valid('param');
    return c.json(toStore(await deleteStore(c.get('services'), c.get('principal').keyId, storeId)), 200);
  });
  api.openapi(alerts, async (c) => {
    const { hours } = c.req.valid('query');
    const { store, clock, registry } = c.get('services');
    const rows = await store.areaAlerts.raisedSince(clock() - hours * 3_600_000, 500);
    const stores = registry.list();
    return c.json({ alerts: rows.map((row) => toAreaAlert(row, stores)) }, 200);
  });
}
