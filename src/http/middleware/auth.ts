import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Principal } from '../../access/api-keys.js';
import { isTillToken } from '../../access/till-tokens.js';
import { assertLive } from '../../access/mode-scope.js';
import type { Role } from '../../contract/enums.js';
import { DomainError } from '../../errors.js';
import { HttpProblem } from '../problem.js';
import type { AppEnv } from '../env.js';
import { clientAddress } from '../failed-keys.js';

/** The key's principal; or none, with the seconds to wait if the client is throttled for wrong keys. */
export type KeyVerdict = { readonly principal: Principal; readonly retryAfter?: undefined } | { readonly principal?: undefined; readonly retryAfter?: number };

/**
 * Looks a presented key up for a client. A valid key is always looked up and served, even from an
 * address throttled for wrong keys: many tills share one store router's address, and one
 * misconfigured till must not lock the rest out. Keys are 256 random bits, so serving the right one
 * tells a guesser nothing he could use. A wrong key is counted; from a throttled address it is not
 * remembered, counted or logged again, and is answered with how long to wait (`retryAfter`).
 */
export async function presentKey(c: Context<AppEnv>, presented: string, where: string): Promise<KeyVerdict> {
  const edge = c.get('edge');
  const client = clientAddress(c, edge.trustProxy);
  const wait = edge.failedKeys.blockedFor(client);
  const principal = await c.get('services').keys.resolve(presented, { rememberUnknown: wait === 0 });
  if (principal) return { principal };
  return wrongKey(c, client, wait, where);
}

function wrongKey(c: Context<AppEnv>, client: string, wait: number, where: string): KeyVerdict {
  if (wait > 0) return { retryAfter: wait };
  c.get('edge').failedKeys.failed(client, where);
  return {};
}

/**
 * A till token's principal. An expired one, or one whose key was revoked, carries the service's own
 * signature, so it is no guess: 401 (`token_expired` tells the till to fetch a new one), never counted
 * as a wrong key. A token that does not verify is a wrong key like any other.
 */
async function presentToken(c: Context<AppEnv>, presented: string): Promise<Principal> {
  const verdict = await c.get('services').tillTokens.verify(presented);
  if (verdict.principal) return verdict.principal;
  if (verdict.refused === 'expired') {
    throw new HttpProblem('token_expired', 'The till token has expired; get a new one from the back office', {
      'WWW-Authenticate': 'Bearer realm="vouchsafe", error="invalid_token", error_description="expired"',
    });
  }
  if (verdict.refused === 'invalid') {
    const edge = c.get('edge');
    const client = clientAddress(c, edge.trustProxy);
    const { retryAfter } = wrongKey(c, client, edge.failedKeys.blockedFor(client), 'till token');
    if (retryAfter !== undefined) throw rateLimited(retryAfter);
  }
  throw new HttpProblem('unauthorized', verdict.refused === 'revoked' ? 'The key that minted this till token has been revoked' : 'The till token is not valid', {
    'WWW-Authenticate': 'Bearer realm="vouchsafe", error="invalid_token"',
  });
}

/** 429 with Retry-After for a wrong key from a client that has sent too many this minute. */
export function rateLimited(wait: number): HttpProblem {
  return new HttpProblem('rate_limited', `Too many wrong keys from this client; try again in ${wait} s`, { 'Retry-After': String(wait) });
}

/** Resolves `Authorization: Bearer <key or till token>` to a principal, or answers 401; too many wrong keys from one client, 429. */
export function authenticate() {
  return createMiddleware<AppEnv>(async function authenticate(c, next) {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      throw new HttpProblem('unauthorized', 'Send an API key as Authorization: Bearer <key>', { 'WWW-Authenticate': 'Bearer realm="vouchsafe"' });
    }
    const presented = match[1]!;
    if (isTillToken(presented)) {
      c.set('principal', await presentToken(c, presented));
    } else {
      const verdict = await presentKey(c, presented, 'api');
      if (verdict.retryAfter !== undefined) throw rateLimited(verdict.retryAfter);
      if (!verdict.principal) {
        throw new HttpProblem('unauthorized', 'The API key is unknown or revoked', { 'WWW-Authenticate': 'Bearer realm="vouchsafe", error="invalid_token"' });
      }
      c.set('principal', verdict.principal);
    }
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
