import { createMiddleware } from 'hono/factory';
import type { Principal } from '../../api-keys.js';
import type { Role } from '../../contract/enums.js';
import { ApiError } from '../../errors.js';
import type { AppEnv } from '../env.js';

/** Resolves `Authorization: Bearer <key>` to a principal, or answers 401. */
export function authenticate() {
  return createMiddleware<AppEnv>(async function authenticate(c, next) {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      throw new ApiError(401, 'unauthorized', {
        detail: 'Send an API key as Authorization: Bearer <key>',
        headers: { 'WWW-Authenticate': 'Bearer realm="vouchsafe"' },
      });
    }
    const principal = c.get('services').keys.resolve(match[1]!);
    if (!principal) {
      throw new ApiError(401, 'unauthorized', {
        detail: 'The API key is unknown or revoked',
        headers: { 'WWW-Authenticate': 'Bearer realm="vouchsafe", error="invalid_token"' },
      });
    }
    c.set('principal', principal);
    await next();
  });
}

/** Lets only the named roles through. */
export function requireRole(...roles: Role[]) {
  return createMiddleware<AppEnv>(async function requireRole(c, next) {
    const { role } = c.get('principal');
    if (!roles.includes(role)) {
      throw new ApiError(403, 'forbidden', { detail: `This needs a ${roles.join(' or ')} key; this is a ${role} key` });
    }
    await next();
  });
}

export function canActFor(principal: Principal, storeId: string): boolean {
  return principal.storeIds === null || principal.storeIds.includes(storeId);
}

/** A till key acts only for its own stores; an analyst key may be limited to some stores. */
export function assertStore(principal: Principal, storeId: string): void {
  if (!canActFor(principal, storeId)) {
    throw new ApiError(403, 'store_forbidden', { detail: `This key may not act for store ${storeId}` });
  }
}
