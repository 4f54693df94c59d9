import { createMiddleware } from 'hono/factory';
import type { Role } from '../../contract/enums.js';
import { DomainError } from '../../errors.js';
import { HttpProblem } from '../problem.js';
import type { AppEnv } from '../env.js';

/** Resolves `Authorization: Bearer <key>` to a principal, or answers 401. */
export function authenticate() {
  return createMiddleware<AppEnv>(async function authenticate(c, next) {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      throw new HttpProblem('unauthorized', 'Send an API key as Authorization: Bearer <key>', { 'WWW-Authenticate': 'Bearer realm="vouchsafe"' });
    }
    const principal = c.get('services').keys.resolve(match[1]!);
    if (!principal) {
      throw new HttpProblem('unauthorized', 'The API key is unknown or revoked', { 'WWW-Authenticate': 'Bearer realm="vouchsafe", error="invalid_token"' });
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
      throw new DomainError('forbidden', `This needs a ${roles.join(' or ')} key; this is a ${role} key`);
    }
    await next();
  });
}
