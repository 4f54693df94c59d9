import type { Context } from 'hono';
import type { Logger } from '../log.js';

const WINDOW_MS = 60_000;
/** Clients remembered at once: a spray from many addresses cannot grow the table without bound. */
const MOST_CLIENTS = 10_000;

export interface FailedKeys {
  /** Seconds until the client may try again, or 0 if it may try now. */
  blockedFor(client: string): number;
  /** Counts a wrong key or sign-in from the client, and logs it (first failure and the block, not each one). */
  failed(client: string, where: string): void;
}

/**
 * Wrong API keys and dashboard sign-ins, counted per client in fixed one-minute windows. Past the
 * limit a wrong key from that client is answered 429 with Retry-After until the window ends; a right
 * key is still served (see presentKey in middleware/auth.ts).
 */
export function failedKeyLimiter({ perMinute, clock, logger }: { perMinute: number; clock: () => number; logger: Logger }): FailedKeys {
  const clients = new Map<string, { since: number; failures: number }>();
  const current = (client: string) => {
    const entry = clients.get(client);
    if (entry && clock() - entry.since < WINDOW_MS) return entry;
    if (entry) clients.delete(client);
    return undefined;
  };
  return {
    blockedFor(client) {
      const entry = current(client);
      if (!entry || entry.failures < perMinute) return 0;
      return Math.max(1, Math.ceil((entry.since + WINDOW_MS - clock()) / 1000));
    },
    failed(client, where) {
      let entry = current(client);
      if (!entry) {
        if (clients.size >= MOST_CLIENTS) clients.delete(clients.keys().next().value!);
        entry = { since: clock(), failures: 0 };
        clients.set(client, entry);
      }
      entry.failures += 1;
      if (entry.failures === 1) logger.warn('wrong key', { client, where });
      if (entry.failures === perMinute) logger.warn('too many wrong keys; client blocked for the rest of the minute', { client, where, failures: entry.failures });
    },
  };
}

/**
 * The client's address: the socket's peer, or with a trusted proxy the address it appended to
 * X-Forwarded-For (the last entry: earlier ones are whatever the client claimed).
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'local';
}

/** Whether the request reached the service (or its trusted proxy) over HTTPS. */
export function isHttps(c: Context, trustProxy: boolean): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  return trustProxy && c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() === 'https';
}
