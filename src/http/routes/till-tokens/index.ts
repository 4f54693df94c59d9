import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { TillToken, TillTokenRequest } from '../../../contract/till-tokens.js';
import type { AppEnv } from '../../env.js';
import { requireKey } from '../../middleware/auth.js';
import { bodyErrors, commonErrors, header, json } from '../responses.js';

const route = createRoute({
  method: 'post',
  path: '/v1/till-tokens',
  operationId: 'createTillToken',
  tags: ['Till tokens'],
  summary: 'Mint a short-lived token for a browser till',
  description: [
    'For tills that run in a browser, which should never hold a long-lived key. The store’s back office (a server) calls this with its till key for that store, or an admin key, and hands the token to the browser till, which sends it as `Authorization: Bearer vst_…` in place of a key.',
    '',
    'The token lives `expiresInSeconds` (15 minutes by default, at most 12 hours), then is refused 401 `token_expired`: the till SDK asks its token source for a new one before then. It acts for that one store and till only: a check for another store is 403 `store_forbidden`, for another till 403 `till_forbidden`, and a check of another till reads as 404. It may make only a till’s calls, carries the minting key’s mode (a test-mode key mints `vst_test_…` tokens that make test checks), cannot mint tokens itself (403 `forbidden`), and stops working when the key that minted it is revoked.',
    '',
    'Minting records nothing: renew as often as you like. Any node of a deployment accepts a token any node minted.',
  ].join('\n'),
  middleware: [requireKey({ roles: ['till', 'admin'], worlds: 'own' })] as const,
  request: { body: { content: { 'application/json': { schema: TillTokenRequest } }, required: true } },
  responses: {
    201: json(TillToken, 'The token. Give it to the browser till only; never log it.', header.cacheControl),
    ...bodyErrors,
    ...commonErrors,
  },
});

export function registerTillTokens(api: OpenAPIHono<AppEnv>) {
  api.openapi(route, (c) => {
    const request = c.req.valid('json');
    const { token, expiresAt, livemode } = c.get('services').tillTokens.mint(c.get('principal'), request);
    c.header('Cache-Control', 'no-store');
    return c.json({ token, expiresAt: new Date(expiresAt).toISOString(), storeId: request.storeId, tillId: request.tillId, mode: livemode ? ('live' as const) : ('test' as const) }, 201);
  });
}
