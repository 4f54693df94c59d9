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
