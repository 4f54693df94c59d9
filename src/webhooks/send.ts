import { Webhook } from 'standardwebhooks';
import { urlProblem } from './url-policy.js';

export interface Attempt {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface SendOptions {
  allowHttp: boolean;
  timeoutMs: number;
  fetch: typeof globalThis.fetch;
}

function failure(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `timed out after ${timeoutMs / 1000} s`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `could not connect (${cause.code})`;
  return error instanceof Error ? (cause?.message ?? error.message) : String(error);
}

/**
 * One attempt to deliver one event: POSTed and signed the Standard Webhooks way, no redirect
 * followed, the whole exchange bounded by the timeout. Only a 2xx counts as delivered.
 *
 * The signature's timestamp is the wall clock, not the service's injectable one: receivers compare it
 * with their own clocks to refuse replays.
 */
export async function sendEvent(
  delivery: { url: string; secret: string; eventId: string; payload: string; requestId: string | null },
  { allowHttp, timeoutMs, fetch }: SendOptions,
): Promise<Attempt> {
  const problem = urlProblem(delivery.url, allowHttp);
  if (problem) return { ok: false, statusCode: null, error: `not sent: ${problem}`, durationMs: 0 };
  const sentAt = new Date();
  const signature = new Webhook(delivery.secret).sign(delivery.eventId, sentAt, delivery.payload);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(delivery.url, {
      method: 'POST',
      body: delivery.payload,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Vouchsafe-Webhooks/1',
        'webhook-id': delivery.eventId,
        'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
        'webhook-signature': signature,
        ...(delivery.requestId ? { 'x-request-id': delivery.requestId } : {}),
      },
    });
    // The body is not wanted, but it must be read or dropped to free the connection.
    await response.body?.cancel().catch(() => {});
    if (response.status >= 200 && response.status < 300) return { ok: true, statusCode: response.status, error: null, durationMs: elapsed() };
    const redirect = response.status >= 300 && response.status < 400;
    return {
      ok: false,
      statusCode: response.status,
      error: redirect ? `redirected${response.headers.get('location') ? ` to ${response.headers.get('location')}` : ''}: redirects are not followed` : `answered ${response.status}`,
      durationMs: elapsed(),
    };
  } catch (error) {
    return { ok: false, statusCode: null, error: failure(error, timeoutMs), durationMs: elapsed() };
  }
}
