import { createHash, randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { Principal } from '../../access/api-keys.js';
import type { AppEnv } from '../env.js';
import { isHttps } from '../failed-keys.js';

const COOKIE = 'vouchsafe_session';
/** A working day: long enough not to nag, short enough that a forgotten session on a shared PC expires. */
export const SESSION_MS = 8 * 60 * 60 * 1000;
const DASHBOARD_ROLES = new Set(['analyst', 'admin']);

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Why a key may not use the dashboard, if it may not. A till or supervisor key may not; nor may a test
 * key: the dashboard shows live figures and live holds, which have no test counterpart.
 */
export function dashboardRefusal(principal: Principal): 'forbidden' | 'test_key' | undefined {
  if (!DASHBOARD_ROLES.has(principal.role)) return 'forbidden';
  return principal.livemode ? undefined : 'test_key';
}

/**
 * Starts a session for the key's holder. The cookie carries a random token, never the key; the database
 * keeps only the token's hash. HttpOnly (no script can read it), SameSite=Strict (no other site can send
 * it), Secure whenever the dashboard is served over HTTPS, directly or behind a trusted proxy (X-Forwarded-Proto).
 */
export async function startSession(c: Context<AppEnv>, principal: Principal): Promise<void> {
  const { store, clock } = c.get('services');
  const now = clock();
  const token = randomBytes(32).toString('base64url');
  await store.transaction(async (tx) => {
    await tx.sessions.deleteExpired(now);
    await tx.sessions.insert(hashToken(token), { keyId: principal.keyId, createdAt: now, expiresAt: now + SESSION_MS });
  });
  setCookie(c, COOKIE, token, {
    path: '/dashboard',
    httpOnly: true,
    sameSite: 'Strict',
    secure: isHttps(c, c.get('edge').trustProxy),
    maxAge: SESSION_MS / 1000,
  });
}

export async function endSession(c: Context<AppEnv>): Promise<void> {
  const token = getCookie(c, COOKIE);
  if (token) await c.get('services').store.sessions.delete(hashToken(token));
  deleteCookie(c, COOKIE, { path: '/dashboard' });
}

/**
 * Lets a request through with the session's principal, or sends the browser to sign in. The key behind
 * the session is looked up every time, so revoking the key ends its sessions at once.
 */
export function requireSession() {
  return createMiddleware<AppEnv>(async function requireSession(c, next) {
    const { store, clock } = c.get('services');
    const token = getCookie(c, COOKIE);
    const session = token ? await store.sessions.find(hashToken(token), clock()) : undefined;
    const key = session && (await store.keys.findById(session.keyId));
    if (!key || key.revokedAt !== null || !DASHBOARD_ROLES.has(key.role) || key.mode !== 'live') {
      if (token) deleteCookie(c, COOKIE, { path: '/dashboard' });
      return c.redirect('/dashboard/sign-in', 303);
    }
    c.set('principal', { keyId: key.id, name: key.name, role: key.role, livemode: key.mode === 'live', storeIds: key.storeIds });
    await next();
  });
}
