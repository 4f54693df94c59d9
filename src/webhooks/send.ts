import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { checkDestination, type Destination, type DestinationPolicy } from './url-policy.js';

export interface Attempt {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface SendOptions {
  policy: DestinationPolicy;
  timeoutMs: number;
}

/**
 * What an attempt that got no HTTP answer records, whatever the reason: a closed port, an open one
 * that speaks no HTTP or no TLS, a reset, a timeout. Telling them apart would turn the delivery log
 * into a port scanner.
 */
const FAILED = 'failed';
/** What an attempt to a destination the policy forbids records. Nothing was sent. */
const REFUSED = 'refused';

function withDeadline<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/** POSTs to the address that was checked: the host name stays for TLS and Host, but is not resolved again. */
function post(destination: Destination, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<IncomingMessage> {
  const { address, family } = destination;
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
  const send = destination.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(destination.url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, lookup: pinned, agent: false, signal }, resolve);
    request.once('error', reject);
    request.end(body);
  });
}

/**
 * One attempt to deliver one event: the destination checked again (see url-policy.ts), then POSTed to
 * the address checked and signed the Standard Webhooks way, no redirect followed, the whole exchange
 * (name resolution included) bounded by the timeout. Only a 2xx counts as delivered.
 *
 * The signature's timestamp is the wall clock, not the service's injectable one: receivers compare it
 * with their own clocks to refuse replays.
 */
export async function sendEvent(
  delivery: { url: string; secret: string; eventId: string; payload: string; requestId: string | null },
  { policy, timeoutMs }: SendOptions,
): Promise<Attempt> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const checked = await withDeadline(checkDestination(delivery.url, policy), signal);
    if ('problem' in checked) return { ok: false, statusCode: null, error: REFUSED, durationMs: 0 };
    const sentAt = new Date();
    const response = await post(
      checked.destination,
      {
        'content-type': 'application/json',
        'user-agent': 'Vouchsafe-Webhooks/1',
        'webhook-id': delivery.eventId,
        'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
        'webhook-signature': new Webhook(delivery.secret).sign(delivery.eventId, sentAt, delivery.payload),
        ...(delivery.requestId ? { 'x-request-id': delivery.requestId } : {}),
      },
      delivery.payload,
      signal,
    );
    // The body is not wanted: dropping it frees the socket at once.
    response.destroy();
    const status = response.statusCode ?? 0;
    if (status >= 200 && status < 300) return { ok: true, statusCode: status, error: null, durationMs: elapsed() };
    const location = status >= 300 && status < 400 ? response.headers.location : undefined;
    const error = status >= 300 && status < 400 ? `redirected${location ? ` to ${location}` : ''}: redirects are not followed` : `answered ${status}`;
    return { ok: false, statusCode: status, error, durationMs: elapsed() };
  } catch {
    return { ok: false, statusCode: null, error: FAILED, durationMs: elapsed() };
  }
}
