import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { onTestFinished } from 'vitest';

export interface Received {
  path: string;
  id: string;
  timestamp: string;
  body: string;
  /** The X-Request-Id it came with: the request that caused the event. */
  requestId: string | undefined;
  /** What a Standard Webhooks library made of it: the event, or why it refused it. */
  event: { type: string; timestamp: string; data: Record<string, unknown> } | undefined;
  refused: string | undefined;
}

type Answer = { status: number; headers?: Record<string, string>; delayMs?: number } | 'hang';

/**
 * A webhook receiver on loopback that verifies every delivery with the `standardwebhooks` library, as
 * a real one would. It can answer any status, hang, or be down (its port closed) for a while.
 */
export async function startReceiver() {
  const received: Received[] = [];
  const hanging: ServerResponse[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  let secret: string | undefined;
  let answer: Answer = { status: 204 };
  let server: Server | undefined;
  let port = 0;

  function handle(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
      let event: Received['event'];
      let refused: string | undefined;
      try {
        event = new Webhook(secret!).verify(body, headers) as Received['event'];
      } catch (error) {
        refused = error instanceof Error ? error.message : String(error);
      }
      received.push({ path: request.url ?? '/', id: headers['webhook-id']!, timestamp: headers['webhook-timestamp']!, body, requestId: headers['x-request-id'], event, refused });
      for (const waiter of waiters.filter((w) => received.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      if (answer === 'hang') {
        hanging.push(response);
        return;
      }
      const { status, headers: answerHeaders, delayMs } = answer;
      if (delayMs) setTimeout(() => response.writeHead(status, answerHeaders).end(), delayMs);
      else response.writeHead(status, answerHeaders).end();
    });
  }

  async function listen(): Promise<void> {
    server = createServer(handle);
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  }

  async function down(): Promise<void> {
    const closing = server;
    server = undefined;
    if (!closing) return;
    for (const response of hanging.splice(0)) response.destroy();
    closing.closeAllConnections();
    await new Promise<void>((resolve) => closing.close(() => resolve()));
  }

  await listen();
  onTestFinished(down);

  return {
    url: (path = '/hooks') => `http://127.0.0.1:${port}${path}`,
    received,
    /** The secret the webhook was made with, to verify what arrives. */
    useSecret(value: string) {
      secret = value;
    },
    answer(next: Answer) {
      answer = next;
    },
    /** Answers the requests still hanging, the oldest `count` of them (all unless told). */
    release(status = 204, count = hanging.length) {
      for (const response of hanging.splice(0, count)) response.writeHead(status).end();
    },
    /** Resolves once this many requests have arrived in all. */
    waitFor(count: number): Promise<void> {
      if (received.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    /** Closes the port: attempts are refused until `up()`. */
    down,
    /** Listens again on the same port. */
    up: listen,
  };
}
