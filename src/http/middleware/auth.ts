import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { assertLive } from '../../access/mode-scope.js';
import type { Role } from '../../contract/enums.js';
import { DomainError } from '../../errors.js';
import { HttpProblem } from '../problem.js';
import type { AppEnv } from '../env.js';
import { clientAddress } from '../failed-keys.js';

/** 429 with Retry-After if the client has sent too many wrong keys this minute. */
export function refuseIfBlocked(c: Context<AppEnv>, client: string): void {
  const wait = c.get('edge').failedKeys.blockedFor(client);
  if (wait > 0) throw new HttpProblem('rate_limited', `Too many wrong keys from this client; try again in ${wait} s`, { 'Retry-After': String(wait) });
}

/** Resolves `Authorization: Bearer <key>` to a principal, or answers 401; too many wrong keys from one client, 429. */
export function authenticate() {
  return createMiddleware<AppEnv>(async function authenticate(c, next) {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      throw new HttpProblem('unauthorized', 'Send an API key as Authorization: Bearer <key>', { 'WWW-Authenticate': 'Bearer realm="vouchsafe"' });
    }
    const edge = c.get('edge');
    const client = clientAddress(c, edge.trustProxy);
    refuseIfBlocked(c, client);
    const principal = await c.get('services').keys.resolve(match[1]!);
    if (!principal) {
      edge.failedKeys.failed(client, 'api');
      throw new HttpProblem('unauthorized', 'The API key is unknown or revoked', { 'WWW-Authenticate': 'Bearer realm="vouchsafe", error="invalid_token"' });
    }
    c.set('principal', principal);
    await next();
  });
}

/**
 * Which worlds a route serves. `own`: live and test keys alike, each only in its own world (the domain
 * scopes what it reads and writes by the key's mode, and answers the other world's ids as missing).
 * `live`: live keys only, for what has no test counterpart; a test key gets 403 `live_key_required`.
 */
export type Worlds = 'own' | 'live';

/**
 * Lets through only keys of the named roles, and test keys only where the route serves them. Every
 * /v1 route names both, so a new route cannot leave test keys to chance.
 */
export function requireKey({ roles, worlds }: { roles: readonly Role[]; worlds: Worlds }) {
  return createMiddleware<AppEnv>(async function requireKey(c, next) {
    const principal = c.get('principal');
    if (!roles.includes(principal.role)) {
      throw new DomainError('forbidden', `This needs a ${roles.join(' or ')} key; this is a ${principal.role} key`);
    }
    if (worlds === 'live') assertLive(principal, `${c.req.method} ${c.req.routePath}`);
    await next();
  });
}
