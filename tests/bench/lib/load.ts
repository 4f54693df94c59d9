import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';

export interface LoadResult {
  connections: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  requests: number;
  errors: number;
  non2xx: number;
}

export interface LoadOptions {
  url: string;
  path: string;
  headers: Record<string, string>;
  body: () => string;
  connections: number;
  seconds: number;
  /**
   * Requests per second across all connections, sent evenly spaced (an open load, as tills send
   * checks); leave out to send as fast as answers come.
   */
  rate?: number;
}

/**
 * Drives one POST route; `body()` makes each request's body (so every check is a new transaction).
 * Flat out, autocannon drives it. At a rate, the requests are paced here: autocannon's own rate
 * sends each connection's quota for a second at the start of that second and then waits, so "50 a
 * second" was a burst of 50 back to back every second, and a till's latency measured the burst.
 */
export async function load(options: LoadOptions): Promise<LoadResult> {
  if (options.rate) return paced(options, options.rate);
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    requests: [
      {
        method: 'POST',
        path: options.path,
        headers: { 'content-type': 'application/json', ...options.headers },
        setupRequest: (request) => ({ ...request, body: options.body() }),
      },
    ],
  });
  return {
    connections: options.connections,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

const TIMEOUT_MS = 10_000;

/**
 * Request i is due at start + i / rate and goes out on a free keep-alive connection, or waits for
 * one. Its latency counts from when it was due, not from when it went out, so a slow answer that
 * holds the connections back shows in every request it delays (no coordinated omission).
 */
async function paced(options: LoadOptions, rate: number): Promise<LoadResult> {
  // First in, first out: Node's default (last in, first out) leaves some sockets idle past the
  // server's keep-alive timeout, and one reused just as the server closes it fails the request.
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections, scheduling: 'fifo' });
  const target = new URL(options.path, options.url);
  const latencies: number[] = [];
  let errors = 0;
  let non2xx = 0;
  const send = (due: number) =>
    new Promise<void>((resolve) => {
      const body = options.body();
      const sent = request(
        target,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...options.headers } },
        (response) => {
          response.resume();
          response.once('end', () => {
            latencies.push(performance.now() - due);
            if (response.statusCode! < 200 || response.statusCode! >= 300) non2xx += 1;
            resolve();
          });
        },
      );
      sent.setTimeout(TIMEOUT_MS, () => sent.destroy(new Error('timed out')));
      sent.once('error', () => {
        errors += 1;
        resolve();
      });
      sent.end(body);
    });

  const total = Math.max(1, Math.round(options.seconds * rate));
  const interval = 1000 / rate;
  const answers: Array<Promise<void>> = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const early = due - performance.now();
    if (early > 0) await sleep(early);
    answers.push(send(due));
  }
  await Promise.all(answers);
  const elapsedSeconds = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const quantile = (q: number) => (latencies.length === 0 ? 0 : Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! * 10) / 10);
  return {
    connections: options.connections,
    requestsPerSecond: latencies.length / elapsedSeconds,
    p50: quantile(0.5),
    p99: quantile(0.99),
    max: quantile(1),
    requests: latencies.length,
    errors,
    non2xx,
  };
}
