/** The service's own request-time histogram for a route, read from /metrics: time inside the service, not on the wire or in the load generator. */
export async function routeHistogram(url: string, route: string, key: string): Promise<Map<number, number>> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${key}` } })).text();
  const buckets = new Map<number, number>();
  for (const line of text.split('\n')) {
    const match = /^vouchsafe_http_request_seconds_bucket\{le="([^"]+)",method="POST",route="([^"]+)"\} (\d+)/.exec(line);
    if (match && match[2] === route) buckets.set(match[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(match[1]), Number(match[3]));
  }
  return buckets;
}

/** Quantiles of the requests between two readings, as the upper edge of the bucket they fall in (so "≤ 0.5 ms"). */
export function quantilesBetween(before: Map<number, number>, after: Map<number, number>, qs: number[]): number[] {
  const edges = [...after.keys()].sort((a, b) => a - b);
  const counts = edges.map((edge) => (after.get(edge) ?? 0) - (before.get(edge) ?? 0));
  const total = counts.at(-1) ?? 0;
  return qs.map((q) => {
    const index = counts.findIndex((count) => count >= q * total);
    return (edges[index] ?? Number.POSITIVE_INFINITY) * 1000;
  });
}

/** The quantiles of checks inside the service during a run: the service's own bucket, and the bench server's exact timing. */
export interface InService {
  /** The upper edge of the bucket the quantile falls in, ms. */
  p50: number;
  p99: number;
  /** Timed around the whole app by tests/bench/http-server.ts, ms. */
  exact: { p50Ms: number; p99Ms: number; maxMs: number; count: number };
}

/** Runs `run` and reads the checks' time inside `server` over it, both ways. */
export async function inServiceDuring<T>(server: { url: string; adminKey: string }, run: () => Promise<T>): Promise<[T, InService]> {
  const before = await routeHistogram(server.url, '/v1/checks', server.adminKey);
  await fetch(`${server.url}/bench/check-times/reset`, { method: 'POST' });
  const result = await run();
  const exact = (await (await fetch(`${server.url}/bench/check-times`)).json()) as InService['exact'];
  const [p50, p99] = quantilesBetween(before, await routeHistogram(server.url, '/v1/checks', server.adminKey), [0.5, 0.99]);
  return [result, { p50: p50!, p99: p99!, exact }];
}

/** "p99 ≤ 10 ms (6.2 ms exact)". */
export function formatP99(inService: InService): string {
  return `p99 ≤ ${inService.p99} ms (${inService.exact.p99Ms.toFixed(1)} ms exact)`;
}
