import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';

export interface ConnectionLimits {
  /** Open connections, all clients together; past it a newcomer gets in only by shedding a connection of the address holding the most. */
  readonly maxConnections: number;
  /** Open connections from one client address. */
  readonly maxConnectionsPerClient: number;
}

/** At most one log line per kind of refusal in this long; the lines in between are counted in the next. */
const LOG_EVERY_MS = 10_000;

/**
 * Caps open connections per client address and in all. At the total cap a newcomer is not simply
 * refused: if some address holds more connections than the newcomer's would after it, that address's
 * oldest connection is closed to make room (it is shed). So a few addresses that fill the cap (a flood,
 * or one busy router) cannot lock out a store whose till opens one connection per check: everyone is
 * squeezed toward an equal share, and only the heaviest holders lose connections. Refusals and sheds
 * are counted in /metrics and logged, at most a line per kind every 10 s.
 */
export function limitConnections(
  server: Server,
  limits: ConnectionLimits,
  { logger, metrics, clock = Date.now }: { logger: Logger; metrics?: Metrics | undefined; clock?: () => number },
): void {
  const byClient = new Map<string, Set<Socket>>();
  let open = 0;
  const log = rateLimitedWarnings(logger, clock);
  metrics?.connectionsOpen.set(0);

  const release = (socket: Socket, client: string) => {
    const sockets = byClient.get(client);
    if (!sockets?.delete(socket)) return;
    open -= 1;
    if (sockets.size === 0) byClient.delete(client);
    metrics?.connectionsOpen.set(open);
  };

  /** The address holding the most connections, and its sockets, oldest first. */
  const heaviest = () => {
    let most: [string, Set<Socket>] | undefined;
    for (const entry of byClient) if (!most || entry[1].size > most[1].size) most = entry;
    return most;
  };

  const refuse = (socket: Socket, reason: 'per_client' | 'total', client: string, limit: number) => {
    socket.destroy();
    metrics?.connectionsRefused.inc({ reason });
    log(reason, 'connection refused', { reason, client, limit });
  };

  server.on('connection', (socket: Socket) => {
    const client = socket.remoteAddress ?? 'unknown';
    const held = byClient.get(client)?.size ?? 0;
    if (held >= limits.maxConnectionsPerClient) return refuse(socket, 'per_client', client, limits.maxConnectionsPerClient);
    if (open >= limits.maxConnections) {
      const [heavy, sockets] = heaviest() ?? [];
      if (!heavy || !sockets || sockets.size <= held + 1) return refuse(socket, 'total', client, limits.maxConnections);
      const oldest = sockets.values().next().value!;
      release(oldest, heavy);
      oldest.destroy();
      metrics?.connectionsShed.inc();
      log('shed', 'connection shed to admit a client holding fewer', { client: heavy, held: sockets.size + 1, admitted: client, limit: limits.maxConnections });
    }
    let sockets = byClient.get(client);
    if (!sockets) byClient.set(client, (sockets = new Set()));
    sockets.add(socket);
    open += 1;
    metrics?.connectionsOpen.set(open);
    socket.once('close', () => release(socket, client));
  });
}

/** `warn` at most once per kind every LOG_EVERY_MS, saying how many of that kind went unlogged since the last line. */
function rateLimitedWarnings(logger: Logger, clock: () => number) {
  const kinds = new Map<string, { loggedAt: number; unlogged: number }>();
  return (kind: string, message: string, fields: Record<string, unknown>) => {
    const now = clock();
    const state = kinds.get(kind);
    if (state && now - state.loggedAt < LOG_EVERY_MS) {
      state.unlogged += 1;
      return;
    }
    logger.warn(message, { ...fields, ...(state?.unlogged ? { unloggedSinceLastLine: state.unlogged } : {}) });
    kinds.set(kind, { loggedAt: now, unlogged: 0 });
  };
}
